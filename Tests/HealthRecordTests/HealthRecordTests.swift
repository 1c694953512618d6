import Foundation
import HealthRecord
import XCTest

final class CalendarDateTests: XCTestCase {
    func testParsingAcceptsOnlyRealDays() {
        XCTAssertEqual(CalendarDate(iso: "2024-02-29")?.iso, "2024-02-29")
        XCTAssertNil(CalendarDate(iso: "2023-02-29"))
        XCTAssertNil(CalendarDate(iso: "1900-02-29"))
        XCTAssertEqual(CalendarDate(iso: "2000-02-29")?.day, 29)
        XCTAssertNil(CalendarDate(iso: "2024-13-01"))
        XCTAssertNil(CalendarDate(iso: "2024-4-01"))
        XCTAssertNil(CalendarDate(iso: "2024-04-01T10:00"))
        XCTAssertNil(CalendarDate(iso: "２０２４-04-01"))
    }

    func testAgesAndOrdering() {
        let birth = CalendarDate(year: 2010, month: 6, day: 15)!
        XCTAssertEqual(birth.years(until: CalendarDate(year: 2028, month: 6, day: 14)!), 17)
        XCTAssertEqual(birth.years(until: CalendarDate(year: 2028, month: 6, day: 15)!), 18)
        XCTAssertLessThan(birth, CalendarDate(year: 2010, month: 6, day: 16)!)
        let child = Profile(id: "c", relation: .child, givenName: "Léo", familyName: "Martin", birthDate: birth)
        XCTAssertTrue(child.isMinor(on: CalendarDate(year: 2028, month: 6, day: 14)!))
        XCTAssertFalse(child.isMinor(on: CalendarDate(year: 2028, month: 6, day: 15)!))
    }

    func testTheDayIsCountedInParis() {
        // 23:30 UTC on 31 December is already New Year's Day in Paris.
        let date = Date(timeIntervalSince1970: 1_704_065_400)
        XCTAssertEqual(CalendarDate(date).iso, "2024-01-01")
        XCTAssertEqual(CalendarDate(date, in: TimeZone(identifier: "UTC")!).iso, "2023-12-31")
    }

    func testCodableAsISOText() throws {
        let data = try JSONEncoder().encode([CalendarDate(year: 1966, month: 4, day: 2)!])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"1966-04-02\"]")
        XCTAssertThrowsError(try JSONDecoder().decode([CalendarDate].self, from: Data("[\"1966-4-2\"]".utf8)))
    }
}

final class DocumentRulesTests: XCTestCase {
    func document(_ labels: Set<VisibilityLabel>) -> Document {
        Document(id: "d", profileID: "p", title: "CR", typeCode: DocumentType.imagingReport, classCode: .imaging,
                 author: DocumentAuthor(name: "Dr Durand", organization: "CHU", rpps: "10001"), creationDate: Date(),
                 size: 10, sha256: "AB", format: "application/pdf", visibility: labels, origin: .professional)
    }

    func testVisibilityFollowsTheDMPLabels() {
        let masked = document([.maskedFromProfessionals])
        XCTAssertTrue(masked.isVisible(to: .patient))
        XCTAssertTrue(masked.isVisible(to: .generalPractitioner), "the médecin traitant sees masked documents")
        XCTAssertFalse(masked.isVisible(to: .professional(rpps: "20002")))
        XCTAssertTrue(masked.isVisible(to: .professional(rpps: "10001")), "its author keeps access")
        XCTAssertFalse(masked.isVisible(to: .socialCareProfessional))

        let hidden = document([.invisibleToPatient])
        XCTAssertFalse(hidden.isVisible(to: .patient))
        XCTAssertFalse(hidden.isVisible(to: .legalRepresentative))
        XCTAssertTrue(hidden.isVisible(to: .professional(rpps: nil)))

        let notForParents = document([.invisibleToLegalRepresentatives])
        XCTAssertTrue(notForParents.isVisible(to: .patient))
        XCTAssertFalse(notForParents.isVisible(to: .legalRepresentative))
    }

    func testContentIsCheckedAgainstSizeAndHash() {
        XCTAssertTrue(document([]).matches(contentSize: 10, sha256: "ab"))
        XCTAssertFalse(document([]).matches(contentSize: 11, sha256: "ab"))
        XCTAssertFalse(document([]).matches(contentSize: 10, sha256: "ac"))
    }

