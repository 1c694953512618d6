import FHIR
import Foundation
import HealthRecord
import MedicalProfile
@testable import Sync
import TestSupport
import Vault
import XCTest

/// The profil médical against a real `mes-server`: every rubrique changed on one device reaches
/// a second device of the same account; professionals read what MES lets them read; a
/// professional's vaccination is read-only for the patient, on the server too.
final class MedicalProfileSyncTests: XCTestCase {
    func testEveryRubriqueCreatedEditedAndDeletedReachesASecondVault() async throws {
        let server = try TestServer()
        let first = try TestClient(), second = try TestClient()
        try await first.login(server)
        try await second.login(server)
        await first.sync()
        await second.sync()
        let book = ProfileBook(vault: first.vault, profileID: Demo.holderSpace, vaccines: VaccineCatalog(shareDirectory: BuiltProducts.repository))
        let other = ProfileBook(vault: second.vault, profileID: Demo.holderSpace, vaccines: VaccineCatalog(shareDirectory: BuiltProducts.repository))

        let condition = try book.add(.conditions, ["name": "Asthme", "start": "03/2019", "comment": "à l'effort"])
        let added: [(ProfileRubrique, [String: String])] = [
            (.treatments, ["name": "Ventoline", "dosage": "2 bouffées si besoin", "start": "2019", "condition": condition.id]),
            (.hospitalizations, ["name": "Fracture du poignet", "start": "05/2021", "duration": "2", "unit": "WEEK"]),
            (.disabilities, ["name": "Surdité partielle", "types": "SENSORY", "cdaph": "BETWEEN_50_AND_79", "human-help": "NO"]),
            (.allergies, ["name": "Arachide", "comment": "œdème"]),
            (.familyHistory, ["relative": "GRANDMOTHER", "name": "Cancer du sein"]),
            (.vaccinations, ["vaccine": "J07BB02", "date": "15/10/2025", "dose": "BOOSTER", "lot": "GRP25", "by": "Pharmacie des Tilleuls"]),
            (.lifestyle, ["topic": "ALCOHOL", "answer": "Un verre le week-end"]),
            (.professionals, ["role": "SAGE_FEMME_REFERENTE", "name": "Inès Moreau", "organization": "Maternité"]),
            (.entourage, ["role": "HELPED_PERSON", "name": "Paul Martineau", "relation": "FATHER", "mobile": "06 00 00 00 09"]),
        ]
        var ids: [ProfileRubrique: String] = [.conditions: condition.id]
        for (rubrique, values) in added { ids[rubrique] = try book.add(rubrique, values).id }
        try book.add(.bloodGroup, ["group": "O-"])
        try book.add(.wishes, ["organ-donation-informed": "yes"])
        let push = await first.sync()
        XCTAssertEqual(push.outcome, .complete)
        XCTAssertEqual(try first.vault.read { try $0.outbox.count() }, 0)

        await second.sync()
        for rubrique in ProfileRubrique.allCases {
            XCTAssertEqual(try other.entries(rubrique), try book.entries(rubrique), "\(rubrique) arrives as it was written")
        }
        XCTAssertEqual(try other.entries(.conditions).first { $0.id == condition.id }?.values["start"], "03/2019")
        XCTAssertEqual(try other.entries(.bloodGroup).map(\.title), ["O-"], "the seeded A+ was replaced, not doubled")

        // Edit on the second device, delete on the first; both reach the other.
        try other.edit(.hospitalizations, id: ids[.hospitalizations]!, ["duration": "3"])
        try other.edit(.entourage, id: ids[.entourage]!, ["email": "paul@example.org"])
        await second.sync()
        await first.sync()
        XCTAssertEqual(try book.entry(.hospitalizations, id: ids[.hospitalizations]!).values["duration"], "3")
        XCTAssertEqual(try book.entry(.entourage, id: ids[.entourage]!).values["email"], "paul@example.org")
        for (rubrique, _) in added { try book.delete(rubrique, id: ids[rubrique]!) }
        try book.delete(.conditions, id: condition.id)
        await first.sync()
        await second.sync()
        for (rubrique, _) in added + [(.conditions, [:])] {
            XCTAssertNil(try other.entries(rubrique).first { $0.id == ids[rubrique] }, "\(rubrique) deleted on the second vault too")
        }

        // Measures travel too, the blood pressure as one panel.
        let measures = MeasureBook(vault: first.vault, profileID: Demo.holderSpace)
        try measures.add(.bloodPressure, values: [128, 82])
        try measures.add(.hba1c, values: [6.8])
        await first.sync()
        await second.sync()
        let arrived = try MeasureBook(vault: second.vault, profileID: Demo.holderSpace).measurements(.bloodPressure).last
        XCTAssertEqual(arrived?.systolic, 128)
        // Not `.last`: the demo seeds an HbA1c at 8:00 today, after this one before 8:00.
        XCTAssertTrue(try MeasureBook(vault: second.vault, profileID: Demo.holderSpace).measurements(.hba1c).contains { $0.value == 6.8 })
    }

