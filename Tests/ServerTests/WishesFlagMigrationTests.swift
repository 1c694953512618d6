import FHIR
import Foundation
import HealthRecord
@testable import Server
import SQLite
import XCTest

/// Migration 5: a store written before « entourage et volontés » existed gets the `wishes` flag
/// on its directives anticipées (and their content) and wishes Consents, and on nothing else.
final class WishesFlagMigrationTests: XCTestCase {
    func testStoredDirectivesAndWishesAreFlaggedAndNothingElse() throws {
        let server = try InProcessServer()
        let flags = { (type: String, id: String) throws -> VisibilityFlags in
            try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: type, id: id)).flags }
        }
        var wishes = Resource(type: "Consent", id: "wishes-old")
        wishes["status"] = "active"
        wishes["scope"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/consentscope", "adr")
        wishes["category"] = [Concept.codeable(ResourceIndex.consentCategories, "acd")]
        wishes["patient"] = ["reference": "Patient/helene"]
        try server.database { db in
            var writer = SeedWriter(db: db, now: server.app.clock.now)
            try writer.save(wishes, patient: "helene")
            // As an older server stored them: no `wishes` bit anywhere.
            try db.run("UPDATE resources SET flags = flags & ~\(VisibilityFlags.wishes.rawValue)")
        }
        for (type, id) in [("DocumentReference", "doc-directives"), ("Binary", "doc-directives-content"), ("Consent", "wishes-old")] {
            XCTAssertFalse(try flags(type, id).contains(.wishes), "\(type)/\(id) before")
        }
        try server.database { db in try Schema.flagWishes(db) }
        for (type, id) in [("DocumentReference", "doc-directives"), ("Binary", "doc-directives-content"), ("Consent", "wishes-old")] {
            XCTAssertTrue(try flags(type, id).contains(.wishes), "\(type)/\(id) after")
        }
        for (type, id) in [("DocumentReference", "doc-echo"), ("Binary", "doc-echo-content"), ("Consent", "delegation-julien")] {
            XCTAssertFalse(try flags(type, id).contains(.wishes), "\(type)/\(id) stays unflagged")
        }
    }
}
