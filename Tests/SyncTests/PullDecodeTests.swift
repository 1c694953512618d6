import FHIR
import Foundation
import HealthRecord
@testable import Sync
import XCTest

/// How the fetching thread turns a change of the feed into what the vault's writer applies.
final class PullDecodeTests: XCTestCase {
    /// A page as a server might write it: spaced, with escapes mes's own writer spells otherwise.
    private let document = #"{ "resourceType": "DocumentReference", "id": "d1", "meta": {"versionId": "4"}, "status": "current","#
        + #" "type": {"coding": [{"system": "http://loinc.org", "code": "11488-4", "display": "Compte rendu"}]},"#
        + #" "subject": {"reference": "Patient\/helene"}, "date": "2024-05-01T10:00:00Z", "description": "Caf\u00e9","#
        + #" "content": [{"attachment": {"contentType": "application/pdf", "title": "CR", "size": 10}}],"#
        + #" "x-unmapped": {"kept": [1, 2.50]} }"#
    private let patient = #"{"resourceType":"Patient","id":"helene","name":[{"family":"Martineau","given":["Hélène"]}]}"#

    private func page() throws -> API.ChangesPage {
        let text = #"{"cursor":"c","more":false,"changes":[{"type":"DocumentReference","id":"d1","versionId":"4","resource":"#
            + document + #"},{"type":"Patient","id":"helene","versionId":"2","resource":"# + patient + #"},"#
            + #"{"type":"Observation","id":"o","versionId":"3","deleted":true}]}"#
        let (json, kept) = try JSON.parse(Array(text.utf8), keepingBytesOf: "resource", in: "changes")
        return try API.ChangesPage(json: json, resourceBytes: kept)
    }

    func testTheBaseIsTheResourcesBytesInThePage() throws {
        let page = try page()
        let decoded = page.changes.map(SyncRun.decode)
        // The payload is the page's own text of the resource, not a second serialization.
        XCTAssertEqual(decoded[0].payload, Array(document.utf8))
        XCTAssertNotEqual(decoded[0].payload, page.changes[0].resource?.serialized())
        XCTAssertEqual(try Resource(parsing: decoded[0].payload ?? []), page.changes[0].resource)
        XCTAssertEqual(decoded[1].payload, Array(patient.utf8))
        XCTAssertNil(decoded[2].payload)
        // Without kept bytes (a page read from a tree), the resource is serialized as before.
        let text = #"{"cursor":"c","more":false,"changes":[{"type":"Patient","id":"helene","versionId":"2","resource":"# + patient + "}]}"
        let fromTree = try API.ChangesPage(json: JSON(parsing: text))
        XCTAssertEqual(SyncRun.decode(fromTree.changes[0]).payload, fromTree.changes[0].resource?.serialized())
    }

    func testOnlyAPatientKeepsItsTreeForTheWriter() throws {
        let decoded = try page().changes.map(SyncRun.decode)
        XCTAssertEqual(decoded[0].records?.first.map { AnyRecord.kind(of: $0) }, .document)
        XCTAssertEqual(decoded[0].bodies.count, decoded[0].records?.count)
        XCTAssertNil(decoded[0].change.resource, "the document's tree is freed by the fetching thread")
        XCTAssertNil(decoded[0].change.resourceBytes)
        XCTAssertEqual(decoded[1].change.resource?.resourceType, "Patient")
        XCTAssertEqual(decoded[2].change.deleted, true)
        XCTAssertEqual(decoded[2].records?.count, 0)
    }
}
