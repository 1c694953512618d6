import Foundation
import HealthRecord
import SQLite
import TestSupport
import Vault
import XCTest

/// The vault's document list columns (schema version 2): filled for documents stored before.
final class DocumentQueriesTests: XCTestCase {
    func testDocumentsStoredBeforeTheListColumnsAreListedAfterTheMigration() throws {
        let directory = try TemporaryDirectory(prefix: "mes-documents-schema")
        defer { directory.remove() }
        let database = try Database(path: directory.url.appendingPathComponent("v1.sqlite").path)
        _ = try database.migrate(Array(VaultSchema.migrations.prefix(1)))
        var document = Document(id: "old", profileID: "helene", title: "Échographie", typeCode: DocumentType.imagingReport,
                                classCode: .imaging, author: DocumentAuthor(name: "Dr Renaud", organization: "Cabinet", rpps: "42"),
                                creationDate: Date(timeIntervalSince1970: 1_700_000_000), size: 12, sha256: "", format: "application/pdf",
                                visibility: [.maskedFromProfessionals, .invisibleToLegalRepresentatives], origin: .professional,
                                category: .imaging)
        document.note = "à montrer"
        let body = try JSONEncoder().encode(document)
        try database.run("""
            INSERT INTO document (id, profile_id, type_code, class_code, created_at, is_read, updated_at, body) VALUES (?, ?, ?, ?, ?, 0, 0, ?)
            """, "old", "helene", "18748-4", "31", 1_700_000_000.0, Array(body))
        _ = try database.migrate(VaultSchema.migrations)

        let session = VaultSession(database: database, writable: false)
        let categorizer = DocumentCategorizer(types: [:], classes: [:])
        let summary = try XCTUnwrap(session.documents.summaries(profile: "helene", categorizer: categorizer).first)
        XCTAssertEqual(summary, DocumentSummary(id: "old", title: "Échographie", typeCode: "18748-4", classCode: "31", category: .imaging,
                                                authorName: "Dr Renaud", organization: "Cabinet", date: document.creationDate,
                                                format: "application/pdf", size: 12, origin: .professional, isRead: false, isMasked: true))
        XCTAssertEqual(try session.documents.summaries(profile: "helene", viewer: .legalRepresentative, categorizer: categorizer), [])
        XCTAssertEqual(try session.documents.hiddenIDs(profile: "helene", viewer: .professional(rpps: "7")), ["old"])
        XCTAssertEqual(try session.documents.hiddenIDs(profile: "helene", viewer: .professional(rpps: "42")), [], "its author sees it")
    }
}
