import Crypto
import Documents
import Foundation
import HealthRecord
import TestSupport
import Vault
import XCTest

/// The library over a real vault, without a server: visibility, import, masking, export, the
/// command line's handling of hostile titles.
final class DocumentLibraryTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!
    var library: DocumentLibrary!

    override func setUpWithError() throws {
        (vault, directory) = try makeDocumentsVault()
        try saveHolderProfile(vault)
        library = DocumentLibrary(vault: vault, profileID: "helene", catalog: repositoryCatalog)
    }

    override func tearDown() {
        vault.close()
        directory.remove()
    }

    func professionalDocument(_ id: String, title: String, visibility: Set<VisibilityLabel> = []) -> Document {
        Document(id: id, profileID: "helene", title: title, typeCode: DocumentType.imagingReport, classCode: .imaging,
                 author: DocumentAuthor(name: "Dr Renaud", organization: "Cabinet de radiologie"), creationDate: Date(),
                 size: 3, sha256: String(repeating: "a", count: 64), format: "text/plain", visibility: visibility, origin: .professional)
    }

    func testInvisibleDocumentsNeverReachThePatient() throws {
        try vault.write { session in
            try session.documents.save(professionalDocument("seen", title: "Échographie"), origin: .remote)
            try session.documents.save(professionalDocument("hidden", title: "À annoncer", visibility: [.invisibleToPatient]), origin: .remote)
            try session.documents.save(professionalDocument("minor", title: "Confidentiel", visibility: [.invisibleToLegalRepresentatives]),
                                       origin: .remote)
        }
        XCTAssertEqual(Set(try library.summaries().map(\.id)), ["seen", "minor"])
        XCTAssertThrowsError(try library.document("hidden"))
        XCTAssertEqual(try library.search("annoncer"), [], "not even through search")
        let parent = DocumentLibrary(vault: vault, profileID: "helene", viewer: .legalRepresentative, catalog: repositoryCatalog)
        XCTAssertEqual(try parent.summaries().map(\.id), ["seen"])
    }

    func testImportShowsAtOnceQueuesAndIsSearchable() throws {
        let document = try library.importFile(named: "bilan.txt", content: Array("Cholestérol LDL 1,45 g/L".utf8), category: .laboratory)
        XCTAssertEqual(document.title, "bilan")
        XCTAssertEqual(document.origin, .patient)
        XCTAssertEqual(document.typeCode.code, "DOCPAT05")
        XCTAssertEqual(try library.summaries().map(\.category), [.laboratory])
        XCTAssertEqual(try library.search("cholesterol").map(\.recordID), [document.id], "the content's text is indexed")
        let outbox = try vault.read { try $0.outbox.pending() }
        XCTAssertEqual(outbox.map(\.recordID), [document.id])
        XCTAssertEqual(try library.content(of: document.id)?.bytes, Array("Cholestérol LDL 1,45 g/L".utf8))
    }

    func testAFileOnDiskIsCheckedBeforeItIsRead() throws {
        let big = directory.url.appendingPathComponent("gros.pdf")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(DocumentContent.maximumSize + 1))
        try handle.close()
        XCTAssertThrowsError(try library.importFile(atPath: big.path, category: .other)) { error in
            XCTAssertEqual(error as? DocumentLibraryError, .importRefused(.tooLarge(DocumentContent.maximumSize + 1)))
        }
        let fake = directory.url.appendingPathComponent("ordonnance.pdf")
        try Data(DocumentLogicTests.elf).write(to: fake)
        XCTAssertThrowsError(try library.importFile(atPath: fake.path, category: .prescriptions)) { error in
            XCTAssertEqual(error as? DocumentLibraryError, .importRefused(.contentMismatch(expected: .pdf, found: nil)))
        }
        XCTAssertEqual(try library.summaries(), [], "nothing refused is stored")
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0)
    }

    func testMaskingAndTheMaskAllSetting() throws {
        try vault.write { try $0.documents.save(professionalDocument("echo", title: "Échographie"), origin: .remote) }
        XCTAssertTrue(try library.setMasked("echo", true).isMaskedFromProfessionals)
        XCTAssertEqual(try library.listing(filter: DocumentFilter(maskedOnly: true)).rows.map(\.id), ["echo"])
        try library.setMasked("echo", false)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 2)

        // "Mask all" is the server's policy (mirrored in the settings): the app labels nothing for it.
        try vault.write { try $0.settings.set(true, for: DocumentLibrary.maskAllSetting) }
        XCTAssertTrue(try library.masksAll())
        let outbox = try vault.read { try $0.outbox.count() }
        let added = try library.importFile(named: "note.txt", content: Array("x".utf8), category: .other)
        XCTAssertFalse(added.isMaskedFromProfessionals, "the server's policy covers it, not a label")
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, outbox + 1, "the new document only, no masking writes")
    }

    func testExportWritesAPrivateCopyAndIsRefusedInKiosk() throws {
        let document = try library.importFile(named: "a.txt", content: Array("secret".utf8), category: .other)
        let path = directory.url.appendingPathComponent("copie.txt").path
        XCTAssertThrowsError(try library.export(document.id, to: path, kiosk: true)) { error in
            XCTAssertEqual(error as? DocumentOutputError, .refusedInKiosk)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        try library.export(document.id, to: path, kiosk: false)
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("secret".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertThrowsError(try library.export(document.id, to: path, kiosk: false), "never overwrites") { error in
            XCTAssertEqual(error as? DocumentOutputError, .destinationExists(path))
        }
    }

    func testHistoryListsAccessesNewestFirstThenTheDeposit() throws {
        try vault.write { session in
            try session.documents.save(professionalDocument("echo", title: "Échographie"), origin: .remote)
            try session.auditEntries.save(AuditEntry(id: "a1", profileID: "helene", date: Date(timeIntervalSinceNow: -60), actorName: "Dr Garnier",
                                                     actorRole: .professional, action: .read, targetKind: .document, targetID: "echo"), origin: .remote)
            try session.auditEntries.save(AuditEntry(id: "a2", profileID: "helene", date: Date(), actorName: "Julien Martineau",
                                                     actorRole: .caregiver, action: .read, targetKind: .document, targetID: "echo"), origin: .remote)
            try session.auditEntries.save(AuditEntry(id: "a3", profileID: "helene", date: Date(), actorName: "Dr Garnier",
                                                     actorRole: .professional, action: .read, targetKind: .document, targetID: "other"), origin: .remote)
        }
        let history = try library.history(of: "echo")
        XCTAssertEqual(history.map(\.actorName), ["Julien Martineau", "Dr Garnier", "Dr Renaud"])
        XCTAssertEqual(history.last?.action, .create)
        XCTAssertTrue(DocumentWording.historyLine(history[1]).contains("Dr Garnier"))
    }

    /// `mes documents list` with a title full of escape sequences: shown inert, never obeyed.
    func testTheCommandLineNeutralisesHostileTitles() throws {
        let hostile = "Bilan\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}fdp.exe\u{9B}31m\u{9D}8;;x\u{90}q\u{2066}\u{2028}\u{2029}\u{0}fin"
        try vault.write { try $0.documents.save(professionalDocument("evil", title: hostile), origin: .remote) }
        vault.close()
        let passphrase = directory.url.appendingPathComponent("passphrase")
        try Data("phrase secrète de test\n".utf8).write(to: passphrase)
        let result = try ProcessRunner.run(BuiltProducts.path("mes"), [
            "documents", "list", "--home", directory.url.appendingPathComponent("vault").path, "--passphrase-file", passphrase.path,
        ], environment: ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "MES_SHARE_DIR": BuiltProducts.repository.path]))
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("Radio, écho, scanner, IRM (1)"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("Bilan^[[2J^[]0;pwned^G"), result.standardOutput)
        XCTAssertFalse(result.standardOutput.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E })
        let json = try ProcessRunner.run(BuiltProducts.path("mes"), [
            "documents", "list", "--json", "--home", directory.url.appendingPathComponent("vault").path, "--passphrase-file", passphrase.path,
        ])
        XCTAssertEqual(json.status, 0, json.standardError)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]]
        XCTAssertEqual(decoded?.first?["title"] as? String, hostile, "JSON keeps the text, escaped")
        XCTAssertFalse(json.standardOutput.unicodeScalars.contains { $0.value == 0x1B })
        // C1, bidi and line separators are escaped too (they were printed raw); the NUL and what
        // follows it survive the vault.
        XCTAssertFalse(json.standardOutput.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || [0x202E, 0x2066, 0x2028, 0x2029].contains($0.value) },
                       json.standardOutput)
        XCTAssertTrue(json.standardOutput.contains("\\u009b31m") && json.standardOutput.contains("\\u0000fin"), json.standardOutput)
        vault = try Vault.open(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                               passphrase: SecureBytes(copying: Array("phrase secrète de test".utf8)))
    }
}
