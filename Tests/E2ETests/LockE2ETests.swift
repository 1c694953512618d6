import Foundation
import TestSupport
import XCTest

/// The lock screen with a real vault: `mes vault init` in a temporary home, a one-second idle
/// delay in settings.json, the vault locks, the passphrase typed in tmux unlocks it.
final class LockE2ETests: XCTestCase {
    func testTheVaultLocksWhenIdleAndThePassphraseUnlocksIt() throws {
        let passphrase = "cheval correct agrafe"
        let secrets = try TemporaryDirectory(prefix: "mes-lock-e2e")
        defer { secrets.remove() }
        let passphraseFile = secrets.url.appendingPathComponent("passphrase")
        try Data(passphrase.utf8).write(to: passphraseFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphraseFile.path)

        let session = try TerminalSession(arguments: ["--passphrase-file", passphraseFile.path]) { home in
            let created = try ProcessRunner.run(BuiltProducts.path("mes"),
                                                ["--home", home.path, "vault", "init", "--passphrase-file", passphraseFile.path])
            XCTAssertEqual(created.status, 0, created.standardError)
            try Data(#"{"lockAfterSeconds": 1}"#.utf8).write(to: home.appendingPathComponent("settings.json"))
        }
        defer { session.close() }

        let locked = try session.waitFor("Coffre verrouillé", "Phrase de passe :", timeout: 15)
        XCTAssertFalse(locked.contains("Accueil"), "nothing of the app behind the lock:\n\(locked)")
        for character in passphrase { try session.send(character == " " ? "Space" : String(character)) }
        XCTAssertFalse(try session.screen().contains("cheval"), "the passphrase is never echoed")
        try session.send("Enter")
        try session.waitFor("Coffre déverrouillé.", "1 Accueil", timeout: 10)
        // The delay starts again once unlocked.
        try session.waitFor("Coffre verrouillé", "Phrase de passe :", timeout: 10)
    }
}
