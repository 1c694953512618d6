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

    /// Issue 14: outside kiosk mode, Ctrl-E hands the terminal to `$EDITOR` (curses suspended,
    /// then the screen repainted). The text goes through a file of mode 0600 in a private folder of
    /// the user's tmpfs runtime directory, erased and removed as soon as the editor exits: the
    /// draft has what the editor appended and nothing is left behind; the reply reaches the server.
    func testTheReplyIsWrittenInTheUsersEditorThroughATmpfsFileLeftNowhere() async throws {
        let synced = try await SyncedHome()
        defer { synced.close() }
        var template = Array("/dev/shm/mes-e2e-runtime-XXXXXX".utf8CString)
        let runtime = String(cString: try XCTUnwrap(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let scratch = try TemporaryDirectory()
        let log = scratch.url.appendingPathComponent("editor.log").path
        let editor = scratch.url.appendingPathComponent("append-editor").path
        // The editor records where it was given the text (path, mode, file system, TMPDIR), not the text.
        try """
        #!/bin/sh
        printf '%s\\n' "$1" "$(stat -c %a "$1")" "$(stat -f -c %T "$1")" "$TMPDIR" "$(ls -l /proc/$$/fd | grep -c -e socket -e pipe -e anon_inode)" > \(log)
        printf 'Ligne à ajouter ? '
        IFS= read -r typed
        printf '\\n%s\\n' "$typed" >> "$1"
        """.write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let terminal = try synced.terminal(environment: ["LANG": "C.UTF-8", "EDITOR": editor, "XDG_RUNTIME_DIR": runtime])
        defer { terminal.close() }
        try terminal.waitFor("1 Accueil", timeout: 15)
        try terminal.send("5")
        try terminal.waitFor("Dr Amélie Garnier", timeout: 10)
        try terminal.send("Enter")
        try terminal.waitFor("Prélèvement à jeun", "venez à jeun depuis 12 heures")
        try terminal.send("r")
        try terminal.waitFor("Réponse à Dr Amélie Garnier", timeout: 10)
        try terminal.send("-l", "Bonjour docteur,")
        try terminal.send("C-e")
        // The editor has the terminal (curses suspended): it asks, reads the keys, appends.
        try terminal.waitFor("Ligne à ajouter ?", timeout: 15)
        try terminal.send("-l", "Ajouté par mon éditeur.")
        try terminal.send("Enter")
        var screen = try terminal.waitFor("Ajouté par mon éditeur.", "Texte repris de votre éditeur", timeout: 15)
        XCTAssertTrue(screen.contains("Bonjour docteur,"), screen)
        XCTAssertTrue(screen.contains("Réponse à Dr Amélie Garnier"), "the screen is repainted after the editor: \(screen)")

        let recorded = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(recorded.count, 5, "\(recorded)")
        XCTAssertEqual(recorded[4], "1", "the editor inherits none of mes's sockets or pipes (the one counted is the shell's own)")
        let path = recorded[0]
        XCTAssertTrue(path.hasPrefix(runtime + "/mes-scratch-"), path)
        XCTAssertEqual(recorded[1], "600")
        XCTAssertEqual(recorded[2], "tmpfs")
        XCTAssertEqual(recorded[3], (path as NSString).deletingLastPathComponent, "the editor's own temporary files go there too")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runtime), [], "nothing is left behind")

        try terminal.send("C-d")
        screen = try terminal.waitFor("vous · envoyé", timeout: 20)
        let token = try await professionalToken(synced.server)
        let thread = try await get(synced.server, "/Communication/msg-bio/$thread", token: token)
        let entries = (thread["entry"] as? [[String: Any]]) ?? []
        let bodies = entries.compactMap { (($0["resource"] as? [String: Any])?["payload"] as? [[String: Any]])?.first?["contentString"] as? String }
        XCTAssertTrue(bodies.contains("Bonjour docteur,\nAjouté par mon éditeur."), "\(bodies)")
        try terminal.send("q")
        try terminal.waitFor("Quitter")
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(timeout: 10), 0)
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
