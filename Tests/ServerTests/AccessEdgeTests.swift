import FHIR
import Foundation
import HealthRecord
import XCTest

/// The edges of the access rules: paths by which a space's data could leak (the holder's
/// notifications to an aidant, a deleted or masked document's content, oracles on another
/// space's resources), a tombstone taken over, a document written in a colleague's name, an
/// opposition revoked in name only.
final class AccessEdgeTests: XCTestCase {
    func start() throws -> ServerProcess { try ServerProcess(arguments: ["--seed", "demo"]) }

    /// Dr Renaud (author of none of the demo's masked documents) in session on the documents.
    func renaudInSession(_ server: ServerProcess, holder: String) async throws -> String {
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let renaud = try await server.professional("renaud")
        let redeemed = try await server.redeem(code, token: renaud)
        XCTAssertEqual(redeemed.status, 200)
        return renaud
    }

    func testTheHoldersNotificationsAreNotAnAidantsToRead() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("haddad")
        let opened = try await server.request("POST", "/Patient/helene/$emergency-access",
                                              json: ["kind": "bris-de-glace", "reason": "Malaise aux urgences"], token: pro)
        XCTAssertEqual(opened.status, 200)
        let own = try await server.get("/Communication?patient=helene&category=notification&_count=100", token: holder)
        XCTAssertFalse(ServerProcess.ids(own).isEmpty, "the holder sees the notifications")

