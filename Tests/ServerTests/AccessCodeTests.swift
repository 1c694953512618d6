import FHIR
import Foundation
import HealthRecord
import XCTest

/// Professionals reach a space only through a temporary access code: rubriques, duration,
/// single use, revocation, expiry, lock-out after wrong codes, blocking. Each test runs its own
/// server (with the test clock), so states never leak between tests.
final class AccessCodeTests: XCTestCase {
    func start() throws -> ServerProcess { try ServerProcess(arguments: ["--seed", "demo", "--enable-test-clock"]) }

    func testWithoutACodeAProfessionalSeesNothing() async throws {
        let server = try start()
        let pro = try await server.professional("bernard")
        let answer = try await server.get("/DocumentReference?patient=helene", token: pro)
        XCTAssertEqual(answer.status, 404, "a space the caller cannot open is not found, like a space that does not exist")
        XCTAssertEqual(answer.detail, "not-found")
        let missing = try await server.get("/DocumentReference?patient=nobody", token: pro)
        XCTAssertEqual(missing.status, answer.status)
        XCTAssertEqual(missing.body, answer.body, "the same answer: it tells nothing of which spaces exist")
        let read = try await server.get("/DocumentReference/doc-synthese", token: pro)
        XCTAssertEqual(read.status, 404, "a resource the caller may not see is not found, like a missing one")
    }

