import Foundation
import XCTest

/// `mes --demo`: with no question asked, a local server, the demo holder's space synced, the app
/// open on it; quitting stops the server and leaves no demo data behind, and nothing in the user's home.
final class DemoTests: XCTestCase {
    func testDemoOpensTheHoldersSyncedSpaceAndLeavesNothingBehind() throws {
        // A temporary folder of its own: other demos may run on this machine at the same time.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("mes-demo-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let session = try TerminalSession(arguments: ["--demo"], environment: ["LANG": "C.UTF-8", "TMPDIR": temporary.path])
        defer { session.close() }
        try session.waitFor("Hélène MARTINEAU", "Synchro : à jour", "1 Accueil", timeout: 30)
        try session.send("2")
        try session.waitFor("Résultats de biologie", "Ordonnances et soins")
        try session.send("q")
        try session.waitFor("Quitter mes ?")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(timeout: 15), 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary.path), [],
                       "the demo server's data folder (and the scratch folder) are removed")
        // Nothing at all in HOME (also `--home` here): no settings, no vault, and none of the
        // per-user folders Foundation's networking creates on its own.
        let left = FileManager.default.enumerator(atPath: session.home.path).map { Array($0) } ?? []
        XCTAssertEqual(left.map { "\($0)" }, [], "the demo writes nothing in the user's home")
    }

    /// The demo is ephemeral: a setting changed in it is kept in memory only; the user's home
    /// (and their settings.json there) is left exactly as it was.
    func testTheDemoWritesNothingToTheUsersHome() throws {
        let saved = Data(#"{"language": "fr", "lockAfterSeconds": 600, "screenReader": false, "theme": "standard"}"#.utf8)
        let session = try TerminalSession(arguments: ["--demo"]) { home in
            try saved.write(to: home.appendingPathComponent("settings.json"))
        }
        defer { session.close() }
        try session.waitFor("Hélène MARTINEAU", "1 Accueil", timeout: 30)
        try session.send("8")
        try session.waitFor("Réglages, section 8 sur 8")
        try session.send("Down", "Right")
        try session.waitFor("Contraste élevé")
        try session.send("q")
        try session.waitFor("Quitter mes ?")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(timeout: 15), 0)
        let walker = FileManager.default.enumerator(atPath: session.home.path)
        XCTAssertEqual(walker?.allObjects as? [String], ["settings.json"], "nothing new in HOME")
        XCTAssertEqual(try Data(contentsOf: session.home.appendingPathComponent("settings.json")), saved, "settings.json untouched")
    }
}
