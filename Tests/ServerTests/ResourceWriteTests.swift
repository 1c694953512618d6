import Crypto
import FHIR
import Foundation
import HealthRecord
import XCTest

/// Writes: optimistic concurrency, idempotent creates, deletion, and documents published as
/// transaction Bundles with their size and hash checked.
final class ResourceWriteTests: XCTestCase {
    func observation(_ value: Double) -> JSON {
        ["resourceType": "Observation", "status": "final", "subject": ["reference": "Patient/helene"],
         "code": Concept.codeable(CodeSystem.loinc, "29463-7", "Poids"), "effectiveDateTime": "2025-01-02T08:00:00Z",
         "valueQuantity": ["value": .double(value), "unit": "kg"]]
    }

    func testTwoClientsUpdatingOneResourceOneGets412() async throws {
        let server = try ServerProcess()
        let first = try await server.holder()
        let second = try await server.holder()
        var resource = try await server.get("/Condition/cond-hta", token: first).json
        resource["note"] = [["text": "premier"]]
        var other = resource
        other["note"] = [["text": "second"]]
        async let a = server.request("PUT", "/Condition/cond-hta", json: resource, token: first, headers: ["If-Match": "W/\"1\""])
        async let b = server.request("PUT", "/Condition/cond-hta", json: other, token: second, headers: ["If-Match": "W/\"1\""])
        let statuses = try await [a.status, b.status].sorted()
        XCTAssertEqual(statuses, [200, 412])
        let stale = try await server.request("PUT", "/Condition/cond-hta", json: resource, token: first, headers: ["If-Match": "W/\"1\""])
        XCTAssertEqual(stale.status, 412)
        XCTAssertEqual(stale.json["resourceType"]?.stringValue, "OperationOutcome")
        XCTAssertEqual(stale.detail, "stale-version")
        let current = try await server.get("/Condition/cond-hta", token: first)
        XCTAssertEqual(current.json["meta"]?["versionId"]?.stringValue, "2")
        let fresh = try await server.request("PUT", "/Condition/cond-hta", json: resource, token: first, headers: ["If-Match": "W/\"2\""])
        XCTAssertEqual(fresh.status, 200)
        XCTAssertEqual(fresh.header("ETag"), "W/\"3\"")
    }

