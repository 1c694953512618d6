import Crypto
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
    func testReplyInTheAppReachesTheServerAndAnAttachmentLandsInDocuments() async throws {
        let synced = try await SyncedHome()
        defer { synced.close() }
        let server = synced.server
        let terminal = try synced.terminal()
        defer { terminal.close() }
        try terminal.waitFor("1 Accueil", timeout: 15)
        try terminal.send("5")
        var screen = try terminal.waitFor("266049900000011@patient.mssante.fr", "Dr Amélie Garnier", "Dr Nadia Haddad", timeout: 10)
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
        screen = try terminal.waitFor("vous · envoyé", timeout: 20)
        XCTAssertFalse(screen.contains("vous · en attente d'envoi"), screen)

        // The professional reads it on the server, while the app still runs.
        let token = try await professionalToken(server)
        let thread = try await get(server, "/Communication/msg-bio/$thread", token: token)
        let entries = (thread["entry"] as? [[String: Any]]) ?? []
        let bodies = entries.compactMap { (($0["resource"] as? [String: Any])?["payload"] as? [[String: Any]])?.first?["contentString"] as? String }
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
        try terminal.waitFor("Résultats de biologie", timeout: 10)
        try terminal.send("/")
        try terminal.send("-l", "automesure")
        try terminal.waitFor("Fiche d'automesure tensionnelle", timeout: 10)
        try terminal.send("Enter")

        try terminal.send("q")
        try terminal.waitFor("Quitter")
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(timeout: 10), 0)
    }

    func testTheInboxInEnglishAndWithAScreenReader() async throws {
        let synced = try await SyncedHome()
        defer { synced.close() }
        let terminal = try synced.terminal(arguments: ["--lang", "en", "--screen-reader"])
        defer { terminal.close() }
        try terminal.waitFor("Home", timeout: 15)
        try terminal.send("5")
        try terminal.waitFor("Your health messaging address", "1 unread", "Dr Nadia Haddad", timeout: 10)
        try terminal.send("Down", "Down")
        // The selection reaches the closed thread (polled: keys arrive asynchronously).
        var screen = ""
        for _ in 0..<50 {
            screen = try terminal.screen()
            if screen.split(separator: "\n").contains(where: { $0.contains("▸") && $0.contains("Dr Marc Renaud") }) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
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
        let response = try await transport.send(BackendRequest(method: "POST", path: "/auth/login", headers: ["Content-Type": "application/json"],
                                                               body: Data(#"{"rpps":"10003456783","password":"demo-garnier"}"#.utf8)))
        // Two factors for professionals (issue 19): the password, then the one-time code.
        let challenge = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["challenge"] as? String)
        let code = try String(contentsOf: server.dataDirectory.appendingPathComponent("otp/10003456783.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try await transport.send(BackendRequest(method: "POST", path: "/auth/otp", headers: ["Content-Type": "application/json"],
                                                               body: Data(#"{"challenge":"\#(challenge)","code":"\#(code)"}"#.utf8)))
        let object = try JSONSerialization.jsonObject(with: Data(verified.body)) as? [String: Any]
        return try XCTUnwrap(object?["access_token"] as? String)
    }

    private func get(_ server: LocalServer, _ path: String, token: String) async throws -> [String: Any] {
        let response = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(path: path, headers: ["Authorization": "Bearer \(token)"]))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }
}
