import Foundation
import XCTest

/// `mes --demo` ends cleanly however it ends: SIGTERM, SIGINT (Ctrl-C), SIGHUP (the terminal
/// closed), and after SIGKILL the next start sweeps what the killed one left. Clean means: no
/// vault left in /dev/shm, nothing in the temporary directory or in HOME, and the terminal's
/// screen and scrollback erased.
final class DemoEndingsTests: XCTestCase {
    /// A demo in tmux with its own temporary directory, synced and on screen.
    private struct Demo {
        let session: TerminalSession
        let temporary: URL
        let pid: pid_t

        init() throws {
            temporary = FileManager.default.temporaryDirectory.appendingPathComponent("mes-demo-end-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
            session = try TerminalSession(arguments: ["--demo"], environment: ["LANG": "C.UTF-8", "TMPDIR": temporary.path])
            pid = try session.mesProcessID(timeout: 10)
            try session.startPipingOutput()
            try session.keepScreenAfterExit()
            try session.waitFor("Hélène MARTINEAU", "Synchro : à jour", timeout: 40)
        }

        /// The ephemeral vaults of this demo's process still in /dev/shm.
        var vaultsLeft: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix("mes-kiosk-\(pid)-") }
        }

        func assertNothingLeft(file: StaticString = #filePath, line: UInt = #line) throws {
            XCTAssertEqual(vaultsLeft, [], "the ephemeral vault is removed from /dev/shm", file: file, line: line)
            // The server removes its data as it stops; give it a moment.
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, !((try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []).isEmpty {
                Thread.sleep(forTimeInterval: 0.1)
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary.path), [],
                           "nothing of the session in the temporary directory", file: file, line: line)
            let inHome = FileManager.default.enumerator(atPath: session.home.path)?.allObjects as? [String] ?? []
            XCTAssertEqual(inHome, [], "nothing in HOME", file: file, line: line)
        }

        /// The raw output after the session ended erases the scrollback and resets the terminal.
        func assertTerminalErased(file: StaticString = #filePath, line: UInt = #line) throws {
            let raw = session.pipedBytes(waitingFor: "\u{1B}c")
            XCTAssertNotNil(raw.range(of: Data("\u{1B}[3J".utf8)), "the scrollback-erase sequence was sent", file: file, line: line)
            XCTAssertNotNil(raw.range(of: Data("\u{1B}c".utf8)), "the terminal was reset", file: file, line: line)
            let screen = try session.screen()
            XCTAssertFalse(screen.contains("Hélène") || screen.contains("Démonstration"), "the screen shows nothing of the session:\n\(screen)",
                           file: file, line: line)
        }

        func close() {
            session.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    func testSIGTERMWipesAndErases() throws {
        let demo = try Demo()
        defer { demo.close() }
        XCTAssertEqual(demo.vaultsLeft.count, 1, "the demo's vault lives in /dev/shm while it runs")
        kill(demo.pid, SIGTERM)
        XCTAssertEqual(try demo.session.waitForExit(timeout: 15), 128 + SIGTERM)
        try demo.assertNothingLeft()
        try demo.assertTerminalErased()
    }

    func testCtrlCWipesAndErases() throws {
        let demo = try Demo()
        defer { demo.close() }
        try demo.session.send("C-c")
        // Ctrl-C interrupts the whole foreground group, the test's shell too (so no exit code).
        try demo.session.waitForProcessEnd(demo.pid, timeout: 15)
        try demo.assertNothingLeft()
        try demo.assertTerminalErased()
    }

    func testClosingTheTerminalWipes() throws {
        let demo = try Demo()
        defer { demo.close() }
        try demo.session.killTerminal()
        try demo.session.waitForProcessEnd(demo.pid, timeout: 15)
        try demo.assertNothingLeft()
    }

    func testQuittingErasesTheScrollback() throws {
        let demo = try Demo()
        defer { demo.close() }
        try demo.session.send("q")
        try demo.session.waitFor("Quitter mes ?")
        try demo.session.send("o")
        XCTAssertEqual(try demo.session.waitForExit(timeout: 15), 0)
        try demo.assertNothingLeft()
        try demo.assertTerminalErased()
    }

    /// SIGKILL cannot be caught: the vault and scratch folder stay until the next demo starts,
    /// which removes them (their process is gone); the server removed its own data.
    func testAfterSIGKILLTheNextStartSweeps() throws {
        let first = try Demo()
        defer { first.close() }
        kill(first.pid, SIGKILL)
        try first.session.waitForProcessEnd(first.pid)
        XCTAssertEqual(first.vaultsLeft.count, 1, "SIGKILL leaves the (unreadable) vault files behind")
        let second = try TerminalSession(arguments: ["--demo"], environment: ["LANG": "C.UTF-8", "TMPDIR": first.temporary.path])
        defer { second.close() }
        let secondPID = try second.mesProcessID(timeout: 10)
        try second.waitFor("Hélène MARTINEAU", timeout: 40)
        XCTAssertEqual(first.vaultsLeft, [], "the killed demo's vault was swept")
        let left = try FileManager.default.contentsOfDirectory(atPath: first.temporary.path)
        XCTAssertTrue(left.allSatisfy { $0.contains("-\(secondPID)-") }, "only the running demo's folders are left: \(left)")
    }
}
