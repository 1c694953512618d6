import FHIR
import Foundation
import HealthRecord
import XCTest

/// The profil médical's rubriques and the measures, record → FHIR → record, and what the wire says.
extension RecordMappingTests {
    func testEveryRubriqueRoundTrips() throws {
        let p = "helene"
        let condition = try roundTrip(HealthRecord.Condition(id: "c", profileID: p, name: "Asthme", onset: PartialDate(iso: "2019-03"),
                                                             end: PartialDate(iso: "2024"), status: .resolved, note: "effort"))
        XCTAssertEqual(condition["onsetDateTime"]?.stringValue, "2019-03", "a partial date stays partial on the wire")
        XCTAssertEqual(condition["abatementDateTime"]?.stringValue, "2024")
        let treatment = try roundTrip(Treatment(id: "t", profileID: p, medication: "Ventoline", dosage: "2 bouffées", start: PartialDate(iso: "2019"),
                                                conditionID: "c", note: "si besoin"))
        XCTAssertEqual(treatment["reasonReference"]?[0]?["reference"]?.stringValue, "Condition/c")
        let stay = try roundTrip(Hospitalization(id: "h", profileID: p, name: "Fracture", start: PartialDate(iso: "2021-05")!, duration: 2,
                                                 durationUnit: .week, note: "plâtre"))
        XCTAssertEqual(stay.resourceType, "Encounter")
        XCTAssertEqual(stay["class"]?["code"]?.stringValue, "IMP")
        XCTAssertEqual(stay["length"]?["code"]?.stringValue, "wk")
        let disability = try roundTrip(Disability(id: "d", profileID: p, name: "Surdité", types: [.sensory, .motor], cdaphRate: .from50To79,
                                                  technicalHelp: "Appareil", humanHelp: .no, note: "n"))
        XCTAssertEqual(disability.resourceType, "Condition")
        XCTAssertEqual(RecordMapping.kinds(forResourceType: "Condition"), [.condition, .disability])
        let blood = try roundTrip(BloodGroup(id: "b", profileID: p, value: .abNegative))
        XCTAssertEqual(blood["code"]?["coding"]?[0]?["code"]?.stringValue, "882-1")
        let habit = try roundTrip(Lifestyle(id: "l", profileID: p, topic: .sleep, answer: "7 h", updated: CalendarDate(year: 2026, month: 1, day: 2)!))
        XCTAssertEqual(habit["category"]?[0]?["coding"]?[0]?["code"]?.stringValue, "social-history")
        // Issue 12: MES's structured answers are components (a code, or a whole number); tobacco also has LOINC 72166-2.
        let smoking = try roundTrip(Lifestyle(id: "s", profileID: p, topic: .tobacco, answer: "", updated: CalendarDate(year: 2026, month: 1, day: 2)!,
                                              answers: ["smoking": "YES_EVERY_DAY", "cigarettes-per-day": "12", "vaping": "NO"]))
        XCTAssertEqual(smoking["component"]?.elements.count, 3)
        XCTAssertEqual(smoking["component"]?[0]?["code"]?["coding"]?[0]?["code"]?.stringValue, "cigarettes-per-day")
        XCTAssertEqual(smoking["component"]?[0]?["valueInteger"]?.doubleValue, 12)
        XCTAssertEqual(smoking["component"]?[1]?["valueCodeableConcept"]?["coding"]?[0]?["code"]?.stringValue, "YES_EVERY_DAY")
        XCTAssertEqual(smoking["code"]?["coding"]?[1]?["code"]?.stringValue, "72166-2")
        XCTAssertNil(smoking["valueString"], "no empty note")
        let vaccination = try roundTrip(Vaccination(id: "v", profileID: p, vaccine: "Grippe saisonnière",
                                                    code: CodedConcept(system: "http://www.whocc.no/atc", code: "J07BB02"),
                                                    date: CalendarDate(year: 2025, month: 10, day: 15)!, lotNumber: "L1",
                                                    performer: Practitioner(name: "Pharmacie"), doseType: .booster))
        XCTAssertEqual(vaccination["extension"]?[0]?["valueCoding"]?["code"]?.stringValue, "BOOSTER")
        let family = try roundTrip(FamilyHistory(id: "f", profileID: p, relationship: "GREAT_GRANDMOTHER", condition: "Diabète"))
        XCTAssertEqual(family["relationship"]?["coding"]?[0]?["code"]?.stringValue, "GGRMTH")
        _ = try roundTrip(Allergy.notConcerned(id: "n", profileID: p, on: CalendarDate(year: 2026, month: 1, day: 1)!))
        _ = try roundTrip(Allergy(id: "a", profileID: p, substance: "Arachide", note: "œdème"))
        _ = try roundTrip(Wishes(id: p, profileID: p, updated: Date(timeIntervalSince1970: 1_700_000_000),
                                 organDonationInformedOn: CalendarDate(year: 2026, month: 2, day: 3)))
        for type in MeasurementType.allCases where type != .bloodPressure {
            let measure = try roundTrip(HealthMeasurement(id: "m-\(type.rawValue)", profileID: p, type: type,
                                                          effective: Date(timeIntervalSince1970: 1_700_000_000), value: 5))
            XCTAssertEqual(measure["valueQuantity"]?["code"]?.stringValue, type.unit)
        }
    }

    func testWhoWroteAVaccination() throws {
        var resource = try RecordMapping.encode(Vaccination(id: "v", profileID: "helene", vaccine: "Zona", date: CalendarDate(year: 2025, month: 1, day: 1)!),
                                                onto: nil)
        XCTAssertEqual((try RecordMapping.decode(resource).first as? Vaccination)?.isWrittenByProfessional, false)
        resource["performer"] = [["actor": ["reference": "Practitioner/lefevre", "display": "Dr Paul Lefèvre"]]]
        XCTAssertEqual((try RecordMapping.decode(resource).first as? Vaccination)?.isWrittenByProfessional, true)
    }

    func testProfileAndContactsCarryTheCareTeamAndTheEntourage() throws {
        var profile = Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau")
        profile.correspondingPharmacist = Practitioner(name: "Claire Dubois", organization: "Pharmacie des Tilleuls")
        profile.referentMidwife = Practitioner(name: "Inès Moreau", rpps: "10000000000")
        let contacts = [EmergencyContact(id: "c1", profileID: "helene", name: "Paul", roles: [.helpedPerson], relationship: "FATHER",
                                         phone: "04", email: "p@example.org", mobile: "06", address: "1 rue X, Lyon")]
        let record = PatientRecord(profile: profile, contacts: contacts)
        let resource = try Resource(parsing: RecordMapping.encodePatient(record, onto: nil).serialized())
        XCTAssertEqual(try RecordMapping.decodePatient(resource), record)
    }
}
