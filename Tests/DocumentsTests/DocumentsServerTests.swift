import Documents
import FHIR
import Foundation
import HealthRecord
import Sync
import Vault
import XCTest

/// The dossier médical against a real `mes-server` (demo world): pull, read, add, mask,
/// delete, and what a professional sees through an access code.
final class DocumentsServerTests: XCTestCase {
    func testDocumentsArriveAndTheLabReportIsFlagged() async throws {
        let server = try DemoServer()
        let token = try await server.patientToken()
        let (vault, directory) = try makeDocumentsVault()
        defer { vault.close(); directory.remove() }
        try saveHolderProfile(vault)
        let applied = try await DocumentFeed.pull(patient: "helene", profileID: "helene", vault: vault, transport: server.transport, token: token)
        XCTAssertGreaterThanOrEqual(applied, 14)
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        let listing = try library.listing()
        XCTAssertFalse(listing.rows.contains { $0.id == "doc-attente" }, "INVISIBLE_PATIENT never reaches the patient")
        XCTAssertEqual(Set(listing.counts.keys), Set(Document.Category.allCases), "the demo has documents in all 12 categories")
        XCTAssertTrue(try library.summary("doc-cardio-psy").isMasked)
        XCTAssertTrue(listing.rows.allSatisfy { !$0.isRead }, "everything is new until opened")

        // Read the lab report: fetched on demand, verified, stored, shown as a flagged table.
        let remote = server.remote(token: token)
        let labReport = try library.document("doc-bio-recent")
        try library.storeContent(try await remote.fetchContent(of: labReport), of: labReport.id)
        guard case .labReport(let report) = try library.reading(of: "doc-bio-recent") else { return XCTFail("a lab report") }
        let hba1c = try XCTUnwrap(report.results.first { $0.loinc == "4548-4" })
        XCTAssertEqual(DocumentWording.flag(hba1c), "▲ élevé")
        try library.markRead("doc-bio-recent")
        XCTAssertTrue(try library.summary("doc-bio-recent").isRead)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0, "the read mark is not sent")

        // Search finds fetched text and titles.
        let text = try library.document("doc-ordonnance")
        try library.storeContent(try await remote.fetchContent(of: text), of: text.id)
        XCTAssertEqual(try library.search("metformine").map(\.recordID), ["doc-ordonnance"])
        XCTAssertTrue(try library.search("echographie").map(\.recordID).contains("doc-echo"), "accents ignored")

        // Content that does not match its announced hash is refused.
        var tampered = labReport
        tampered.sha256 = String(repeating: "0", count: 64)
        do {
            _ = try await remote.fetchContent(of: tampered)
            XCTFail("a content that does not match its hash is refused")
        } catch let error as DocumentRemoteError {
            XCTAssertEqual(error, .contentMismatch)
        }
    }

    func testAddMaskDeleteAndWhatAProfessionalSees() async throws {
        let server = try DemoServer()
        let token = try await server.patientToken()
        let (vault, directory) = try makeDocumentsVault()
        defer { vault.close(); directory.remove() }
        try saveHolderProfile(vault)
        _ = try await DocumentFeed.pull(patient: "helene", profileID: "helene", vault: vault, transport: server.transport, token: token)
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        let push = DocumentPush(vault: vault, remote: server.remote(token: token))

        // Add: shown at once, queued, then published with its content in one transaction.
        let added = try library.importFile(named: "../../tension.txt", content: Array("Tension du matin : 13/8.\n".utf8),
                                           title: "Relevés de tension", category: .reports, note: "pour le Dr Bernard")
        XCTAssertEqual(added.author.name, "Hélène Martineau")
        XCTAssertEqual(try library.listing(filter: DocumentFilter(category: .reports)).rows.first?.id, added.id)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 1)
        let firstPush = try await push.run()
        XCTAssertEqual(firstPush, DocumentPush.Report(sent: 1))
        let published = try await server.remote(token: token).fetchReference(added.id)
        XCTAssertEqual(published.title, "Relevés de tension")
        XCTAssertEqual(published.category, .reports)
        XCTAssertEqual(published.attachment.size, added.size)
        let publishedContent = try await server.remote(token: token).fetchContent(of: added)
        XCTAssertEqual(publishedContent, Array("Tension du matin : 13/8.\n".utf8))

        // Mask it, and mask a document Dr Bernard (cardiology) wrote.
        try library.setMasked(added.id, true)
        try library.setMasked("doc-hospit", true)
        let maskPush = try await push.run().sent
        XCTAssertEqual(maskPush, 2)
        let addedMasked = try await server.remote(token: token).fetchReference(added.id).isMaskedFromProfessionals
        XCTAssertTrue(addedMasked)
        let hospitMasked = try await server.remote(token: token).fetchReference("doc-hospit").isMaskedFromProfessionals
        XCTAssertTrue(hospitMasked)
        XCTAssertThrowsError(try library.delete("doc-hospit"), "a professional's document can only be masked") { error in
            XCTAssertEqual(error as? DocumentLibraryError, .notDeletable)
        }

        // Professionals through an access code: a masked document is hidden, except from its author.
        let bernard = try await redeemedProfessional(server, holder: token, rpps: "10003456782", password: "demo-bernard")
        let garnier = try await redeemedProfessional(server, holder: token, rpps: "10003456783", password: "demo-garnier")
        let garnierEcho = try await server.status("/DocumentReference/doc-echo", token: garnier)
        XCTAssertEqual(garnierEcho, 200, "not masked: visible")
        let garnierAdded = try await server.status("/DocumentReference/\(added.id)", token: garnier)
        XCTAssertEqual(garnierAdded, 404)
        let bernardAdded = try await server.status("/DocumentReference/\(added.id)", token: bernard)
        XCTAssertEqual(bernardAdded, 404)
        let garnierHospit = try await server.status("/DocumentReference/doc-hospit", token: garnier)
        XCTAssertEqual(garnierHospit, 404)
        let bernardHospit = try await server.status("/DocumentReference/doc-hospit", token: bernard)
        XCTAssertEqual(bernardHospit, 200, "its author still sees it")

        // Unmask: visible again.
        try library.setMasked(added.id, false)
        let unmaskPush = try await push.run().sent
        XCTAssertEqual(unmaskPush, 1)
        let garnierAddedAgain = try await server.status("/DocumentReference/\(added.id)", token: garnier)
        XCTAssertEqual(garnierAddedAgain, 200)

        // Delete the user's own document.
        try library.delete(added.id)
        XCTAssertThrowsError(try library.document(added.id))
        let deletePush = try await push.run().sent
        XCTAssertEqual(deletePush, 1)
        let holderDeleted = try await server.status("/DocumentReference/\(added.id)", token: token)
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