    func testCodesAreTheDMPOnes() {
        XCTAssertEqual(DocumentClass.prescription.concept.code, "42")
        XCTAssertEqual(DocumentClass.patientDeposited.rawValue, "90")
        XCTAssertEqual(VisibilityLabel.maskedFromProfessionals.rawValue, "MASQUE_PS")
        XCTAssertEqual(DocumentType.patientDeposited(5)?.code, "DOCPAT05")
        XCTAssertNil(DocumentType.patientDeposited(10))
        XCTAssertEqual(DocumentType.medicalSynthesis.code, "60591-5")
        XCTAssertTrue(DocumentType.laboratoryReport.sameCode(as: CodedConcept(system: CodeSystem.loinc, code: "11502-2")))
    }
}

final class MeasurementTests: XCTestCase {
    func testBloodPressureIsOnePanelWithTwoComponents() {
        let measure = HealthMeasurement.bloodPressure(id: "bp", profileID: "p", effective: Date(), systolic: 135, diastolic: 85)
        XCTAssertEqual(measure.type.loinc, "85354-9")
        XCTAssertEqual(measure.components.map(\.loinc), ["8480-6", "8462-4"])
        XCTAssertEqual(measure.components.map(\.unit), ["mm[Hg]", "mm[Hg]"])
        XCTAssertEqual(measure.systolic, 135)
        XCTAssertEqual(measure.diastolic, 85)
        XCTAssertTrue(measure.isPlausible)
    }

    func testSingleValuesUseTheTypesUCUMUnitAndLOINC() {
        let weight = HealthMeasurement(id: "w", profileID: "p", type: .weight, effective: Date(), value: 72.4)
        XCTAssertEqual(weight.components, [MeasurementComponent(loinc: "29463-7", value: 72.4, unit: "kg")])
        XCTAssertEqual(MeasurementType(loinc: "8302-2"), .height)
        XCTAssertNil(MeasurementType(loinc: "0000-0"))
        XCTAssertFalse(HealthMeasurement(id: "t", profileID: "p", type: .temperature, effective: Date(), value: 375).isPlausible)
    }

    func testConversions() {
        XCTAssertEqual(UnitConversion.glycaemiaMillimolesPerLitre(fromGramsPerLitre: 1.0), 5.55, accuracy: 0.01)
        XCTAssertEqual(UnitConversion.glycaemiaGramsPerLitre(fromMillimolesPerLitre: 5.55), 1.0, accuracy: 0.01)
        XCTAssertEqual(UnitConversion.bodyMassIndex(weightKilograms: 72, heightCentimetres: 180)!, 22.2, accuracy: 0.05)
        XCTAssertNil(UnitConversion.bodyMassIndex(weightKilograms: 72, heightCentimetres: 0))
    }
}

