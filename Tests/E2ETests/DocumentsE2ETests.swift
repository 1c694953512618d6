import Crypto
import Foundation
import LocalServer
import Sync
import TestSupport
import Vault
import XCTest

/// The Documents section of the real `mes` binary in tmux, on a vault synced from a real
/// `mes-server`: open Documents, filter a category, search a word, open the lab report and see
/// an out-of-range value flagged, mask a document and see the mark.
final class DocumentsE2ETests: XCTestCase {
    func testDocumentsInTheTerminal() async throws {
        let directory = try TemporaryDirectory(prefix: "mes-e2e-documents")
        defer { directory.remove() }
        let server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                           dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        defer { server.stop() }
        // A vault synced with the demo account (cheap key derivation: this test is about the screen).
        let home = directory.url.appendingPathComponent("home")
        let passphrase = directory.url.appendingPathComponent("passphrase")
        try Data("phrase de test\n".utf8).write(to: passphrase)
        let (vault, _) = try Vault.create(in: VaultDirectory(home), passphrase: SecureBytes(copying: Array("phrase de test".utf8)),
                                          keyDerivation: .fixed(.minimumForTests))
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let account = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene",
                                              oneTimeCode: { try String(contentsOf: otp, encoding: .utf8) })
        try account.save(in: vault)
        let report = await SyncEngine(vault: vault).sync()
        XCTAssertEqual(report.outcome, .complete)
        vault.close()

        let terminal = try TerminalSession(arguments: ["--home", home.path, "--passphrase-file", passphrase.path], width: 100, height: 30)
        defer { terminal.close() }
        try terminal.waitFor("1 Accueil", timeout: 10)

        try terminal.send("2")
        var screen = try terminal.waitFor("Résultats de biologie (2)")
        XCTAssertFalse(screen.contains("Compte rendu en attente d'annonce"), "INVISIBLE_PATIENT never shows")

        // Filter a category: the chooser lists "all", then the twelve categories in MES order.
        try terminal.send("c")
        try terminal.waitFor("Choisir une catégorie")
        try terminal.send("Down", "Down", "Down", "Down", "Enter")
        screen = try terminal.waitFor("Catégorie : Résultats de biologie (2)")
        XCTAssertFalse(screen.contains("Échographie abdominale"))

        // Search a word, as you type.
        try terminal.send("/", "e", "x", "a", "m", "e", "n", "s")
        try terminal.waitFor("Recherche : examens", "2 document(s)", "[examens]")
        try terminal.send("Enter")

        // Open the lab report: fetched on demand, an out-of-range value flagged in words.
        try terminal.send("Enter")
        screen = try terminal.waitFor("Hémoglobine glyquée (HbA1c)", "▲ élevé")
        let flagged = screen.split(separator: "\n").first { $0.contains("7,4") }
        XCTAssertTrue(flagged?.contains("▲ élevé") ?? false, screen)

        // Back to the list; mask the document and see the mark.
        try terminal.send("Escape")
        try terminal.waitFor("Retour à la liste")
        try terminal.send("m")
        screen = try terminal.waitFor("masqué]")
        XCTAssertTrue(screen.split(separator: "\n").contains { $0.contains("Compte rendu d'examens") && $0.contains("masqué]") }, screen)

        try terminal.send("q")
        try terminal.waitFor("Quitter")
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }
}
