import Documents
import FHIR
import Foundation
import HealthRecord
import Sync
import Vault
import XCTest

/// The dossier médical against a real `mes-server` (demo world), synced by the sync engine:
/// reading, adding, masking, deleting, and what a professional sees through an access code.
final class DocumentsServerTests: XCTestCase {
    func testDocumentsArriveAndTheLabReportIsFlagged() async throws {
        let server = try DemoServer()
        let (vault, directory, engine) = try await server.syncedHolder()
        defer { vault.close(); directory.remove() }
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        XCTAssertEqual(library.profileID, "helene")
        let listing = try library.listing()
        XCTAssertGreaterThanOrEqual(listing.rows.count, 14)
        XCTAssertFalse(listing.rows.contains { $0.id == "doc-attente" }, "INVISIBLE_PATIENT never reaches the patient")
        XCTAssertEqual(Set(listing.counts.keys), Set(Document.Category.allCases), "the demo has documents in all 12 categories")
        XCTAssertTrue(try library.summary("doc-cardio-psy").isMasked)
        XCTAssertEqual(try library.summary("doc-autre").category, .other)
        XCTAssertTrue(listing.rows.allSatisfy { !$0.isRead }, "everything is new until opened")

        // Read the lab report: fetched on demand (verified by sync), shown as a flagged table.
        let content = try await engine.fetchContent(of: "doc-bio-recent")
        try library.storeContent(content.bytes, of: "doc-bio-recent")
        guard case .labReport(let report) = try library.reading(of: "doc-bio-recent") else { return XCTFail("a lab report") }
        let hba1c = try XCTUnwrap(report.results.first { $0.loinc == "4548-4" })
        XCTAssertEqual(DocumentWording.flag(hba1c), "▲ élevé")
        try library.markRead("doc-bio-recent")
        XCTAssertTrue(try library.summary("doc-bio-recent").isRead)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0, "the read mark is not sent")
        _ = await engine.sync()
        XCTAssertTrue(try library.summary("doc-bio-recent").isRead, "and a sync keeps it")

        // Search finds fetched text, titles and types, accents ignored.
        try library.storeContent(try await engine.fetchContent(of: "doc-ordonnance").bytes, of: "doc-ordonnance")
        XCTAssertEqual(try library.search("metformine").map(\.recordID), ["doc-ordonnance"])
        XCTAssertTrue(try library.search("echographie").map(\.recordID).contains("doc-echo"))
    }

    func testAddMaskDeleteAndWhatAProfessionalSees() async throws {
        let server = try DemoServer()
        let (vault, directory, engine) = try await server.syncedHolder()
        defer { vault.close(); directory.remove() }
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        let holder = try await server.patientToken()

        // Add: shown at once, queued, then published with its content in one transaction.
        let added = try library.importFile(named: "../../tension.txt", content: Array("Tension du matin : 13/8.\n".utf8),
                                           title: "Relevés de tension", category: .reports, note: "pour le Dr Bernard")
        XCTAssertEqual(added.author.name, "Hélène Martineau")
        XCTAssertEqual(try library.listing(filter: DocumentFilter(category: .reports)).rows.first?.id, added.id)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 1)
        let addSync = await engine.sync()
        XCTAssertEqual(addSync.outcome, .complete)
        let published = try await server.reference(added.id, token: holder)
        XCTAssertEqual(published?.title, "Relevés de tension")
        XCTAssertEqual(published?.category, .reports, "the chosen category travels")
        XCTAssertEqual(published?.attachment.size, added.size)
        XCTAssertEqual(try library.summary(added.id).category, .reports, "and comes back after the sync")

        // Mask it, and mask a document Dr Bernard (cardiology) wrote.
        try library.setMasked(added.id, true)
        try library.setMasked("doc-hospit", true)
        let maskSync = await engine.sync()
        XCTAssertEqual(maskSync.outcome, .complete)
        let addedMasked = try await server.reference(added.id, token: holder)?.isMaskedFromProfessionals
        let hospitMasked = try await server.reference("doc-hospit", token: holder)?.isMaskedFromProfessionals
        XCTAssertEqual(addedMasked, true)
        XCTAssertEqual(hospitMasked, true)
        XCTAssertThrowsError(try library.delete("doc-hospit"), "a professional's document can only be masked") { error in
            XCTAssertEqual(error as? DocumentLibraryError, .notDeletable)
        }

        // Professionals through an access code: a masked document is hidden, except from its author.
        let bernard = try await redeemedProfessional(server, holder: holder, rpps: "10003456782", password: "demo-bernard")
        let garnier = try await redeemedProfessional(server, holder: holder, rpps: "10003456783", password: "demo-garnier")
        let garnierEcho = try await server.status("/DocumentReference/doc-echo", token: garnier)
        let garnierAdded = try await server.status("/DocumentReference/\(added.id)", token: garnier)
        let bernardAdded = try await server.status("/DocumentReference/\(added.id)", token: bernard)
        let garnierHospit = try await server.status("/DocumentReference/doc-hospit", token: garnier)
        let bernardHospit = try await server.status("/DocumentReference/doc-hospit", token: bernard)
        XCTAssertEqual(garnierEcho, 200, "not masked: visible")
        XCTAssertEqual(garnierAdded, 404)
        XCTAssertEqual(bernardAdded, 404)
        XCTAssertEqual(garnierHospit, 404)
        XCTAssertEqual(bernardHospit, 200, "its author still sees it")

        // History: the professional's read comes back as an audit entry of the document.
        _ = await engine.sync()
        let history = try library.history(of: "doc-echo")
        XCTAssertTrue(history.contains { $0.action == .read && $0.actorName.contains("Garnier") }, "\(history)")
        XCTAssertEqual(history.last?.action, .create)

        // Unmask: visible again.
        try library.setMasked(added.id, false)
        _ = await engine.sync()
        let garnierAddedAgain = try await server.status("/DocumentReference/\(added.id)", token: garnier)
        XCTAssertEqual(garnierAddedAgain, 200)

        // Delete the user's own document.
        try library.delete(added.id)
        XCTAssertThrowsError(try library.document(added.id))
        let deleteSync = await engine.sync()
        XCTAssertEqual(deleteSync.outcome, .complete)
        let holderDeleted = try await server.status("/DocumentReference/\(added.id)", token: holder)
        XCTAssertEqual(holderDeleted, 410)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0)
    }

    /// A professional logged in, with a redeemed access code to Hélène's documents.
    func redeemedProfessional(_ server: DemoServer, holder: String, rpps: String, password: String) async throws -> String {
        let (status, code) = try await server.post(API.Path.accessCode(patient: "helene"),
                                                   ["durationMinutes": 60, "rubriques": ["documents"]], token: holder)
        XCTAssertEqual(status, 201)
        let professional = try await server.professionalToken(rpps: rpps, password: password)
        let (redeemed, _) = try await server.post(API.Path.redeem, ["code": .string(code["code"]?.stringValue ?? "")], token: professional)
        XCTAssertEqual(redeemed, 200)
        return professional
    }
}
