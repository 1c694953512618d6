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

        let tmux = try Tmux(command: [BuiltProducts.path("mes"), "--home", home.path, "--passphrase-file", passphrase.path],
                            environment: ["LANG": "C.UTF-8", "MES_SHARE_DIR": BuiltProducts.repository.path, "TERM": "xterm-256color"])
        defer { tmux.close() }
        try tmux.waitFor("1 Accueil")

        tmux.send("2")
        try tmux.waitFor("Résultats de biologie (2)")
        XCTAssertFalse(tmux.screen().contains("Compte rendu en attente d'annonce"), "INVISIBLE_PATIENT never shows")

        // Filter a category: the chooser lists "all", then the twelve categories in MES order.
        tmux.send("c")
        try tmux.waitFor("Choisir une catégorie")
        tmux.send("Down", "Down", "Down", "Down", "Enter")
        try tmux.waitFor("Catégorie : Résultats de biologie (2)")
        XCTAssertFalse(tmux.screen().contains("Échographie abdominale"))

        // Search a word, as you type.
        tmux.send("/")
        tmux.type("examens")
        try tmux.waitFor("Recherche : examens")
        try tmux.waitFor("2 document(s)")
        try tmux.waitFor("[examens]")
        tmux.send("Enter")

        // Open the lab report: fetched on demand, an out-of-range value flagged in words.
        tmux.send("Enter")
        try tmux.waitFor("Hémoglobine glyquée (HbA1c)")
        try tmux.waitFor("▲ élevé")
        let flagged = tmux.screen().split(separator: "\n").first { $0.contains("7,4") }
        XCTAssertTrue(flagged?.contains("▲ élevé") ?? false, tmux.screen())

        // Back to the list; mask the document and see the mark.
        tmux.send("Escape")
        try tmux.waitFor("Retour à la liste")
        tmux.send("m")
        try tmux.waitFor("masqué]")
        XCTAssertTrue(tmux.screen().split(separator: "\n").contains { $0.contains("Compte rendu d'examens") && $0.contains("masqué]") },
                      tmux.screen())

        tmux.send("q")
        try tmux.waitFor("Quitter")
        tmux.send("o")
        try tmux.waitForExit()
    }
}

/// A program running in a detached tmux session on a private tmux server (its own socket),
/// so the test neither meets nor leaves any other session: send keys, read the screen.
final class Tmux {
    let socket = "mes-e2e-\(UUID().uuidString.prefix(8))"
    let session = "e2e"

    init(command: [String], environment: [String: String], size: (Int, Int) = (100, 30)) throws {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let line = (["env"] + assignments + command.map(Self.quote)).joined(separator: " ") + "; sleep 30"
        // The tmux server this starts lives on after the client: it must not inherit pipes a
        // reader would wait on, so this call's output goes nowhere.
        let start = Process()
        start.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        start.arguments = ["-L", socket, "new-session", "-d", "-s", session, "-x", String(size.0), "-y", String(size.1), line]
        start.standardInput = FileHandle.nullDevice
        start.standardOutput = FileHandle.nullDevice
        start.standardError = FileHandle.nullDevice
        try start.run()
        start.waitUntilExit()
    }

    /// Ends the session and its private server.
    func close() { _ = try? run(["kill-server"]) }

    /// Sends tmux key names (`Enter`, `Down`, `Escape`) or literal characters.
    func send(_ keys: String...) { for key in keys { _ = try? run(["send-keys", "-t", session, key]) } }

    func type(_ text: String) { _ = try? run(["send-keys", "-t", session, "-l", text]) }

    func screen() -> String { (try? run(["capture-pane", "-t", session, "-p"])) ?? "" }

    /// Waits until the screen shows `text` (at most `timeout` seconds).
    func waitFor(_ text: String, timeout: TimeInterval = 8, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen().contains(text) { return }
            usleep(50_000)
        }
        XCTFail("the screen never showed \(text):\n\(screen())", file: file, line: line)
        throw TmuxTimeout()
    }

    /// Waits until the program has ended (the pane then only runs the `sleep` after it).
    func waitForExit(timeout: TimeInterval = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let command = (try? run(["display-message", "-p", "-t", session, "#{pane_current_command}"]))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if command == "sleep" { return }
            usleep(50_000)
        }
        XCTFail("mes did not exit")
    }

    private func run(_ arguments: [String]) throws -> String {
        try ProcessRunner.run("/usr/bin/tmux", ["-L", socket] + arguments, timeout: 10).standardOutput
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

struct TmuxTimeout: Error {}
