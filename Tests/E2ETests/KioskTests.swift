import Foundation
import LocalServer
import TestSupport
import XCTest

/// `mes --kiosk` on the Linux console's terminal type at 80x25, against a real `mes-server`:
/// language, login with the one-time code, the visitor's space; and every ending — "Terminer ma
/// session", idle, SIGHUP, SIGTERM, SIGKILL then a new start — leaves nothing of the session in
/// /dev/shm, the temporary directory or HOME, erases the scrollback, and (when the process goes
/// on) shows the next visitor nothing of the previous one. Ctrl-C, Ctrl-Z and Ctrl-\ are keys.
final class KioskTests: XCTestCase {
    /// A demo-seeded server, a kiosk.conf naming it, and a private temporary directory.
    final class Kiosk {
        let directory: TemporaryDirectory
        let server: LocalServer
        let temporary: URL
        let config: URL
        var session: TerminalSession!
        var pid: pid_t = 0

        init(idleSeconds: Int = 600, extraConfig: String = "") throws {
            directory = try TemporaryDirectory(prefix: "mes-kiosk-e2e")
            server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                           dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
            temporary = directory.url.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
            config = directory.url.appendingPathComponent("kiosk.conf")
            let text = """
                # test kiosk
                server = \(server.url.absoluteString)
                idle-seconds = \(idleSeconds)
                warning-seconds = 20
                languages = fr, en
                \(extraConfig)
                """
            try Data(text.utf8).write(to: config)
            try start()
        }

        /// Starts (again) the kiosk process in a new terminal, with the same temporary directory.
        func start() throws {
            session = try TerminalSession(arguments: ["--kiosk", "--kiosk-config", config.path], width: 80, height: 25, term: "linux",
                                          environment: ["LANG": "C.UTF-8", "TMPDIR": temporary.path])
            pid = try session.mesProcessID(timeout: 10)
            try session.startPipingOutput()
            try session.keepScreenAfterExit()
        }

        /// A visitor logs in as the demo holder (French unless told) and sees their space.
        func logIn(language: String = "1", code: String? = nil) throws {
            try session.waitFor("Bienvenue", "Français", "English", timeout: 10)
            try session.send(language)
            try session.waitFor(language == "1" ? "Identifiant" : "Identifier")
            for character in "helene.martineau" { try session.send(String(character)) }
            try session.send("Tab")
            for character in "demo-helene" { try session.send(String(character)) }
            let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
            try? FileManager.default.removeItem(at: otp)
            try session.send("Enter")
            try session.waitFor(language == "1" ? "Code reçu" : "Code received", timeout: 10)
            let sent = try String(contentsOf: otp, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            for character in code ?? sent { try session.send(String(character)) }
            try session.send("Enter")
            if code == nil {
                try session.waitFor("Hélène MARTINEAU", language == "1" ? "F10 Terminer ma session" : "F10 End my session", timeout: 30)
            }
        }

        /// This process's ephemeral vaults in /dev/shm.
        var vaultsInMemory: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix("mes-kiosk-\(pid)-") }
        }

        /// Everything under the kiosk's temporary directory and HOME (folders and files).
        var filesLeft: [String] {
            [temporary, session.home].flatMap { base in
                (FileManager.default.enumerator(atPath: base.path)?.allObjects as? [String] ?? []).map { base.lastPathComponent + "/" + $0 }
            }
        }

        func assertSessionGone(processRuns: Bool, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(vaultsInMemory, [], "no vault left in /dev/shm", file: file, line: line)
            // A running kiosk keeps its (empty) scratch folder for the next visitor.
            let left = filesLeft.filter { !(processRuns && $0.hasPrefix("tmp/mes-scratch-\(pid)-") && !$0.dropFirst(4).contains("/")) }
            XCTAssertEqual(left, [], "nothing of the session in TMPDIR or HOME", file: file, line: line)
        }

        /// The raw output after the session ended erases the scrollback and resets the terminal.
        func assertTerminalErased(file: StaticString = #filePath, line: UInt = #line) {
            let raw = session.pipedBytes(waitingFor: "\u{1B}c")
            XCTAssertNotNil(raw.range(of: Data("\u{1B}[3J".utf8)), "the scrollback-erase sequence was sent", file: file, line: line)
            XCTAssertNotNil(raw.range(of: Data("\u{1B}c".utf8)), "the terminal was reset", file: file, line: line)
        }

        /// The screen and everything tmux kept above it show nothing of the visitor.
        func assertNothingOfTheVisitorShows(file: StaticString = #filePath, line: UInt = #line) throws {
            let everything = try session.screenAndScrollback()
            for trace in ["Hélène", "MARTINEAU", "helene", "Résultats"] {
                XCTAssertFalse(everything.contains(trace), "“\(trace)” still shows:\n\(everything)", file: file, line: line)
            }
        }

