import Foundation
import LocalServer
import TestSupport
import XCTest

/// `mes` on a home with no vault, against a real `mes-server`: the first run creates the vault
/// (the passphrase twice, its strength said), shows the recovery key and checks it was written
/// down, logs in with the one-time code (a wrong code is explained), syncs and shows the documents.
/// Then the vault opens again with the passphrase chosen.
final class FirstRunE2ETests: XCTestCase {
    func testAFirstRunCreatesTheVaultLogsInSyncsAndShowsTheDocuments() throws {
        let directory = try TemporaryDirectory(prefix: "mes-first-run")
        defer { directory.remove() }
        let server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                           dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        defer { server.stop() }
        let session = try TerminalSession()
        defer { session.close() }
        func type(_ text: String) throws { for character in text { try session.send(String(character)) } }

        try session.waitFor("Bienvenue dans mes", "étape 1 sur 3", timeout: 10)
        try session.send("Enter")
        try session.waitFor("Votre phrase secrète", "quatre ou cinq mots")
        try type("court")
        try session.waitFor("Solidité : trop faible")
        try session.send("Enter")
        try session.waitFor("trop facile à deviner")
        try session.send("C-u")
        let passphrase = "cheval agrafe lune correct"
        try type(passphrase)
        try session.waitFor("Solidité : ")
        XCTAssertFalse(try session.screen().contains(passphrase), "the passphrase is masked")
        try session.send("Enter")
        try type("cheval agrafe lune")
        try session.send("Enter")
        try session.waitFor("Les deux saisies sont différentes")
        try type(passphrase)
        try session.send("Enter")
        let keyScreen = try session.waitFor("Votre clé de secours", "étape 2 sur 3", timeout: 30)
        guard let keyLine = keyScreen.components(separatedBy: "\n").first(where: { $0.split(separator: "-").count == 7 }) else {
            return XCTFail("no recovery key on screen:\n\(keyScreen)")
        }
        let key = keyLine.trimmingCharacters(in: .whitespaces)
        XCTAssertTrue(FileManager.default.fileExists(atPath: session.home.appendingPathComponent("vault.keys").path), "the vault exists")
        try session.send("Enter")
        try session.waitFor("Dernier groupe")
        try type("ZZZZ")
        try session.send("Enter")
        try session.waitFor("Ce n’est pas le dernier groupe")
        try type(String(key.split(separator: "-").last!).lowercased())
        try session.send("Enter")
        try session.waitFor("Connexion à votre compte", "étape 3 sur 3")
        XCTAssertFalse(try session.screen().contains(key), "the recovery key is shown once")
        try type(server.url.absoluteString)
        try session.send("Tab")
        try type("helene.martineau")
        try session.send("Tab")
        try type("mauvais")
        try session.send("Enter")
        try session.waitFor("Identifiant ou mot de passe incorrect", timeout: 10)
        try type("demo-helene")
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        try session.send("Enter")
        try session.waitFor("Code reçu", timeout: 10)
        try type("000000")
        try session.send("Enter")
        try session.waitFor("Ce code n’est pas le bon", timeout: 10)
        try type(try String(contentsOf: otp, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        try session.send("Enter")
        try session.waitFor("Hélène MARTINEAU", "Synchro : à jour", timeout: 30)
        try session.send("2")
        try session.waitFor("Résultats de biologie")
        try session.send("q")
        try session.waitFor("Quitter mes ?")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(timeout: 10), 0)

        // Next start: the vault opens with the passphrase chosen, synced, no first run.
        let passphraseFile = directory.url.appendingPathComponent("passphrase")
        try Data((passphrase + "\n").utf8).write(to: passphraseFile)
        let again = try TerminalSession(arguments: ["--home", session.home.path, "--passphrase-file", passphraseFile.path])
        defer { again.close() }
        try again.waitFor("Hélène MARTINEAU", "Coffre : ouvert", timeout: 15)
    }

    /// Esc on the welcome looks around with no vault; F10 leaves; nothing is written.
    func testLookingAroundFirstWritesNothing() throws {
        let session = try TerminalSession()
        defer { session.close() }
        try session.lookAroundFirst()
        try session.waitFor("Coffre : aucun")
        try session.send("q")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: session.home.path), [])
    }
}
