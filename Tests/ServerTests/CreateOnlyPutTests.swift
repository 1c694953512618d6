import FHIR
import Foundation
import HealthRecord
import XCTest

/// `PUT` with `If-None-Match: *` creates only: the sync client resends a create whose answer it
/// lost this way, so it cannot overwrite what another device changed since.
final class CreateOnlyPutTests: XCTestCase {
    func testIfNoneMatchStarCreatesOnceThenAnswers412() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let condition: JSON = ["resourceType": "Condition", "id": "cond-create-only", "subject": ["reference": "Patient/helene"],
                               "code": ["text": "Asthme"]]
        let created = try await server.request("PUT", "/Condition/cond-create-only", json: condition, token: token,
                                               headers: ["If-None-Match": "*"])
        XCTAssertEqual(created.status, 201)
        let again = try await server.request("PUT", "/Condition/cond-create-only", json: condition, token: token,
                                             headers: ["If-None-Match": "*"])
        XCTAssertEqual(again.status, 412)
        XCTAssertEqual(again.detail, "stale-version")
        let current = try await server.get("/Condition/cond-create-only", token: token)
        XCTAssertEqual(current.json["meta"]?["versionId"]?.stringValue, "1")
    }
}
