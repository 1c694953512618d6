import Crypto
import FHIR
import Foundation
import LocalServer
import Sync
import TestSupport
import Vault
import XCTest

/// The Messagerie of the real `mes` binary in tmux at 80x24, on a vault synced from a real
/// `mes-server`: open the inbox, open a thread, reply, see "envoyé" once the app's own sync has
/// run (and the professional reads it on the server); save an attachment and find it in
/// Documents; the screen-reader mode and English.
final class MessagesE2ETests: XCTestCase {
    private func syncedHome(_ directory: TemporaryDirectory, server: LocalServer) async throws -> (URL, URL) {
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
        return (home, passphrase)
    }

    func testReplyInTheAppReachesTheServerAndAnAttachmentLandsInDocuments() async throws {
        let directory = try TemporaryDirectory(prefix: "mes-e2e-messages")
        defer { directory.remove() }
        let server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                           dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        defer { server.stop() }
        let (home, passphrase) = try await syncedHome(directory, server: server)

        let terminal = try TerminalSession(arguments: ["--home", home.path, "--passphrase-file", passphrase.path], width: 80, height: 24)
        defer { terminal.close() }
        try terminal.waitFor("1 Accueil", timeout: 15)
        try terminal.send("5")
        var screen = try terminal.waitFor("266049900000011@patient.mssante.fr", "Dr Amélie Garnier", timeout: 10)
        XCTAssertTrue(screen.contains("[1 non lu]"), screen)
        XCTAssertTrue(screen.contains("terminée"), "the closed thread says so in words: \(screen)")

        // Open the newest thread (Dr Garnier), reply, send.
        try terminal.send("Enter")
        try terminal.waitFor("Prélèvement à jeun", "venez à jeun depuis 12 heures")
        try terminal.send("r")
        try terminal.waitFor("Réponse à Dr Amélie Garnier")
        try terminal.send("-l", "Bonjour, je viendrai mardi.")
        try terminal.send("Enter")
        try terminal.send("-l", "Cordialement")
        try terminal.send("C-d")
        // Written to the vault and the outbox at once, then sent by the app's own sync.
        screen = try terminal.waitFor("Bonjour, je viendrai mardi.", timeout: 10)
        screen = try terminal.waitFor("envoyé", timeout: 20)
        XCTAssertFalse(screen.contains("en attente d'envoi"), screen)

        // The professional reads it on the server, while the app still runs.
        let token = try await professionalToken(server)
        let thread = try await get(server, "/Communication/msg-bio/$thread", token: token)
        let bodies = thread["entry"]?.elements.compactMap { $0["resource"]?["payload"]?[0]?["contentString"]?.stringValue } ?? []
        XCTAssertTrue(bodies.contains("Bonjour, je viendrai mardi.\nCordialement"), "\(bodies)")

        // A closed thread offers no reply: it says why.
        try terminal.send("Escape")
        try terminal.waitFor("Retour à la boîte de réception")
        // Save the cardiologist's attachment into the documents.
        try terminal.send("Down")
        try terminal.send("Enter")
        try terminal.waitFor("Fiche d'automesure tensionnelle.txt")
        try terminal.send("o")
        try terminal.waitFor("Matin : 3 mesures")
        try terminal.send("Escape")
        try terminal.send("s")
        try terminal.waitFor("Ranger dans quelle catégorie")
        try terminal.send("Enter")
        try terminal.waitFor("Titre du document")
        try terminal.send("Enter")
        try terminal.waitFor("ajouté à vos documents", timeout: 10)
        try terminal.send("Escape")
        try terminal.send("2")
        try terminal.waitFor("Fiche d'automesure tensionnelle", timeout: 10)

        try terminal.send("q")
        try terminal.waitFor("Quitter")
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(timeout: 10), 0)
    }

    func testTheInboxInEnglishAndWithAScreenReader() async throws {
        let directory = try TemporaryDirectory(prefix: "mes-e2e-messages-sr")
        defer { directory.remove() }
        let server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                           dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        defer { server.stop() }
        let (home, passphrase) = try await syncedHome(directory, server: server)
        let terminal = try TerminalSession(arguments: ["--home", home.path, "--passphrase-file", passphrase.path, "--lang", "en", "--screen-reader"],
                                           width: 80, height: 24)
        defer { terminal.close() }
        try terminal.waitFor("Home", timeout: 15)
        try terminal.send("5")
        try terminal.waitFor("Your health messaging address", "1 unread", timeout: 10)
        try terminal.send("Down", "Down")
        let screen = try terminal.waitFor("closed")
        let cursor = try terminal.cursor()
        let line = screen.split(separator: "\n", omittingEmptySubsequences: false)[cursor.y]
        XCTAssertTrue(line.contains("Dr Marc Renaud"), "the cursor is on the selected thread: \(line)")
        try terminal.send("Enter")
        try terminal.waitFor("has ended your conversation")
        try terminal.send("r")
        try terminal.waitFor("has ended your conversation")
    }

    private func professionalToken(_ server: LocalServer) async throws -> String {
        let transport = URLSessionTransport(baseURL: server.url)
        let response = try await transport.send(BackendRequest(method: "POST", path: API.Path.login, headers: ["Content-Type": "application/json"],
                                                               body: Data(#"{"rpps":"10003456783","password":"demo-garnier"}"#.utf8)))
        return try XCTUnwrap(try JSON(parsing: response.body)["access_token"]?.stringValue)
    }

    private func get(_ server: LocalServer, _ path: String, token: String) async throws -> JSON {
        let response = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(path: path, headers: ["Authorization": "Bearer \(token)"]))
        return try JSON(parsing: response.body)
    }
}