final class SharingAndMessagingTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func testAccessGrantsExpire() {
        var grant = AccessGrant(id: "g", profileID: "p", code: "123456", sections: [.documents], created: now,
                                expires: now.addingTimeInterval(3600))
        XCTAssertEqual(grant.effectiveStatus(at: now), .pending)
        grant.status = .active
        XCTAssertEqual(grant.effectiveStatus(at: now.addingTimeInterval(10)), .active)
        XCTAssertEqual(grant.effectiveStatus(at: now.addingTimeInterval(3600)), .expired)
        grant.status = .revoked
        XCTAssertEqual(grant.effectiveStatus(at: now.addingTimeInterval(7200)), .revoked)
    }

    func testDelegationsAreScopedAndDated() {
        let delegation = Delegation(id: "d", profileID: "father", delegateName: "Claire", role: .caregiver,
                                    sections: [.agenda, .documents], start: now, end: now.addingTimeInterval(86400))
        XCTAssertTrue(delegation.allows(.agenda, at: now))
        XCTAssertFalse(delegation.allows(.messages, at: now))
        XCTAssertFalse(delegation.allows(.agenda, at: now.addingTimeInterval(86400)))
        XCTAssertFalse(delegation.allows(.agenda, at: now.addingTimeInterval(-1)))
    }

    func testOnlyAProfessionalOpensAThreadAndClosingEndsReplies() {
        let doctor = Participant(name: "Dr A", address: "a@mssante.fr", role: .professional)
        let patient = Participant(name: "Jeanne", address: "1@patient.mssante.fr", role: .patient)
        var thread = MessageThread(id: "t", profileID: "p", subject: "Résultats", participants: [doctor, patient], lastActivity: now)
        let fromPatient = Message(id: "m0", profileID: "p", threadID: "t", sender: patient, sent: now, body: "Bonjour")
        let fromDoctor = Message(id: "m1", profileID: "p", threadID: "t", sender: doctor, sent: now, body: "Vos résultats")
        XCTAssertFalse(thread.patientMayReply(messages: [fromPatient]))
        XCTAssertTrue(thread.patientMayReply(messages: [fromDoctor]))
        thread.isClosed = true
        XCTAssertFalse(thread.patientMayReply(messages: [fromDoctor]))
    }

    func testBlocksAndAuditAndProfiles() {
        let block = Block(id: "b", profileID: "p", target: .professional(Practitioner(name: "Dr X", rpps: "999")), created: now)
        XCTAssertTrue(block.blocks(rpps: "999"))
        XCTAssertFalse(block.blocks(rpps: "998"))
        XCTAssertFalse(Block(id: "b", profileID: "p", target: .emergencyAccess, created: now).blocks(rpps: "999"))
        let entry = AuditEntry(id: "a", profileID: "p", date: now, actorName: "Dr X", actorRole: .professional, action: .read)
        XCTAssertTrue(entry.concernsSomeoneElse)
        let profile = Profile(id: "p", relation: .own, givenName: "Jeanne", familyName: "Martin",
                              ins: PatientIdentifier(system: CodeSystem.insTest, value: "2660478123456"))
        XCTAssertEqual(profile.displayName, "Jeanne MARTIN")
        XCTAssertEqual(profile.mssanteAddress, "2660478123456@patient.mssante.fr")
        XCTAssertTrue(profile.ins!.isFictitious)
    }

    func testAgendaRemindersAndOverlap() {
        let event = AgendaEvent(id: "e", profileID: "p", category: .appointment, title: "Cardiologue", start: now,
                                end: now.addingTimeInterval(1800), reminderOffsets: [3600, 86400])
        XCTAssertEqual(event.reminderDates, [now.addingTimeInterval(-86400), now.addingTimeInterval(-3600)])
        XCTAssertTrue(event.overlaps(from: now.addingTimeInterval(600), to: now.addingTimeInterval(700)))
        XCTAssertFalse(event.overlaps(from: now.addingTimeInterval(1801), to: now.addingTimeInterval(4000)))
        let treatment = Treatment(id: "t", profileID: "p", medication: "Amlodipine", start: PartialDate(year: 2024, month: 1, day: 1),
                                  end: PartialDate(year: 2024, month: 3, day: 31))
        XCTAssertTrue(treatment.isOngoing(on: CalendarDate(year: 2024, month: 3, day: 31)!))
        XCTAssertFalse(treatment.isOngoing(on: CalendarDate(year: 2024, month: 4, day: 1)!))
        XCTAssertEqual(CareHistoryEntry(id: "c", profileID: "p", date: CalendarDate(year: 2024, month: 1, day: 1)!,
                                        service: "Consultation", amountCharged: 3000, amountReimbursed: 2000).remainingCharge, 1000)
    }
}

