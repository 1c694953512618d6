import FHIR
import Foundation
import HealthRecord
import XCTest

/// HealthRecord → FHIR → HealthRecord gives back the same record, for every type the client
/// sends; the wire follows the profiles (LOINC measures, the blood-pressure panel, the DMP
/// security labels); writing onto the server's version keeps what mes does not model.
final class RecordMappingTests: XCTestCase {
    let when = Date(timeIntervalSince1970: 1_700_000_000)
    let doctor = Practitioner(name: "Dr Paul Lefèvre", rpps: "10003456781", specialty: "Médecine générale", organization: "Cabinet du Parc")

    func roundTrip<Record: ProfileRecord>(_ record: Record, file: StaticString = #filePath, line: UInt = #line) throws -> Resource {
        let resource = try RecordMapping.encode(record, onto: nil)
        let reparsed = try Resource(parsing: resource.serialized())
        XCTAssertEqual(try RecordMapping.decode(reparsed).first as? Record, record, file: file, line: line)
        return reparsed
    }

    func testEveryWritableRecordRoundTrips() throws {
        let p = "helene"
        _ = try roundTrip(HealthRecord.Condition(id: "c1", profileID: p, name: "Asthme",
                                                 code: CodedConcept(system: "http://snomed.info/sct", code: "195967001", display: "Asthme"),
                                                 onset: PartialDate(year: 2001, month: 2, day: 3), status: .resolved, note: "enfance"))
        _ = try roundTrip(Treatment(id: "t1", profileID: p, medication: "Ventoline", dosage: "2 bouffées", start: PartialDate(year: 2020, month: 1, day: 1),
                                    end: PartialDate(year: 2020, month: 6, day: 1), prescriber: doctor, status: .completed))
        _ = try roundTrip(Allergy(id: "a1", profileID: p, substance: "Arachide", category: .food, criticality: .high, reaction: "œdème",
                                  recorded: CalendarDate(year: 2019, month: 5, day: 4)))
        _ = try roundTrip(Vaccination(id: "v1", profileID: p, vaccine: "Grippe", date: CalendarDate(year: 2024, month: 10, day: 15)!,
                                      doseNumber: 2, lotNumber: "LOT1", performer: doctor))
        _ = try roundTrip(FamilyHistory(id: "f1", profileID: p, relationship: "Mère", condition: "Diabète", onsetAge: 55, note: "type 2"))
        _ = try roundTrip(Wishes(id: "w1", profileID: p, advanceDirectivesDocumentID: "doc-directives", advanceDirectivesSummary: "pas d’acharnement",
                                 organDonation: .consents, trustedPerson: "Julien Martineau", updated: when))
        _ = try roundTrip(ServiceConsent(id: "s1", profileID: p, serviceID: "svc-1", serviceName: "Appli tension",
                                         sections: [.medicalProfile, .agenda], granted: true, date: when))
        _ = try roundTrip(AgendaEvent(id: "e1", profileID: p, category: .appointment, title: "Cardiologue", start: when, end: when + 1800,
                                      location: "Hôpital", practitioner: doctor, reminderOffsets: [86400, 3600], status: .planned, note: "à jeun"))
        _ = try roundTrip(AgendaEvent(id: "e2", profileID: p, category: .reminder, title: "Prendre la tension", start: when,
                                      recurrenceRule: "FREQ=WEEKLY", status: .done))
        _ = try roundTrip(Message(id: "m2", profileID: p, threadID: "m1", sender: Participant(name: "Hélène", address: "Patient/helene", role: .patient),
                                  sent: when, body: "Merci docteur", attachmentIDs: ["doc-1"], inResponseTo: "m1", isRead: true))
        _ = try roundTrip(HealthMeasurement(id: "o1", profileID: p, type: .glycaemia, effective: when, value: 1.08, note: "à jeun"))
        _ = try roundTrip(Document(id: "d1", profileID: p, title: "Ordonnance", typeCode: DocumentType.prescriptionOfHealthProducts,
                                   classCode: .prescription, author: DocumentAuthor(name: "Dr Paul Lefèvre", organization: "Cabinet", rpps: "10003456781"),
                                   creationDate: when, serviceStart: when, size: 12, sha256: String(repeating: "ab", count: 32),
                                   format: "application/pdf", confidentiality: .restricted, visibility: [.maskedFromProfessionals],
                                   note: "à renouveler", origin: .professional))
        let patient = PatientRecord(
            profile: Profile(id: p, relation: .own, givenName: "Hélène", familyName: "Martineau", birthDate: CalendarDate(year: 1966, month: 4, day: 12),
                             gender: .female, ins: PatientIdentifier(system: HealthRecord.CodeSystem.insDemo, value: "266049900000011"),
                             generalPractitioner: doctor, phone: "06", email: "h@example.fr", address: "12 rue des Tilleuls, 69003 Lyon"),
            contacts: [EmergencyContact(id: "k1", profileID: p, name: "Julien Martineau", roles: [.trustedPerson, .emergencyContact],
                                        relationship: "fils", phone: "07")])
        let wire = RecordMapping.encodePatient(patient, onto: nil)
        XCTAssertEqual(try RecordMapping.decodePatient(Resource(parsing: wire.serialized())), patient)
    }