    func testCreatesAreIdempotentWithClientIdsOrIfNoneExist() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let put1 = try await server.request("PUT", "/Observation/client-obs-1", json: observation(70.5), token: token)
        XCTAssertEqual(put1.status, 201)
        let put2 = try await server.request("PUT", "/Observation/client-obs-1", json: observation(70.5), token: token)
        XCTAssertEqual(put2.status, 200)
        XCTAssertEqual(put2.json["meta"]?["versionId"]?.stringValue, "2")
        var identified = observation(71)
        identified["identifier"] = [["system": "urn:mes:client", "value": "measure-42"]]
        let post1 = try await server.request("POST", "/Observation", json: identified, token: token, headers: ["If-None-Exist": "identifier=urn:mes:client|measure-42"])
        XCTAssertEqual(post1.status, 201)
        let post2 = try await server.request("POST", "/Observation", json: identified, token: token, headers: ["If-None-Exist": "identifier=urn:mes:client|measure-42"])
        XCTAssertEqual(post2.status, 200)
        XCTAssertEqual(post1.json["id"], post2.json["id"])
        let search = try await server.get("/Observation?identifier=urn:mes:client|measure-42", token: token)
        XCTAssertEqual(search.json["total"]?.intValue, 1)
        // A resource cannot be written into another space (not found: the caller cannot open it), nor without one.
        var elsewhere = observation(60)
        elsewhere["subject"] = ["reference": "Patient/bruno"]
        try await server.expect(404, "POST", "/Observation", json: elsewhere, token: token)
        var nowhere = observation(60)
        nowhere["subject"] = nil
        try await server.expect(422, "POST", "/Observation", json: nowhere, token: token)
        try await server.expect(400, "PUT", "/Observation/other-id", json: put1.json, token: token, "id mismatch")
    }

    func testDeleteLeavesATombstone() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let created = try await server.request("POST", "/Observation", json: observation(69), token: token)
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        let cursor = try await server.get("/Patient/helene/$changes?_count=1000", token: token)
        var since = try XCTUnwrap(cursor.json["cursor"]?.stringValue)
        var more = cursor.json["more"]?.boolValue ?? false
        while more {
            let page = try await server.get("/Patient/helene/$changes?since=\(since)&_count=1000", token: token)
            since = page.json["cursor"]?.stringValue ?? since
            more = page.json["more"]?.boolValue ?? false
        }
        try await server.expect(412, "DELETE", "/Observation/\(id)", token: token, headers: ["If-Match": "W/\"7\""])
        try await server.expect(200, "DELETE", "/Observation/\(id)", token: token)
        try await server.expect(200, "DELETE", "/Observation/\(id)", token: token, "deleting twice is harmless")
        try await server.expectGet("/Observation/\(id)", token: token, status: 410)
        let feed = try await server.get("/Patient/helene/$changes?since=\(since)", token: token)
        let tombstone = feed.json["changes"]?.elements.first { $0["id"]?.stringValue == id }
        XCTAssertEqual(tombstone?["deleted"]?.boolValue, true)
        XCTAssertNil(tombstone?["resource"])
        try await server.expect(404, "DELETE", "/Observation/never-was", token: token)
    }

    func transaction(content: [UInt8], declaredSize: Int? = nil, declaredHash: [UInt8]? = nil) -> JSON {
        var document = DocumentReference(typeSystem: CodeSystem.loinc, typeCode: "11488-4", classCode: "10", category: .reports,
                                         subject: "Patient/helene", date: "2025-03-04T10:00:00Z", title: "Compte rendu déposé",
                                         attachment: .init(contentType: "text/plain", url: "urn:uuid:binary-1", size: declaredSize, sha256: declaredHash))
        document.id = nil
        let binary = Binary(contentType: "text/plain", data: content, securityContext: "urn:uuid:document-1")
        var submission = Resource(type: "List")
        submission["status"] = "current"
        submission["mode"] = "working"
        submission["subject"] = ["reference": "Patient/helene"]
        submission["entry"] = [["item": ["reference": "urn:uuid:document-1"]]]
        return FHIRBundle(kind: .transaction, entries: [
            .init(fullUrl: "urn:uuid:document-1", resource: document.resource, method: "POST", url: "DocumentReference"),
            .init(fullUrl: "urn:uuid:binary-1", resource: binary.resource, method: "POST", url: "Binary"),
            .init(fullUrl: "urn:uuid:list-1", resource: submission, method: "POST", url: "List"),
        ]).resource.json
    }

    func testATransactionPublishesADocumentAndItsContentTogether() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let content = Array("Compte rendu de consultation.\n".utf8)
        let answer = try await server.request("POST", "/", json: transaction(content: content, declaredSize: content.count, declaredHash: SHA256.hash(content)), token: token)
        XCTAssertEqual(answer.status, 200, String(decoding: answer.body, as: UTF8.self))
        let response = try FHIRBundle(Resource(answer.json))
        XCTAssertEqual(response.kind, .transactionResponse)
        XCTAssertEqual(response.entries.count, 3)
        let documentLocation = try XCTUnwrap(response.entries[0].location)
        let documentPath = "/" + documentLocation.components(separatedBy: "/_history").first!
        let storedAnswer = try await server.get(documentPath, token: token)
        let stored = try DocumentReference(Resource(storedAnswer.json))
        XCTAssertEqual(stored.attachment.size, content.count)
        XCTAssertEqual(stored.attachment.sha256, SHA256.hash(content))
        let binaryURL = try XCTUnwrap(stored.attachment.url)
        XCTAssertTrue(binaryURL.hasPrefix("Binary/"))
        let raw = try await server.get("/" + binaryURL, token: token)
        XCTAssertEqual(raw.body, content)
        let asJSON = try await server.request("GET", "/" + binaryURL, token: token, headers: ["Accept": "application/fhir+json"])
        XCTAssertEqual(try Binary(Resource(asJSON.json)).data, content)
        let list = try await server.get("/" + response.entries[2].location!.components(separatedBy: "/_history").first!, token: token)
        XCTAssertEqual(list.json["entry"]?[0]?["item"]?["reference"]?.stringValue, documentPath.dropFirst().description)
    }

    func testASizeOrHashMismatchRefusesTheWholeTransaction() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let before = try await server.get("/DocumentReference?_summary=count", token: token).json["total"]?.intValue
        let content = Array("contenu".utf8)
        let wrongSize = try await server.request("POST", "/", json: transaction(content: content, declaredSize: 3), token: token)
        XCTAssertEqual(wrongSize.status, 422)
        XCTAssertEqual(wrongSize.detail, "size-mismatch")
        let wrongHash = try await server.request("POST", "/", json: transaction(content: content, declaredHash: SHA256.hash(Array("autre".utf8))), token: token)
        XCTAssertEqual(wrongHash.status, 422)
        XCTAssertEqual(wrongHash.detail, "hash-mismatch")
        let after = try await server.get("/DocumentReference?_summary=count", token: token).json["total"]?.intValue
        XCTAssertEqual(before, after, "nothing of a refused transaction is stored")
        let notTransaction = try await server.request("POST", "/", json: ["resourceType": "Bundle", "type": "batch", "entry": []], token: token)
        XCTAssertEqual(notTransaction.status, 400)
    }

    func testSearchFiltersAndPages() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let page = try await server.get("/Observation?code=29463-7&_count=5", token: token)
        XCTAssertEqual(page.json["total"]?.intValue, 12)
        XCTAssertEqual(ServerProcess.ids(page).count, 5)
        let next = try XCTUnwrap(page.json["link"]?.elements.first { $0["relation"]?.stringValue == "next" }?["url"]?.stringValue)
        let second = try await server.get(String(next.dropFirst(server.url.count)), token: token)
        XCTAssertEqual(ServerProcess.ids(second).count, 5)
        XCTAssertTrue(Set(ServerProcess.ids(page)).isDisjoint(with: ServerProcess.ids(second)))
        let lab = try await server.get("/DocumentReference?category=urn:mes:document-category|biologie", token: token)
        XCTAssertEqual(Set(ServerProcess.ids(lab)), ["doc-bio-recent", "doc-bio-old"])
        let typed = try await server.get("/DocumentReference?type=http://loinc.org|57833-6", token: token)
        XCTAssertEqual(ServerProcess.ids(typed), ["doc-ordonnance"])
        let text = try await server.get("/DocumentReference?_text=echographie", token: token)
        XCTAssertEqual(ServerProcess.ids(text), ["doc-echo"])
        let future = try await server.get("/Appointment?date=ge\(FHIRDateTime.date(Date()))&status=booked", token: token)
        XCTAssertEqual(ServerProcess.ids(future).count, 5, "three professionals' appointments, one from a booking service, one of her own")
        let past = try await server.get("/Appointment?date=lt\(FHIRDateTime.date(Date()))", token: token)
        XCTAssertEqual(ServerProcess.ids(past).count, 3)
        let sorted = try await server.get("/Observation?code=29463-7&_sort=date&_count=2", token: token)
        XCTAssertEqual(ServerProcess.ids(sorted), ["obs-weight-0", "obs-weight-1"])
    }
}
