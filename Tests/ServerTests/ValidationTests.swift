import FHIR
import Foundation
import HealthRecord
@testable import Server
import XCTest

/// Writes are checked against the FHIR R4 structure of their type (generated from the official
/// StructureDefinitions): each invalid body the probe sent is refused with the path at fault.
final class ValidationTests: XCTestCase {
    static let condition: JSON = ["resourceType": "Condition", "subject": ["reference": "Patient/helene"],
                                  "code": ["text": "Anémie"], "recordedDate": "2025-01-02"]

    func refusal(_ server: InProcessServer, _ body: JSON, type: String = "Condition", token: String) -> (status: Int, paths: [String]) {
        let answer = server.call("POST", "/\(type)", json: body, token: token)
        let paths = answer.json["issue"]?.elements.flatMap { $0["expression"]?.elements.compactMap(\.stringValue) ?? [] } ?? []
        return (answer.status, paths)
    }

    func testEachInvalidBodyIsRefusedWithItsPath() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        XCTAssertEqual(server.call("POST", "/Condition", json: Self.condition, token: holder).status, 201, "the valid one is taken")
        func with(_ change: (inout JSON) -> Void) -> JSON {
            var body = Self.condition
            change(&body)
            return body
        }
        let cases: [(String, JSON, String, String)] = [
            ("a number for a code", with { $0["clinicalStatus"] = ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": 5]]] },
             "Condition", "Condition.clinicalStatus.coding[0].code"),
            ("a code outside a required binding", with { $0["clinicalStatus"] = ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "maybe"]]] },
             "Condition", "Condition.clinicalStatus"),
            ("an unknown element", with { $0["colour"] = "blue" }, "Condition", "Condition.colour"),
            ("two value[x]", with { $0["onsetDateTime"] = "2024-01-01"; $0["onsetString"] = "last year" }, "Condition", "Condition.onsetString"),
            ("yesterday as a dateTime", with { $0["recordedDate"] = "yesterday" }, "Condition", "Condition.recordedDate"),
            ("an empty array", with { $0["category"] = [] }, "Condition", "Condition.category"),
            ("null", with { $0["note"] = .null }, "Condition", "Condition.note"),
            ("a single value where the element repeats", with { $0["category"] = ["text": "problème"] }, "Condition", "Condition.category"),
            ("an array where it does not", with { $0["code"] = [["text": "a"], ["text": "b"]] }, "Condition", "Condition.code"),
            ("an empty string", with { $0["code"] = ["text": ""] }, "Condition", "Condition.code.text"),
            ("a date without its zone", with { $0["recordedDate"] = "2024-01-01T10:00:00" }, "Condition", "Condition.recordedDate"),
        ]
        for (name, body, type, path) in cases {
            let (status, paths) = refusal(server, body, type: type, token: holder)
            XCTAssertEqual(status, 400, name)
            XCTAssertTrue(paths.contains(path), "\(name): \(paths)")
        }
        // A required element missing (Observation.status, Observation.code).
        let observation: JSON = ["resourceType": "Observation", "subject": ["reference": "Patient/helene"]]
        let (status, paths) = refusal(server, observation, type: "Observation", token: holder)
        XCTAssertEqual(status, 400)
        XCTAssertEqual(Set(paths), ["Observation.code", "Observation.status"])
        // A status outside its value set, on a document.
        var document = try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: "DocumentReference", id: "doc-synthese")).resource() }.json
        document["status"] = "lost"
        let put = server.call("PUT", "/DocumentReference/doc-synthese", json: document, token: holder)
        XCTAssertEqual(put.status, 400)
        XCTAssertEqual(put.json["issue"]?[0]?["expression"]?[0]?.stringValue, "DocumentReference.status")
    }

    /// The demo world is valid FHIR R4: every seeded resource passes the same check.
    func testEverySeededResourceIsValid() throws {
        let server = try InProcessServer()
        try server.app.seed(.synthetic(30))
        let rows = try server.database { db in
            try db.query("SELECT type, id FROM resources WHERE deleted = 0", []) { ($0.string(0), $0.string(1)) }
        }
        var problems: [String] = []
        for (type, id) in rows {
            let resource = try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: type, id: id)).resource() }
            var json = resource.json
            if type == "Binary" { json["data"] = "AA==" }
            for issue in StructureValidator.validate(json, type: type) { problems.append("\(type)/\(id) \(issue)") }
        }
        XCTAssertGreaterThan(rows.count, 100)
        XCTAssertEqual(problems, [])
    }

    func testTheDateFormatsOfR4() {
        for valid in ["2024", "2024-05", "2024-05-01", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123+02:00"] {
            XCTAssertTrue(Primitive.isDate(valid, allowTime: true, requireTime: false), valid)
        }
        for invalid in ["yesterday", "2024-13", "2024-05-01T10:00", "2024-05-01T10:00:00", "24-05-01", "2024-05-01T25:00:00Z"] {
            XCTAssertFalse(Primitive.isDate(invalid, allowTime: true, requireTime: false), invalid)
        }
        XCTAssertFalse(Primitive.isDate("2024-05-01", allowTime: true, requireTime: true), "an instant has a time")
    }
}
