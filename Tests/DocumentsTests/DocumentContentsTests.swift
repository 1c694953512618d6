import Crypto
import Documents
import Foundation
import HealthRecord
import Sync
import TestSupport
import Vault
import XCTest

/// Contents arrive with a sync, are searchable as they arrive (lab results' values too), read
/// from the command line, and export as the user reads them — against a real `mes-server`.
final class DocumentContentsTests: XCTestCase {
    func testASyncBringsContentsSearchableWithoutOpeningThem() async throws {
        let server = try DemoServer()
        let (vault, directory, _) = try await server.syncedHolder(contents: SyncEngine.ContentBudget())
        defer { vault.close(); directory.remove() }
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        XCTAssertNotNil(try library.content(of: "doc-ordonnance"), "the default budget covers the demo's documents")
        XCTAssertFalse(try library.summary("doc-ordonnance").isRead, "nothing was opened")

        let metformine = try library.search("metformine")
        XCTAssertTrue(metformine.contains { $0.recordID == "doc-ordonnance" }, "\(metformine)")
        let cholesterol = try library.search("cholesterol")
        XCTAssertEqual(Set(cholesterol.map(\.recordID)), ["doc-bio-recent", "doc-bio-old"], "a lab report's analytes are indexed")
        let snippet = try XCTUnwrap(cholesterol.first { $0.recordID == "doc-bio-recent" }?.snippet)
        XCTAssertTrue(snippet.contains("▲ élevé ; [Cholestérol] LDL : 1,45 g/L ▲ élevé ;"), "results stay apart on one line: \(snippet)")
        XCTAssertTrue(try library.search("élevé").contains { $0.recordID == "doc-bio-recent" }, "flags in words are indexed")
        for hit in metformine + cholesterol {
            XCTAssertFalse(hit.snippet.contains { $0.isNewline }, "a snippet is one line: \(hit.snippet)")
        }
        XCTAssertEqual(try library.matchingIDs("cholesterol"), ["doc-bio-recent", "doc-bio-old"])

        // Masking rewrites the metadata; the content's words stay found.
        try library.setMasked("doc-ordonnance", true)
        XCTAssertTrue(try library.search("metformine").contains { $0.recordID == "doc-ordonnance" })
    }

    func testTheBudgetLimitsWhatOneSyncFetchesNewestFirst() async throws {
        let server = try DemoServer()
        let (vault, directory, _) = try await server.syncedHolder(contents: SyncEngine.ContentBudget(documents: 2))
        defer { vault.close(); directory.remove() }
        let library = try XCTUnwrap(DocumentLibrary.open(vault, catalog: repositoryCatalog))
        let fetched = try vault.read { try $0.documents.idsWithContent(profile: "helene") }
        XCTAssertEqual(fetched.count, 2)
        let newest = try library.listing(sort: DocumentSort()).rows.sorted { $0.date > $1.date }
        XCTAssertTrue(fetched.contains(try XCTUnwrap(newest.first).id), "newest first: \(fetched)")
    }

    /// `mes sync`, then `mes documents search` and `show` print what the documents say, and
    /// `export` writes the lab report as the table the user reads.
    func testTheCommandLineSearchesShowsAndExportsWhatASyncBrought() async throws {
        let server = try DemoServer()
        let (vault, directory) = try await server.loggedInHolder()
        vault.close()
        defer { directory.remove() }
        let mes = try MesRunner(directory)

        let sync = try mes("sync")
        XCTAssertEqual(sync.status, 0, sync.standardError)
        let found = try mes("documents", "search", "metformine")
        XCTAssertEqual(found.status, 0, found.standardError)
        XCTAssertTrue(found.standardOutput.contains("doc-ordonnance"), found.standardOutput)
        let lab = try mes("documents", "search", "cholesterol")
        XCTAssertTrue(lab.standardOutput.contains("doc-bio-recent"), lab.standardOutput)
        XCTAssertTrue(lab.standardOutput.contains("[Cholestérol] LDL : 1,45"), lab.standardOutput)
        XCTAssertFalse(lab.standardOutput.contains("^J"), lab.standardOutput)
        XCTAssertTrue(try mes("documents", "search", "introuvablexyz").standardOutput.contains("Aucun document ne correspond."))

        let shown = try mes("documents", "show", "doc-ordonnance")
        XCTAssertEqual(shown.status, 0, shown.standardError)
        XCTAssertTrue(shown.standardOutput.contains("2. Metformine 1000 mg : 1 comprimé matin et soir, au cours du repas."), shown.standardOutput)
        XCTAssertFalse(shown.standardOutput.contains("synchronisez"), shown.standardOutput)

        let exported = directory.url.appendingPathComponent("bilan.txt")
        let export = try mes("documents", "export", "doc-bio-recent", exported.path)
        XCTAssertEqual(export.status, 0, export.standardError)
        let text = try String(contentsOf: exported, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("Compte rendu d'examens biologiques\nAuteur : Dr Amélie Garnier"), "who wrote it comes first: \(text)")
        XCTAssertTrue(text.contains("Cholestérol LDL"), text)
        XCTAssertTrue(text.contains("1,45"), text)
        XCTAssertFalse(text.contains("resourceType"), "never the wire's JSON: \(text)")
    }

    /// With nothing fetched by the sync, `documents show` fetches the content on demand.
    func testShowFetchesAContentTheSyncLeftOnTheServer() async throws {
        let server = try DemoServer()
        let (vault, directory, _) = try await server.syncedHolder(contents: .none)
        XCTAssertNil(try vault.read { try $0.documents.content(of: "doc-ordonnance") })
        vault.close()
        defer { directory.remove() }
        let mes = try MesRunner(directory)
        let shown = try mes("documents", "show", "doc-ordonnance")
        XCTAssertEqual(shown.status, 0, shown.standardError)
        XCTAssertTrue(shown.standardOutput.contains("Metformine 1000 mg"), shown.standardOutput)
        XCTAssertTrue(try mes("documents", "search", "metformine").standardOutput.contains("doc-ordonnance"), "indexed as it arrived")

        server.server.stop()
        let offline = try mes("documents", "show", "doc-bio-recent")
        XCTAssertEqual(offline.status, 0, "the metadata still shows")
        XCTAssertTrue(offline.standardOutput.contains("synchronisez (mes sync)"), offline.standardOutput)
    }
}

/// Runs the built `mes` on the vault of a test directory (French, its passphrase from a file).
struct MesRunner {
    let home: String
    let passphrase: String
    let environment: [String: String]

    init(_ directory: TemporaryDirectory) throws {
        home = directory.url.appendingPathComponent("vault").path
        let file = directory.url.appendingPathComponent("passphrase")
        try Data("phrase secrète de test\n".utf8).write(to: file)
        passphrase = file.path
        environment = ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "MES_SHARE_DIR": BuiltProducts.repository.path,
                                                 "HOME": directory.url.path])
    }

    func callAsFunction(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(BuiltProducts.path("mes"), arguments + ["--home", home, "--passphrase-file", passphrase],
                              environment: environment, timeout: 120)
    }
}