/// Every record survives a JSON round trip (the vault's body and the outbox payload).
final class RecordCodingTests: XCTestCase {
    func roundTrip<R: ProfileRecord>(_ record: R, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try JSONDecoder().decode(R.self, from: JSONEncoder().encode(record)), record, file: file, line: line)
    }

    func testSectionsAreTheServersRubriquesAndOldVaultNamesStillRead() throws {
        XCTAssertEqual(Section.allCases.map(\.rawValue), ["documents", "profile", "vaccinations", "agenda", "messages", "reimbursements", "entourage"])
        let old = try JSONDecoder().decode([Section].self, from: Data(#"["medical-profile", "measurements", "care-history", "agenda"]"#.utf8))
        XCTAssertEqual(old, [.medicalProfile, .medicalProfile, .careHistory, .agenda])
        XCTAssertThrowsError(try JSONDecoder().decode([Section].self, from: Data(#"["everything"]"#.utf8)))
    }

    func testEveryKindRoundTrips() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let day = CalendarDate(year: 2024, month: 5, day: 1)!
        let doctor = Practitioner(name: "Dr A", rpps: "1", specialty: "Cardiologie", organization: "CHU")
        try roundTrip(Profile(id: "p", relation: .delegated, givenName: "A", familyName: "B", birthDate: day, gender: .female,
                              ins: PatientIdentifier(system: CodeSystem.insDemo, value: "1"), generalPractitioner: doctor))
        try roundTrip(EmergencyContact(id: "e", profileID: "p", name: "C", roles: [.trustedPerson, .emergencyContact]))
        try roundTrip(Delegation(id: "d", profileID: "p", delegateName: "D", role: .legalRepresentative, sections: Set(Section.allCases),
                                 start: now))
        try roundTrip(Document(id: "d", profileID: "p", title: "T", typeCode: DocumentType.wishesAndRights, classCode: .patientDeposited,
                               author: DocumentAuthor(name: "A"), creationDate: now, serviceStart: now, size: 1, sha256: "00",
                               format: "text/plain", confidentiality: .restricted, visibility: [.maskedFromThirdPersons],
                               note: "n", origin: .patient, isRead: true))
        try roundTrip(Condition(id: "c", profileID: "p", name: "HTA", onset: PartialDate(day), status: .resolved))
        try roundTrip(Treatment(id: "t", profileID: "p", medication: "M", dosage: "1/j", prescriber: doctor, status: .stopped))
        try roundTrip(Allergy(id: "a", profileID: "p", substance: "Pénicilline", category: .medication, criticality: .high))
        try roundTrip(Vaccination(id: "v", profileID: "p", vaccine: "DTP", date: day, doseNumber: 2, lotNumber: "L1", performer: doctor))
        try roundTrip(FamilyHistory(id: "f", profileID: "p", relationship: "mère", condition: "Diabète", onsetAge: 50))
        try roundTrip(HealthMeasurement.bloodPressure(id: "m", profileID: "p", effective: now, systolic: 120, diastolic: 80))
        try roundTrip(Wishes(id: "p", profileID: "p", organDonation: .consents, trustedPerson: "C", updated: now))
        try roundTrip(CareHistoryEntry(id: "h", profileID: "p", date: day, service: "S", amountCharged: 1, amountReimbursed: 1))
        try roundTrip(AgendaEvent(id: "e", profileID: "p", category: .reminder, title: "R", start: now, recurrenceRule: "FREQ=DAILY"))
        try roundTrip(MessageThread(id: "t", profileID: "p", subject: "S", participants: [], lastActivity: now))
        try roundTrip(Message(id: "m", profileID: "p", threadID: "t", sender: Participant(name: "A", address: "a", role: .establishment),
                              sent: now, body: "B", attachmentIDs: ["d"], inResponseTo: "m0"))
        try roundTrip(AccessGrant(id: "g", profileID: "p", code: "1", sections: [.medicalProfile], created: now, expires: now,
                                  professional: doctor))
        try roundTrip(ServiceConsent(id: "s", profileID: "p", serviceID: "s1", serviceName: "S", sections: [.agenda], granted: true, date: now))
        try roundTrip(Block(id: "b", profileID: "p", target: .professional(doctor), created: now))
        try roundTrip(AuditEntry(id: "a", profileID: "p", date: now, actorName: "A", actorRole: .caregiver, action: .accessGranted,
                                 targetKind: .document, targetID: "d", targetTitle: "T"))
        try roundTrip(Hospitalization(id: "h", profileID: "p", name: "H", start: PartialDate(iso: "2021")!, duration: 3, durationUnit: .day))
        try roundTrip(Disability(id: "d", profileID: "p", name: "D", types: [.psychic], cdaphRate: .unknown, humanHelp: .notSaid))
        try roundTrip(BloodGroup(id: "b", profileID: "p", value: .oNegative))
        try roundTrip(Lifestyle(id: "l", profileID: "p", topic: .food, answer: "A", updated: day))
        XCTAssertEqual(Set([Profile.kind, EmergencyContact.kind, Delegation.kind, Document.kind, Condition.kind, Treatment.kind,
                            Allergy.kind, Vaccination.kind, FamilyHistory.kind, HealthMeasurement.kind, Wishes.kind,
                            CareHistoryEntry.kind, AgendaEvent.kind, MessageThread.kind, Message.kind, AccessGrant.kind,
                            ServiceConsent.kind, Block.kind, AuditEntry.kind, Hospitalization.kind, Disability.kind, BloodGroup.kind,
                            Lifestyle.kind]), Set(RecordKind.allCases))
    }
}