    func testARedeemedCodeOpensOnlyItsRubriques() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("garnier")
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents", "vaccinations"])
        XCTAssertEqual(code.count, 8)
        XCTAssertTrue(code.allSatisfy(\.isNumber))
        let redeemed = try await server.redeem(code, token: pro)
        XCTAssertEqual(redeemed.status, 200)
        XCTAssertEqual(redeemed.json["patient"]?.stringValue, "helene")
        // Allowed: documents and vaccinations, and the patient's identity.
        let documents = try await server.get("/DocumentReference?patient=helene&_count=100", token: pro)
        XCTAssertEqual(documents.status, 200)
        XCTAssertTrue(ServerProcess.ids(documents).contains("doc-synthese"))
        let vaccines = try await server.get("/Immunization?patient=helene", token: pro)
        XCTAssertEqual(vaccines.status, 200)
        XCTAssertEqual(ServerProcess.ids(vaccines).count, 5)
        let patient = try await server.get("/Patient/helene", token: pro)
        XCTAssertEqual(patient.status, 200)
        // Refused: rubriques not granted, and the holder's administration.
        for path in ["/Condition?patient=helene", "/Observation?patient=helene", "/Appointment?patient=helene",
                     "/AuditEvent?patient=helene", "/Consent?patient=helene"] {
            let refused = try await server.get(path, token: pro)
            XCTAssertEqual(refused.status, 403, path)
        }
        try await server.expectGet("/Condition/cond-hta", token: pro, status: 404, "outside the rubriques: not found")
        // Another patient stays closed.
        let other = try await server.get("/DocumentReference?patient=bruno", token: pro)
        XCTAssertEqual(other.status, 404)
    }

    func testACodeIsSingleUse() async throws {
        let server = try start()
        let holder = try await server.holder()
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let first = try await server.redeem(code, token: server.professional("garnier"))
        XCTAssertEqual(first.status, 200)
        let again = try await server.redeem(code, token: server.professional("bernard"))
        XCTAssertEqual(again.status, 403)
        XCTAssertEqual(again.detail, "invalid-code")
        let bernard = try await server.professional("bernard")
        let refused = try await server.get("/DocumentReference?patient=helene", token: bernard)
        XCTAssertEqual(refused.status, 404)
    }

    func testTheHolderEndsASessionAtOnce() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("garnier")
        let (code, consent) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        _ = try await server.redeem(code, token: pro)
        let consentResource = try await server.get("/Consent/\(consent)", token: holder)
        XCTAssertEqual(consentResource.json["status"]?.stringValue, "active")
        let before = try await server.get("/DocumentReference?patient=helene", token: pro)
        XCTAssertEqual(before.status, 200)
        // Only the holder's side may revoke.
        let byPro = try await server.request("POST", "/Consent/\(consent)/$revoke", token: pro)
        XCTAssertEqual(byPro.status, 404, "a professional does not see the holder's Consents")
        let revoked = try await server.request("POST", "/Consent/\(consent)/$revoke", token: holder)
        XCTAssertEqual(revoked.status, 200)
        let after = try await server.get("/DocumentReference?patient=helene", token: pro)
        XCTAssertEqual(after.status, 404)
        let ended = try await server.get("/Consent/\(consent)", token: holder)
        XCTAssertEqual(ended.json["status"]?.stringValue, "inactive")
    }

    func testSessionsAndUnredeemedCodesExpire() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("garnier")
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"], minutes: 30)
        let unused = try await server.accessCode(holderToken: holder, rubriques: ["documents"], minutes: 30)
        _ = try await server.redeem(code, token: pro)
        try await server.advanceClock(seconds: 29 * 60)
        let pro2 = try await server.professional("garnier")
        let during = try await server.get("/DocumentReference?patient=helene", token: pro2)
        XCTAssertEqual(during.status, 200)
        try await server.advanceClock(seconds: 2 * 60)
        let pro3 = try await server.professional("garnier")
        let after = try await server.get("/DocumentReference?patient=helene", token: pro3)
        XCTAssertEqual(after.status, 404)
        // The other code was never redeemed: its redeem window (60 min by default) passes too.
        try await server.advanceClock(seconds: 30 * 60)
        let late = try await server.redeem(unused.code, token: server.professional("bernard"))
        XCTAssertEqual(late.status, 403)
    }

    func testFiveWrongCodesLockAProfessionalOutForFifteenMinutes() async throws {
        let server = try start()
        let holder = try await server.holder()
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"], minutes: 600)
        let pro = try await server.professional("renaud")
        let wrong = code == "00000000" ? "11111111" : "00000000"
        for attempt in 1...4 {
            let answer = try await server.redeem(wrong, token: pro)
            XCTAssertEqual(answer.status, 403, "attempt \(attempt)")
        }
        let fifth = try await server.redeem(wrong, token: pro)
        XCTAssertEqual(fifth.status, 429)
        XCTAssertNotNil(fifth.header("Retry-After"))
        // Locked: even the right code is refused, but another professional is not affected.
        let right = try await server.redeem(code, token: pro)
        XCTAssertEqual(right.status, 429)
        XCTAssertEqual(right.detail, "locked-out")
        let other = try await server.redeem("12345670", token: server.professional("bernard"))
        XCTAssertEqual(other.status, 403)
        try await server.advanceClock(seconds: 15 * 60 + 5)
        let later = try await server.redeem(code, token: server.professional("renaud"))
        XCTAssertEqual(later.status, 200)
    }

    func testABlockedProfessionalSeesNothing() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("renaud")
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        _ = try await server.redeem(code, token: pro)
        let block = try await server.request("POST", "/Patient/helene/$block", json: ["practitioner": "Practitioner/renaud"], token: holder)
        XCTAssertEqual(block.status, 201)
        let after = try await server.get("/DocumentReference?patient=helene", token: pro)
        XCTAssertEqual(after.status, 404, "a blocked professional sees nothing of the space, its searches included")
        let (second, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let redeem = try await server.redeem(second, token: pro)
        XCTAssertEqual(redeem.status, 403)
        XCTAssertEqual(redeem.detail, "blocked")
        // Unblocking (revoking the block) lets a new code work again.
        let blockConsent = try XCTUnwrap(block.json["consent"]?.stringValue)
        _ = try await server.request("POST", "/Consent/\(blockConsent)/$revoke", token: holder)
        let (third, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let works = try await server.redeem(third, token: pro)
        XCTAssertEqual(works.status, 200)
    }

    func testOnlyTheHolderSideCreatesCodes() async throws {
        let server = try start()
        let pro = try await server.professional("bernard")
        let byPro = try await server.request("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["documents"]], token: pro)
        XCTAssertEqual(byPro.status, 404)
        let aidant = try await server.aidant()
        let byAidant = try await server.request("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["documents"]], token: aidant)
        XCTAssertEqual(byAidant.status, 403)
        let holder = try await server.holder()
        let badRubrique = try await server.request("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["everything"]], token: holder)
        XCTAssertEqual(badRubrique.status, 400)
        // A parent creates codes for the child's space.
        let forChild = try await server.accessCode(holderToken: holder, patient: "lucas", rubriques: ["vaccinations"])
        XCTAssertEqual(forChild.code.count, 8)
    }

    func testAProfessionalWritesOnlyWithinGrantedRubriques() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("garnier")
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents", "messages"])
        _ = try await server.redeem(code, token: pro)
        let condition: JSON = ["resourceType": "Condition", "subject": ["reference": "Patient/helene"], "code": ["text": "Anémie"]]
        let refused = try await server.request("POST", "/Condition", json: condition, token: pro)
        XCTAssertEqual(refused.status, 403)
        let document = DocumentReference(typeSystem: CodeSystem.loinc, typeCode: "11502-2", classCode: "10", subject: "Patient/helene",
                                         title: "Note du laboratoire", attachment: .init(contentType: "text/plain"))
        let created = try await server.publish(document, content: Array("Note".utf8), token: pro)
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(created.json["author"]?[0]?["reference"]?.stringValue, "Practitioner/garnier")
        // A professional may not change what another wrote.
        var synthese = try await server.get("/DocumentReference/doc-synthese", token: pro).json
        synthese["description"] = "changé"
        let changed = try await server.request("PUT", "/DocumentReference/doc-synthese", json: synthese, token: pro)
        XCTAssertEqual(changed.status, 403)
        XCTAssertEqual(changed.detail, "not-author")
    }
}
