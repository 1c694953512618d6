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
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal(width: 100, height: 30)
        defer { terminal.close() }
        try terminal.waitFor("1 Accueil", timeout: 10)

        try terminal.send("2")
        var screen = try terminal.waitFor("Résultats de biologie (2)")
        XCTAssertFalse(screen.contains("Compte rendu en attente d'annonce"), "INVISIBLE_PATIENT never shows")

        // Filter a category: the chooser lists "all", then the twelve categories in MES order.
        try terminal.send("c")
        try terminal.waitFor("Choisir une catégorie")
        try terminal.send("Down", "Down", "Down", "Down", "Enter")
        try terminal.waitFor("Catégorie : Résultats de biologie (2)", without: ["Échographie abdominale"])

        // Search a word, as you type.
        try terminal.send("/", "e", "x", "a", "m", "e", "n", "s")
        try terminal.waitFor("Recherche (saisie) : examens", "2 documents", "[examens]")
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
