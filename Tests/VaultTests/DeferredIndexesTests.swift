import Foundation
import HealthRecord
import SQLite
@testable import Vault
import XCTest

/// The document table's indexes, deferred while an initial sync fills it (issue 20), are built
/// again exactly as the schema defines them, and queries are right with or without them.
final class DeferredIndexesTests: VaultFixtureTestCase {

    private func documentIndexes() throws -> [String: String] {
        try vault.read { session in
            Dictionary(uniqueKeysWithValues: try session.database.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'document' AND sql IS NOT NULL") {
                    ($0.string(0), $0.string(1))
                })
        }
    }

    private func newestTitles() throws -> [String] {
        try vault.read { try $0.documents.all(profile: "p1", orderedBy: "created_at", descending: true, limit: 5).map(\.title) }
    }

    func testIndexesDeferredOnAnEmptyTableAreBuiltAgainAsTheSchemaDefinesThem() throws {
        let schema = try documentIndexes()
        XCTAssertGreaterThan(schema.count, 5)
        XCTAssertTrue(try vault.write { try $0.deferredIndexes.deferIfEmpty() })
        // Every secondary index of the table goes; the unique index on the id stays (the sync's
        // upserts need it).
        XCTAssertEqual(try documentIndexes(), [:])
        XCTAssertEqual(Set(DeferredIndexes.deferrable.flatMap(\.indexes)), Set(schema.keys))
        XCTAssertEqual(try vault.read { try $0.database.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'document'") },
                       .integer(1))
        // Pending after a reopen (a crash mid-sync); deferring again drops nothing more.
        vault.close()
        vault = try Vault.open(in: VaultDirectory(url), passphrase: secret("correct horse battery staple"))
        XCTAssertTrue(try vault.read { try $0.deferredIndexes.arePending })
        XCTAssertTrue(try vault.write { try $0.deferredIndexes.deferIfEmpty() })

        try vault.write { session in
            for index in 0..<200 {
                var document = sampleDocument("d\(index)", title: "Compte rendu \(index)")
                document.creationDate = referenceDate.addingTimeInterval(Double((index * 37) % 200) * 3600)
                try session.documents.save(document, origin: .remote)
            }
        }
        let unindexed = try newestTitles()
        XCTAssertEqual(unindexed.count, 5)

        // The build raises the page cache for its scans and sets it back.
        let cache = try vault.read { try $0.database.scalar("PRAGMA cache_size") }
        try vault.write { session in
            XCTAssertEqual(try session.database.scalar("PRAGMA cache_size"), cache)
            try session.deferredIndexes.build()
            XCTAssertEqual(try session.database.scalar("PRAGMA cache_size"), cache)
        }
        XCTAssertEqual(try documentIndexes(), schema)
        XCTAssertFalse(try vault.read { try $0.deferredIndexes.arePending })
        XCTAssertEqual(try newestTitles(), unindexed)
        XCTAssertEqual(try vault.read { try $0.database.query("PRAGMA integrity_check") { $0.string(0) } }, ["ok"])
        // A table with rows keeps its indexes; building with nothing pending does nothing.
        XCTAssertFalse(try vault.write { try $0.deferredIndexes.deferIfEmpty() })
        XCTAssertEqual(try documentIndexes(), schema)
        try vault.write { try $0.deferredIndexes.build() }
        XCTAssertEqual(try documentIndexes(), schema)
    }
}