    func testProfessionalsReadVaccinationsOnlyAndTheirVaccinationIsReadOnly() async throws {
        let server = try TestServer()
        let transport = URLSessionTransport(baseURL: server.url)
        func call(_ method: String, _ path: String, _ json: JSON? = nil, token: String? = nil) async throws -> (Int, JSON) {
            var headers = ["Content-Type": "application/fhir+json"]
            if let token { headers["Authorization"] = "Bearer \(token)" }
            let response = try await transport.send(BackendRequest(method: method, path: path, headers: headers, body: json.map { Data($0.serialized()) }))
            return (response.status, (try? JSON(parsing: response.body)) ?? .null)
        }
        let (_, challenge) = try await call("POST", API.Path.login, ["identifier": .string(Demo.holder.identifier), "password": .string(Demo.holder.password)])
        let (_, verified) = try await call("POST", API.Path.verifyCode, ["challenge": challenge["challenge"] ?? .null,
                                                                         "code": .string(try server.oneTimeCode(for: Demo.holder.identifier))])
        let holder = try XCTUnwrap(verified["access_token"]?.stringValue)
        let (created, code) = try await call("POST", API.Path.accessCode(patient: Demo.holderSpace),
                                             ["durationMinutes": 60, "rubriques": ["documents", "profile", "vaccinations"]], token: holder)
        XCTAssertEqual(created, 201)
        // Professionals log in with their password and a one-time code, as patients do.
        let (_, proChallenge) = try await call("POST", API.Path.login, ["rpps": "10003456781", "password": "demo-lefevre"])
        let (_, pro) = try await call("POST", API.Path.verifyCode, ["challenge": proChallenge["challenge"] ?? .null,
                                                                    "code": .string(try server.oneTimeCode(for: "10003456781"))])
        let professional = try XCTUnwrap(pro["access_token"]?.stringValue)
        let (redeemed, _) = try await call("POST", API.Path.redeem, ["code": code["code"] ?? .null], token: professional)
        XCTAssertEqual(redeemed, 200)

        // What MES lets professionals read directly: vaccinations (and the entourage on the Patient).
        let vaccination = try await call("GET", "/Immunization/vac-zona", token: professional)
        let patient = try await call("GET", "/Patient/helene", token: professional)
        XCTAssertEqual(vaccination.0, 200)
        XCTAssertEqual(patient.0, 200)
        XCTAssertFalse(patient.1["contact"]?.elements.isEmpty ?? true, "the entourage")
        // The rest reaches them only through the synthèse, even with the profile rubrique granted.
        for path in ["/Condition/cond-hta", "/MedicationStatement/med-amlodipine", "/AllergyIntolerance/allergy-penicilline",
                     "/FamilyMemberHistory/family-mere", "/Encounter/hospit-appendicite", "/Observation/obs-weight-0",
                     "/Observation/blood-group-helene"] {
            let status = try await call("GET", path, token: professional).0
            XCTAssertEqual(status, 404, path) // invisible is 404, like a missing resource
        }
        let search = try await call("GET", "/Condition?patient=helene", token: professional)
        XCTAssertTrue(search.0 != 200 || search.1["entry"]?.elements.isEmpty != false, "a search finds nothing either")

        // A vaccination the professional writes names them; the patient cannot change or delete it.
        var written = Resource(type: "Immunization", id: "vac-pro-1")
        written["status"] = "completed"
        written["vaccineCode"] = Concept.codeable("http://www.whocc.no/atc", "J07BB02", text: "Grippe saisonnière")
        written["patient"] = ["reference": "Patient/helene"]
        written["occurrenceDateTime"] = "2026-10-20"
        let put = try await call("PUT", "/Immunization/vac-pro-1", written.json, token: professional)
        XCTAssertEqual(put.0, 201)
        XCTAssertEqual(ProfileEntriesMapping.recorder(try Resource(put.1))?["reference"]?.stringValue, "Practitioner/lefevre")
        var changed = try Resource(put.1)
        changed["lotNumber"] = "CHANGED"
        let holderPut = try await call("PUT", "/Immunization/vac-pro-1", changed.json, token: holder)
        let holderDelete = try await call("DELETE", "/Immunization/vac-pro-1", token: holder)
        XCTAssertEqual(holderPut.0, 403)
        XCTAssertEqual(holderDelete.0, 403)
        let own = try await call("PUT", "/Immunization/vac-own-1", {
            var own = written
            own.id = "vac-own-1"
            return own.json
        }(), token: holder)
        XCTAssertEqual(own.0, 201, "the patient's own vaccination is theirs to change")

        // In the vault it comes down read-only, with its author.
        let client = try TestClient()
        try await client.login(server)
        await client.sync()
        let entry = try ProfileBook(vault: client.vault, profileID: Demo.holderSpace).entry(.vaccinations, id: "vac-pro-1")
        XCTAssertTrue(entry.isReadOnly)
        XCTAssertEqual(entry.author, "Dr Paul Lefèvre")
        XCTAssertFalse(try ProfileBook(vault: client.vault, profileID: Demo.holderSpace).entry(.vaccinations, id: "vac-own-1").isReadOnly)
    }
}