    func testMeasuresUseLOINCAndBloodPressureIsOnePanel() throws {
        let pressure = try roundTrip(HealthMeasurement.bloodPressure(id: "bp", profileID: "helene", effective: when, systolic: 135, diastolic: 85))
        XCTAssertEqual(Concept.tokens(of: pressure["code"]).first?.code, "85354-9")
        XCTAssertEqual(pressure["component"]?.elements.compactMap { Concept.tokens(of: $0["code"]).first?.code }, ["8480-6", "8462-4"])
        XCTAssertEqual(pressure["component"]?[0]?["valueQuantity"]?["code"]?.stringValue, "mm[Hg]")
        XCTAssertNil(pressure["valueQuantity"])
        XCTAssertEqual(Concept.tokens(of: pressure["category"]).first?.code, "vital-signs")
        let weight = try roundTrip(HealthMeasurement(id: "w", profileID: "helene", type: .weight, effective: when, value: 72.5))
        XCTAssertEqual(Concept.tokens(of: weight["code"]).first?.code, "29463-7")
        XCTAssertEqual(weight["valueQuantity"]?["system"]?.stringValue, CodeSystem.ucum)
    }

    func testMaskingTravelsAsSecurityLabels() throws {
        let document = Document(id: "d", profileID: "helene", title: "CR", typeCode: DocumentType.laboratoryReport, classCode: .report,
                                author: DocumentAuthor(name: "Dr X"), creationDate: when, size: 1, sha256: "", format: "text/plain",
                                confidentiality: .normal, visibility: [.maskedFromProfessionals, .invisibleToLegalRepresentatives], origin: .professional)
        let resource = try roundTrip(document)
        let labels = Concept.tokens(of: resource["securityLabel"])
        XCTAssertTrue(labels.contains { $0.system == CodeSystem.confidentiality && $0.code == "N" })
        XCTAssertTrue(labels.contains { $0.system == CodeSystem.visibility && $0.code == "MASQUE_PS" })
        XCTAssertTrue(labels.contains { $0.system == CodeSystem.visibility && $0.code == "INVISIBLE_REPRESENTANTS_LEGAUX" })
        XCTAssertEqual(Concept.tokens(of: resource["category"]).first { $0.system == CodeSystem.documentClass }?.code, "10")
    }

    func testWritingOntoTheServerVersionKeepsWhatMesDoesNotModel() throws {
        var server = Resource(type: "Condition", id: "c1")
        server["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")
        server["category"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")]
        server["code"] = Concept.codeable(CodeSystem.snomed, "38341003", "Hypertension artérielle", text: "Hypertension artérielle")
        server["subject"] = ["reference": "Patient/helene"]
        server["recorder"] = ["reference": "Practitioner/lefevre"]
        server.versionId = "3"
        var condition = try XCTUnwrap(RecordMapping.decode(server).first as? HealthRecord.Condition)
        condition.note = "suivi tous les 3 mois"
        let sent = try RecordMapping.encode(condition, onto: server)
        XCTAssertEqual(sent["recorder"], server["recorder"])
        XCTAssertEqual(sent["category"], server["category"])
        XCTAssertEqual(sent["code"], server["code"], "an unchanged member keeps the server's exact form")
        XCTAssertEqual(FHIRValueProbe.note(sent), "suivi tous les 3 mois")
        XCTAssertEqual(try RecordMapping.decode(sent).first as? HealthRecord.Condition, condition)
    }

    func testResourcesMesDoesNotKeepBecomeNothing() throws {
        var notification = Resource(type: "Communication", id: "n1")
        notification["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "notification")]
        notification["subject"] = ["reference": "Patient/helene"]
        XCTAssertTrue(try RecordMapping.decode(notification).isEmpty)
        var lab = Resource(type: "Observation", id: "o")
        lab["code"] = Concept.codeable(CodeSystem.loinc, "2823-3")
        lab["subject"] = ["reference": "Patient/helene"]
        XCTAssertTrue(try RecordMapping.decode(lab).isEmpty)
        XCTAssertEqual(RecordMapping.kinds(forResourceType: "Communication"), [.message, .thread])
    }
}

enum FHIRValueProbe {
    static func note(_ resource: Resource) -> String? { resource["note"]?[0]?["text"]?.stringValue }
}