        func close() {
            session?.close()
            server.stop()
            directory.remove()
        }
    }

    func testEndMySessionWipesAndWelcomesTheNextVisitor() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn()
        XCTAssertEqual(kiosk.vaultsInMemory.count, 1, "the visitor's vault lives in /dev/shm")
        try kiosk.session.send("2")
        try kiosk.session.waitFor("Résultats de biologie")
        try kiosk.session.send("F10")
        try kiosk.session.waitFor("Session terminée", "Bienvenue", timeout: 10)
        kiosk.assertSessionGone(processRuns: true)
        kiosk.assertTerminalErased()
        try kiosk.assertNothingOfTheVisitorShows()
        XCTAssertEqual(try kiosk.session.mesProcessID(), kiosk.pid, "the same process welcomes the next visitor")
        // The next visitor, in English, sees their own session start clean.
        try kiosk.logIn(language: "2")
        try kiosk.session.send("q")
        try kiosk.session.waitFor("End your session?")
        try kiosk.session.send("y")
        // The welcome starts again in the kiosk's first language, for whoever comes next.
        try kiosk.session.waitFor("Session terminée", "Bienvenue", timeout: 10)
        kiosk.assertSessionGone(processRuns: true)
    }

    func testAWrongOneTimeCodeIsExplained() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn(code: "000000")
        try kiosk.session.waitFor("Ce code n’est pas le bon", "Code reçu", timeout: 10)
        XCTAssertEqual(kiosk.vaultsInMemory, [], "no session opens on a wrong code")
        // Simpler words on request (F2, sent as the Linux console sends it: tmux would send
        // xterm's sequence, which the console's terminfo does not know), on the same screen.
        try kiosk.session.send("-H", "1b", "5b", "5b", "42")
        try kiosk.session.waitFor("Le code", "Écrivez ce code")
    }

    /// Ctrl-C, Ctrl-Z and Ctrl-\ reach the app as keys: the session goes on.
    func testControlKeysAreKeysNotSignals() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn()
        try kiosk.session.send("C-c")
        try kiosk.session.send("C-z")
        try kiosk.session.send("C-\\")
        Thread.sleep(forTimeInterval: 0.5)
        try kiosk.session.waitFor("Hélène MARTINEAU", "F10 Terminer ma session")
        XCTAssertEqual(try kiosk.session.mesProcessID(), kiosk.pid)
        XCTAssertEqual(kiosk.vaultsInMemory.count, 1)
    }

    func testSIGTERMWipesErasesAndEnds() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn()
        kill(kiosk.pid, SIGTERM)
        XCTAssertEqual(try kiosk.session.waitForExit(timeout: 15), 128 + SIGTERM)
        kiosk.assertSessionGone(processRuns: false)
        kiosk.assertTerminalErased()
        try kiosk.assertNothingOfTheVisitorShows()
    }

    func testClosingTheTerminalWipes() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn()
        try kiosk.session.killTerminal()
        try kiosk.session.waitForProcessEnd(kiosk.pid, timeout: 15)
        kiosk.assertSessionGone(processRuns: false)
    }

    func testAfterSIGKILLTheNextStartSweeps() throws {
        let kiosk = try Kiosk()
        defer { kiosk.close() }
        try kiosk.logIn()
        let killed = kiosk.pid
        kill(killed, SIGKILL)
        try kiosk.session.waitForProcessEnd(killed)
        XCTAssertEqual(kiosk.vaultsInMemory.count, 1, "SIGKILL leaves the (unreadable) vault behind")
        kiosk.session.close()
        try kiosk.start()
        try kiosk.session.waitFor("Bienvenue", timeout: 10)
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix("mes-kiosk-\(killed)-") }, [],
                       "the killed kiosk's vault was swept")
        XCTAssertEqual(kiosk.filesLeft.filter { $0.contains("-\(killed)-") }, [], "the killed kiosk's scratch folder was swept")
    }

    /// Idle: a warning of at least 20 seconds that any key extends, then the session ends.
    func testIdleWarnsThenEnds() throws {
        let kiosk = try Kiosk(idleSeconds: 2)
        defer { kiosk.close() }
        try kiosk.logIn()
        try kiosk.session.waitFor("Session inactive", "20 secondes", timeout: 10)
        try kiosk.session.send("x")
        try kiosk.session.waitFor("La session continue.")
        try kiosk.session.waitFor("Session inactive", timeout: 10)
        try kiosk.session.waitFor("Session terminée", "Bienvenue", timeout: 30)
        kiosk.assertSessionGone(processRuns: true)
        kiosk.assertTerminalErased()
        try kiosk.assertNothingOfTheVisitorShows()
    }
}

/// The kiosk's settings file: a missing file, a bad line, a warning shorter than 20 seconds or no
/// server stops `mes --kiosk` before the terminal changes, saying which file and which line.
final class KioskConfigTests: XCTestCase {
    private func kiosk(_ text: String?) throws -> ProcessResult {
        let directory = try TemporaryDirectory(prefix: "mes-kiosk-config")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("kiosk.conf")
        if let text { try Data(text.utf8).write(to: file) }
        return try ProcessRunner.run(BuiltProducts.path("mes"), ["--home", directory.url.appendingPathComponent("home").path, "--kiosk",
                                                                 "--kiosk-config", file.path],
                                     environment: ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil]))
    }

    func testAMissingFileIsExplained() throws {
        let result = try kiosk(nil)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("introuvable"), result.standardError)
    }

    func testABadLineIsNamed() throws {
        let result = try kiosk("server = http://127.0.0.1:1\n# comment\nidle-seconds = soon\n")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("ligne 3"), result.standardError)
        XCTAssertTrue(result.standardError.contains("idle-seconds"), result.standardError)
    }

    func testTheWarningLastsAtLeastTwentySeconds() throws {
        let result = try kiosk("server = http://127.0.0.1:1\nwarning-seconds = 5\n")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("au moins 20 secondes"), result.standardError)
    }

    func testAnUnknownSettingAndAMissingServerAreRefused() throws {
        let unknown = try kiosk("server = http://127.0.0.1:1\ncolour = blue\n")
        XCTAssertTrue(unknown.standardError.contains("réglage inconnu « colour »"), unknown.standardError)
        let noServer = try kiosk("printer = accueil\n")
        XCTAssertEqual(noServer.status, 2)
        XCTAssertTrue(noServer.standardError.contains("serveur"), noServer.standardError)
    }
}
