import FHIR
import Foundation
import HealthRecord
@testable import Server
import XCTest

/// One regression test per hole the black-box probe found in the access rules (issue 19), in
/// process against the demo world.
final class GateFindingsTests: XCTestCase {
    func testTheHolderCannotDeleteTheirSpaceAndItStaysOpen() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        for space in ["helene", "lucas"] {
            let deleted = server.call("DELETE", "/Patient/\(space)", token: holder)
            XCTAssertEqual(deleted.status, 405, deleted.text)
            XCTAssertEqual(deleted.header("Allow"), "GET, HEAD, PUT, OPTIONS")
            XCTAssertEqual(server.call("GET", "/Patient/\(space)", token: holder).status, 200)
            XCTAssertEqual(server.call("GET", "/Condition?patient=\(space)", token: holder).status, 200)
        }
    }

    func testManagedConsentsCannotBeDeletedAndStayRevocable() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let aidant = try server.token(login: "julien.martineau")
        let pro = try server.token(login: "10003456783")
        let code = server.call("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["documents"]], token: holder)
        XCTAssertEqual(server.call("POST", "/$redeem-access-code", json: ["code": code.json["code"] ?? .null], token: pro).status, 200)
        let session = code.json["consent"]?.stringValue ?? ""
        let block = server.call("POST", "/Patient/helene/$block", json: ["practitioner": "Practitioner/renaud"], token: holder).json["consent"]?.stringValue ?? ""
        for consent in ["delegation-julien", session, block] {
            let deleted = server.call("DELETE", "/Consent/\(consent)", token: holder)
            XCTAssertEqual(deleted.status, 403, consent)
            XCTAssertEqual(deleted.detail, "managed-consent")
            XCTAssertEqual(server.call("GET", "/Consent/\(consent)", token: holder).status, 200, "still in the holder's view")
        }
        // Still enforced, and still revocable: the aidant and the session end, the block lifts.
        XCTAssertEqual(server.call("GET", "/DocumentReference?patient=helene", token: aidant).status, 200)
        for consent in ["delegation-julien", session, block] {
            XCTAssertEqual(server.call("POST", "/Consent/\(consent)/$revoke", token: holder).status, 200, consent)
        }
        XCTAssertEqual(server.call("GET", "/DocumentReference?patient=helene", token: aidant).status, 404)
        XCTAssertEqual(server.call("GET", "/DocumentReference?patient=helene", token: pro).status, 404)
        let renaud = try server.token(login: "10003456784")
        let again = server.call("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["documents"]], token: holder)
        XCTAssertEqual(server.call("POST", "/$redeem-access-code", json: ["code": again.json["code"] ?? .null], token: renaud).status, 200, "unblocked")
    }

    func testAManagedConsentCannotBeRewrittenIntoAnOrdinaryOne() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        var consent = server.call("GET", "/Consent/delegation-julien", token: holder).json
        consent["category"] = [["coding": [["system": "http://loinc.org", "code": "59284-0"]]]]
        let rewritten = server.call("PUT", "/Consent/delegation-julien", json: consent, token: holder)
        XCTAssertEqual(rewritten.status, 403)
        XCTAssertEqual(rewritten.detail, "managed-consent")
    }

    func testAnotherSpacesResourceIsNotFoundLikeAMissingOne() throws {
        let server = try InProcessServer()
        let bruno = try server.token(login: "bruno.caradec")
        for path in ["/DocumentReference/doc-synthese", "/Condition/cond-hta", "/Binary/doc-echo-content", "/Consent/delegation-julien"] {
            let existing = server.call("GET", path, token: bruno)
            let missing = server.call("GET", path + "-missing", token: bruno)
            XCTAssertEqual(existing.status, 404, path)
            XCTAssertEqual(existing.status, missing.status, path)
            XCTAssertEqual(existing.detail, missing.detail, path)
            XCTAssertEqual(server.call("DELETE", path, token: bruno).status, 404, path)
        }
        // A space that does not exist answers like one the caller has no access to: not found.
        let closed = server.call("GET", "/Condition?patient=helene", token: bruno)
        let absent = server.call("GET", "/Condition?patient=nobody", token: bruno)
        XCTAssertEqual(closed.status, 404)
        XCTAssertEqual(closed.status, absent.status)
        XCTAssertEqual(closed.detail, absent.detail)
    }

    func testAnAidantDoesNotManageSharing() throws {
        let server = try InProcessServer()
        let aidant = try server.token(login: "julien.martineau")
        let holder = try server.token(login: "helene.martineau")
        var document = server.call("GET", "/DocumentReference/doc-cardio-psy", token: aidant).json
        document["securityLabel"] = [["coding": [["system": .string(CodeSystem.confidentiality), "code": "N"]]]]
        let unmasked = server.call("PUT", "/DocumentReference/doc-cardio-psy", json: document, token: aidant)
        XCTAssertEqual(unmasked.status, 403)
        XCTAssertEqual(unmasked.detail, "holder-only")
        var synthese = server.call("GET", "/DocumentReference/doc-synthese", token: aidant).json
        synthese["securityLabel"] = [["coding": [["system": .string(CodeSystem.confidentiality), "code": "N"]]], ["coding": [VisibilityCode.maskedFromProfessionals.coding]]]
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-synthese", json: synthese, token: aidant).status, 403)
        // The holder does.
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-cardio-psy", json: document, token: holder).status, 200)
    }

    func testTheHolderNeitherRewritesNorForgesAProfessionalsAuthorship() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let original = server.call("GET", "/DocumentReference/doc-hospit", token: holder).json
        var rewritten = original
        rewritten["author"] = [["reference": "Practitioner/renaud", "display": "Dr Marc Renaud"]]
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-hospit", json: rewritten, token: holder).detail, "not-author")
        var redated = original
        redated["date"] = "2020-01-01T00:00:00Z"
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-hospit", json: redated, token: holder).status, 403)
        var retitled = original
        retitled["description"] = "Hospitalisation (mon titre)"
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-hospit", json: retitled, token: holder).status, 200, "the title is the holder's to change")

        // A document the holder deposits in a professional's name is refused, and gives the
        // professional nothing.
        let forged = DocumentReference(subject: "Patient/helene", date: "2025-01-01T00:00:00Z",
                                       authors: [.init(reference: "Practitioner/renaud", display: "Dr Marc Renaud")], title: "Faux",
                                       visibility: [.maskedFromProfessionals], attachment: .init(contentType: "text/plain"))
        let answer = server.publish(forged, content: Array("x".utf8), token: holder)
        XCTAssertEqual(answer.status, 403, answer.text)
        XCTAssertEqual(answer.detail, "not-author")
    }

    func testADocumentPointsOnlyAtItsOwnContent() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let bruno = try server.token(login: "bruno.caradec")
        func document(_ url: String) -> JSON {
            DocumentReference(subject: "Patient/helene", date: "2025-01-01T00:00:00Z", title: "Pointeur",
                              attachment: .init(contentType: "text/plain", url: url)).resource.json
        }
        for url in ["Binary/no-such-binary", "Binary/doc-echo-content"] {
            let answer = server.call("POST", "/DocumentReference", json: document(url), token: holder)
            XCTAssertEqual(answer.status, 422, url)
            XCTAssertEqual(answer.detail, "missing-content", url)
        }
        // Another space's content answers exactly like a missing one.
        var brunos = document("Binary/doc-echo-content")
        brunos["subject"] = ["reference": "Patient/bruno"]
        let foreign = server.call("POST", "/DocumentReference", json: brunos, token: bruno)
        brunos["content"] = [["attachment": ["contentType": "text/plain", "url": "Binary/no-such-binary"]]]
        let missing = server.call("POST", "/DocumentReference", json: brunos, token: bruno)
        XCTAssertEqual(foreign.status, 422)
        XCTAssertEqual(foreign.detail, missing.detail)
        // Nor can a document be repointed at another document's content.
        var echo = server.call("GET", "/DocumentReference/doc-synthese", token: holder).json
        echo["content"] = [["attachment": ["contentType": "text/plain", "url": "Binary/doc-echo-content"]]]
        XCTAssertEqual(server.call("PUT", "/DocumentReference/doc-synthese", json: echo, token: holder).status, 422)
    }

    func testOnlyItsSenderChangesAMessage() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        var message = server.call("GET", "/Communication/msg-bio", token: holder).json
        message["payload"] = [["contentString": "Le médecin n'a jamais écrit ceci"]]
        let answer = server.call("PUT", "/Communication/msg-bio", json: message, token: holder)
        XCTAssertEqual(answer.status, 403)
        XCTAssertEqual(answer.detail, "not-author")
    }
}