        let aidant = try await server.aidant()
        let search = try await server.get("/Communication?patient=helene&category=notification&_count=100", token: aidant)
        XCTAssertEqual(search.status, 200)
        XCTAssertEqual(ServerProcess.ids(search), [], "an aidant with the messages rubrique must not read the holder's notifications")
        let counted = try await server.get("/Communication?patient=helene&category=notification&_summary=count", token: aidant)
        XCTAssertEqual(counted.json["total"]?.intValue, 0)
        let feed = try await server.get("/Patient/helene/$changes?_count=1000", token: aidant)
        XCTAssertEqual(feed.status, 200)
        XCTAssertFalse(String(decoding: feed.body, as: UTF8.self).contains("Malaise aux urgences"), "the emergency's reason reached the aidant")
        let messages = try await server.get("/Communication?patient=helene&_count=100", token: aidant)
        XCTAssertFalse(ServerProcess.ids(messages).isEmpty, "the aidant still reads the messages")
    }

    func testTheContentOfADeletedDocumentIsNoLongerServed() async throws {
        let server = try start()
        let holder = try await server.holder()
        try await server.expectGet("/Binary/doc-echo-content", token: holder, status: 200)
        try await server.expect(200, "DELETE", "/DocumentReference/doc-echo", token: holder)
        try await server.expectGet("/Binary/doc-echo-content", token: holder, status: 404)
    }

    func testBinariesAreNotSearchableSoMaskingHidesThemAtOnce() async throws {
        let server = try start()
        let holder = try await server.holder()
        var synthese = try await server.get("/DocumentReference/doc-synthese", token: holder).json
        synthese["securityLabel"] = [["coding": [["system": .string(CodeSystem.confidentiality), "code": "N"]]],
                                     ["coding": [VisibilityCode.maskedFromProfessionals.coding]]]
        try await server.expect(200, "PUT", "/DocumentReference/doc-synthese", json: synthese, token: holder, headers: ["If-Match": "W/\"1\""])
        let renaud = try await renaudInSession(server, holder: holder)
        try await server.expectGet("/Binary/doc-synthese-content", token: renaud, status: 404)
        for path in ["/Binary?patient=helene&_count=200", "/Binary?patient=helene&_summary=count"] {
            let search = try await server.get(path, token: renaud)
            XCTAssertEqual(search.status, 405, path)
            XCTAssertEqual(search.json["resourceType"]?.stringValue, "OperationOutcome", path)
            XCTAssertFalse(String(decoding: search.body, as: UTF8.self).contains("doc-synthese"), path)
        }
    }

    func testABinaryCannotBeAttachedToADocumentMaskedFromItsWriter() async throws {
        let server = try start()
        let holder = try await server.holder()
        let renaud = try await renaudInSession(server, holder: holder)
        func binary(for document: String) -> JSON {
            ["resourceType": "Binary", "contentType": "text/plain", "data": "aGk=",
             "securityContext": ["reference": .string("DocumentReference/\(document)")]]
        }
        let missing = try await server.request("PUT", "/Binary/probe-missing", json: binary(for: "no-such-document"), token: renaud)
        XCTAssertEqual(missing.status, 422)
        let masked = try await server.request("PUT", "/Binary/probe-masked", json: binary(for: "doc-cardio-psy"), token: renaud)
        XCTAssertEqual(masked.status, missing.status, "a masked document answers as a missing one")
        XCTAssertEqual(masked.detail, missing.detail)
    }

    func testADeletedResourceKeepsItsSpace() async throws {
        let server = try start()
        let helene = try await server.holder()
        let id = UUID().uuidString.lowercased()
        func observation(_ patient: String) -> JSON {
            ["resourceType": "Observation", "status": "final", "code": ["text": "Poids"], "subject": ["reference": .string("Patient/\(patient)")]]
        }
        try await server.expect(201, "PUT", "/Observation/\(id)", json: observation("helene"), token: helene)
        try await server.expect(200, "DELETE", "/Observation/\(id)", token: helene)
        let bruno = try await server.otherHolder()
        let takeover = try await server.request("PUT", "/Observation/\(id)", json: observation("bruno"), token: bruno)
        XCTAssertEqual(takeover.status, 422)
        XCTAssertEqual(takeover.detail, "patient-changed")
        let feed = try await server.get("/Patient/helene/$changes?_count=1000", token: helene)
        let entry = feed.json["changes"]?.elements.first { $0["id"]?.stringValue == id }
        XCTAssertEqual(entry?["deleted"]?.boolValue, true, "the deletion stays in the first space's feed")
    }

    func testAnotherSpacesContentIsNoOracleForSizeOrHash() async throws {
        let server = try start()
        let bruno = try await server.otherHolder()
        func probe(size: Int) async throws -> Int {
            var document = DocumentReference(typeSystem: CodeSystem.loinc, typeCode: "11488-4", classCode: "10", category: .reports,
                                             subject: "Patient/bruno", date: "2025-03-04T10:00:00Z", title: "Sonde",
                                             attachment: .init(contentType: "text/plain", url: "Binary/doc-synthese-content", size: size, sha256: nil))
            document.id = nil
            return try await server.request("POST", "/DocumentReference", json: document.resource.json, token: bruno).status
        }
        // The size Hélène's document really has (what the probe would try to find).
        let helene = try await server.holder()
        let original = try await server.get("/DocumentReference/doc-synthese", token: helene)
        let size = try XCTUnwrap(original.json["content"]?[0]?["attachment"]?["size"]?.intValue)
        let right = try await probe(size: size)
        let wrong = try await probe(size: size + 1)
        XCTAssertEqual(right, wrong, "\(right) \(wrong): the answer must not depend on the size of another space's content")
    }

    func testAWriteTellsNothingOfAResourceTheCallerMayNotSee() async throws {
        let server = try start()
        let bruno = try await server.otherHolder()
        let condition: JSON = ["resourceType": "Condition", "subject": ["reference": "Patient/bruno"], "code": ["text": "Sonde"]]
        for headers in [["If-Match": "W/\"7\""], ["If-None-Match": "*"], ["If-Match": "W/\"1\""]] {
            let answer = try await server.request("PUT", "/Condition/cond-hta", json: condition, token: bruno, headers: headers)
            XCTAssertNotEqual(answer.status, 412, "\(headers)")
            XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("version"), "\(headers)")
            XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("exists ("), "\(headers)")
        }
        let unknown = try await server.request("PUT", "/Condition/never-was", json: condition, token: bruno, headers: ["If-Match": "W/\"7\""])
        XCTAssertEqual(unknown.status, 412, "a missing resource of one's own is stale, as before")
    }

    func testAProfessionalsDocumentNamesThemAmongItsAuthors() async throws {
        let server = try start()
        let holder = try await server.holder()
        let renaud = try await renaudInSession(server, holder: holder)
        var document = DocumentReference(typeSystem: CodeSystem.loinc, typeCode: "11488-4", classCode: "10", category: .reports,
                                         subject: "Patient/helene", date: "2025-03-04T10:00:00Z", title: "Compte rendu",
                                         attachment: .init(contentType: "text/plain", url: nil, size: nil, sha256: nil))
        document.id = nil
        document.authors = [DocumentReference.Author(reference: "Practitioner/lefevre", display: "Dr Paul Lefèvre")]
        let created = try await server.publish(document, content: Array("Compte rendu".utf8), token: renaud)
        XCTAssertEqual(created.status, 201)
        let authors = created.json["author"]?.elements.compactMap { $0["reference"]?.stringValue } ?? []
        XCTAssertTrue(authors.contains("Practitioner/renaud"), "\(authors)")
    }

    func testRevokingAnOppositionLiftsIt() async throws {
        let server = try start()
        let holder = try await server.holder()
        try await server.expect(200, "PUT", "/Patient/helene/$access-policy", json: ["opposeSamu": true], token: holder)
        try await server.expect(200, "POST", "/Consent/opposition-samu-helene/$revoke", token: holder)
        let policy = try await server.get("/Patient/helene/$access-policy", token: holder)
        XCTAssertEqual(policy.json["opposeSamu"]?.boolValue, false, "the Consent says inactive: the policy must agree")
        let samu = try await server.request("POST", "/Patient/helene/$emergency-access", json: ["kind": "samu", "reason": "Appel au 15"],
                                            token: server.professional("lefevre"))
        XCTAssertEqual(samu.status, 200)
    }
}
