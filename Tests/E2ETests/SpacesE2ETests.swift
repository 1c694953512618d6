import Foundation
import TestSupport
import XCTest

/// Aidants et profils and the Accueil in the real `mes`, in tmux at 80x24, against a real
/// `mes-server` seeded with the demo world: the header says whose space in words; `@` switches
/// to the child's space from anywhere; the Accueil shows what a professional sent while the app
/// ran (a new document, an unread message), in French, English and screen-reader mode.
final class SpacesE2ETests: XCTestCase {
    /// `mes-server pro …` as Dr Garnier (the biologist), who writes to Hélène.
    func professional(_ home: SyncedHome, _ arguments: String...) throws -> Int32 {
        let password = home.directory.url.appendingPathComponent("pro-password")
        try Data("demo-garnier".utf8).write(to: password)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("mes-server"))
        process.arguments = ["pro", "--url", home.server.url.absoluteString, "--rpps", "10003456783", "--password-file", password.path,
                             "--otp-file", home.server.dataDirectory.appendingPathComponent("otp/10003456783.txt").path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testSwitchingToTheChildChangesTheHeaderAndTheAccueilShowsWhatAProfessionalSent() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        var screen = try mes.waitFor("Profil : Hélène MARTINEAU", "Synchro : à jour", "messages non lus.", timeout: 20)
        XCTAssertTrue(screen.contains("[1 Accueil]"), screen)
        XCTAssertTrue(screen.contains("Prochain rendez-vous"), screen)

        // A professional writes, with a result attached, while the app runs; `$` syncs.
        let attachment = home.directory.url.appendingPathComponent("Résultat ferritine.txt")
        try Data("Ferritine : 45 µg/L (normale).".utf8).write(to: attachment)
        let body = home.directory.url.appendingPathComponent("body.txt")
        try Data("Bonjour, votre dosage de ferritine est normal.".utf8).write(to: body)
        XCTAssertEqual(try professional(home, "message", "start", "helene", "--topic", "Ferritine", "--body-file", body.path,
                                        "--attach", attachment.path), 0)
        try mes.send("$")
        screen = try mes.waitFor("Ferritine, Dr Amélie Garnier", timeout: 30)
        XCTAssertTrue(screen.contains("nouveau document depuis votre dernière visite.") || screen.contains("nouveaux documents depuis"), screen)
        XCTAssertTrue(screen.contains("Résultat ferritine"), "the attached result is a new document:\n\(screen)")

        // The line opens its item: the thread, in the Messagerie.
        try mes.send("r")
        let lines = try mes.screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let threadRow = try XCTUnwrap(lines.firstIndex { $0.contains("Ferritine, Dr Amélie Garnier") })
        let selectedRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("▸") })
        for _ in 0..<max(0, threadRow - selectedRow) { try mes.send("Down") }
        try mes.send("Enter")
        try mes.waitFor("votre dosage de ferritine est normal", timeout: 10)

        // From anywhere, `@` chooses the space; the header says it in words.
        try mes.send("Escape")
        try mes.send("4")
        try mes.send("@")
        try mes.waitFor("Changer d’espace", "Lucas MARTINEAU, enfant")
        try mes.send("Down")
        try mes.send("Enter")
        screen = try mes.waitFor("Profil : Lucas MARTINEAU, enfant", "Espace ouvert : Lucas MARTINEAU, enfant. Agenda", timeout: 10)
        try mes.send("1")
        try mes.waitFor("Bilan de santé de l'enfant")
        try mes.send("7")
        try mes.waitFor("Hélène MARTINEAU, vous", "▸ Lucas MARTINEAU, enfant (actif)")

        try mes.send("q")
        try mes.waitFor("Quitter")
        try mes.send("o")
        XCTAssertEqual(try mes.waitForExit(timeout: 10), 0)
    }

    func testTheAccueilInEnglishWithAScreenReader() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal(arguments: ["--lang", "en", "--screen-reader"])
        defer { mes.close() }
        let screen = try mes.waitFor("Profile: Hélène MARTINEAU", "unread messages.", "Next appointment:", timeout: 20)
        XCTAssertTrue(screen.contains("Home, section 1 of 8."), screen)
        let cursor = try mes.cursor()
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[cursor.y].hasPrefix("▸") || lines[cursor.y].contains(","), "the cursor on the focused line: \(lines[cursor.y])")
        try mes.send("@")
        try mes.waitFor("Switch space", "Lucas MARTINEAU, child")
        try mes.send("Down", "Enter")
        try mes.waitFor("Profile: Lucas MARTINEAU, child", "Space opened: Lucas MARTINEAU, child.", timeout: 10)
    }
}
