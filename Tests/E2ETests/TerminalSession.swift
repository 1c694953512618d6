import Foundation
import TestSupport
import XCTest

/// The real `mes` binary running inside a private tmux server, driven like a user would.
///
/// Each session has its own tmux socket (`tmux -L`, no configuration file) and its own temporary
/// directory, used as HOME and `--home`, so nothing of the machine's user leaks in or out.
/// `close()` (also run by `deinit`) kills the tmux server and removes the directory.
final class TerminalSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let socket: String
    let directory: URL
    private var closed = false

    var home: URL { directory.appendingPathComponent("home") }
    var rawOutput: URL { directory.appendingPathComponent("raw-output") }
    private var exitCodeFile: URL { directory.appendingPathComponent("exit-code") }

    /// Starts `mes` with `arguments` in a `width`×`height` terminal. `environment` is the child's
    /// whole environment besides PATH, HOME and TERM (default `LANG=C.UTF-8`). With `recordOutput`,
    /// every byte mes writes to the terminal is kept in `rawOutput` (through `script`).
    /// `prepareHome` runs on the home directory before mes starts (to create a vault, settings…).
    init(arguments: [String] = [], width: Int = 80, height: Int = 24, term: String = "screen-256color",
         environment: [String: String] = ["LANG": "C.UTF-8"], recordOutput: Bool = false,
         prepareHome: (URL) throws -> Void = { _ in }) throws {
        socket = "mes-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("home"), withIntermediateDirectories: true)
        try prepareHome(home)
        let binary = try Self.mesBinary()
        let command = ([binary.path, "--home", home.path] + arguments).map(Self.quoted).joined(separator: " ")
        var variables = environment
        variables["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        variables["HOME"] = home.path
        variables["TERM"] = term
        let assignments = variables.sorted { $0.key < $1.key }.map { Self.quoted("\($0.key)=\($0.value)") }.joined(separator: " ")
        let run = recordOutput
            ? "script -q -e -c \(Self.quoted(command)) \(Self.quoted(rawOutput.path))"
            : command
        // The exit code is written once mes has ended: the test reads it from there.
        let script = """
            #!/bin/sh
            env -i \(assignments) sh -c \(Self.quoted(run))
            echo $? > \(Self.quoted(exitCodeFile.path)).partial
            mv \(Self.quoted(exitCodeFile.path)).partial \(Self.quoted(exitCodeFile.path))
            """
        let scriptFile = directory.appendingPathComponent("run.sh")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        try tmux(["new-session", "-d", "-s", "mes", "-x", String(width), "-y", String(height), "sh " + Self.quoted(scriptFile.path)])
    }

    deinit { close() }

    /// Kills the tmux server and removes the session's files. Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        _ = try? tmux(["kill-server"], allowFailure: true)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends keys by tmux name (`Down`, `Escape`, `F1`, `C-l`) or as single characters.
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", socketTarget] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", socketTarget, "-x", String(width), "-y", String(height)])
    }

    /// What the screen shows now.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", socketTarget])
    }

    /// Where the terminal's cursor is (column, row), as tmux sees it.
    func cursor() throws -> (x: Int, y: Int) {
        let text = try tmux(["display-message", "-p", "-t", socketTarget, "#{cursor_x} #{cursor_y}"])
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard numbers.count == 2 else { throw Failure(description: "no cursor position in \(text)") }
        return (numbers[0], numbers[1])
    }

    /// Waits until the screen shows every one of `texts`; returns the screen. Polls, with a timeout.
    @discardableResult
    func waitFor(_ texts: String..., timeout: TimeInterval = 5, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil("\(texts)", timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
    }

    /// Waits until the screen shows every one of `texts` and none of `absent` (a frame drawn
    /// before an effect answered may show the new title over the old rows); returns the screen.
    @discardableResult
    func waitFor(_ texts: String..., without absent: [String], timeout: TimeInterval = 5) throws -> String {
        try waitUntil("\(texts) without \(absent)", timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) } && !absent.contains { screen.contains($0) }
        }
    }

    private func waitUntil(_ description: String, timeout: TimeInterval, _ done: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? screen()) ?? last
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out waiting for \(description); the screen shows:\n\(last)")
    }

    /// Waits for mes to end and returns its exit code.
    func waitForExit(timeout: TimeInterval = 5) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: exitCodeFile, encoding: .utf8),
               let code = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return code
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "mes did not exit within \(timeout) s; the screen shows:\n\((try? screen()) ?? "")")
    }

    /// The process id of `mes` in this session (found in /proc by its `--home`), once it runs.
    func mesProcessID(timeout: TimeInterval = 5) throws -> pid_t {
        let deadline = Date().addingTimeInterval(timeout)
        let binary = try Self.mesBinary().path
        while Date() < deadline {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = pid_t(entry),
                      let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if arguments.first == binary, arguments.contains(home.path) { return pid }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "no mes process for \(home.path)")
    }

    /// Waits until the process `pid` has ended (for endings where the shell around it ends too).
    func waitForProcessEnd(_ pid: pid_t, timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if kill(pid, 0) != 0 && errno == ESRCH { return }
            // A zombie has ended too (its parent, killed with the terminal, will never reap it).
            if let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               status.split(separator: " ").dropFirst(2).first == "Z" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "process \(pid) did not end within \(timeout) s")
    }

    /// Copies every byte the terminal receives from now on into `pipedOutput` (tmux `pipe-pane`).
    func startPipingOutput() throws {
        try tmux(["pipe-pane", "-t", socketTarget, "-o", "cat >> " + Self.quoted(pipedOutput.path)])
    }

    var pipedOutput: URL { directory.appendingPathComponent("piped-output") }

    /// The bytes piped so far, once they contain `marker` (or whatever came within `timeout`).
    func pipedBytes(waitingFor marker: String, timeout: TimeInterval = 3) -> Data {
        let deadline = Date().addingTimeInterval(timeout)
        var raw = Data()
        while Date() < deadline {
            raw = (try? Data(contentsOf: pipedOutput)) ?? Data()
            if raw.range(of: Data(marker.utf8)) != nil { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return raw
    }

    /// On a home with no vault, the first run's welcome shows: Esc goes on to the app without one.
    func lookAroundFirst() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !["Bienvenue dans mes", "Welcome to mes"].contains(where: { ((try? screen()) ?? "").contains($0) }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try send("Escape")
    }

    /// The screen with everything tmux kept above it (the scrollback), oldest first.
    func screenAndScrollback() throws -> String {
        try tmux(["capture-pane", "-p", "-S", "-", "-t", socketTarget])
    }

    /// Keeps the pane, and what it shows, after mes has ended (to read the screen it left).
    func keepScreenAfterExit() throws {
        try tmux(["set-option", "-t", socketTarget, "remain-on-exit", "on"])
    }

    /// Kills the tmux server (the terminal goes away: SIGHUP), keeping the session's files.
    func killTerminal() throws {
        try tmux(["kill-server"], allowFailure: true)
    }

    private var socketTarget: String { "=mes:" }

    @discardableResult
    private func tmux(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let outputFile = directory.appendingPathComponent("tmux-output")
        let status = try Self.spawnAndWait(["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments, output: outputFile)
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        if status != 0 && !allowFailure {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// Runs a program with its output in a file and waits for it (TestSupport's `Spawn`), not
    /// inside the tester's own tmux, if any: this server is private.
    static func spawnAndWait(_ argv: [String], output: URL) throws -> Int32 {
        do {
            return try Spawn.runAndWait(argv, output: output, environment: ProcessInfo.processInfo.environment.filter { $0.key != "TMUX" })
        } catch let failure as Spawn.Failure {
            throw Failure(description: failure.description)
        }
    }

    /// The `mes` executable built beside this test bundle (or `$MES_BINARY`).
    static func mesBinary() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["MES_BINARY"] { return URL(fileURLWithPath: override) }
        var candidates: [URL] = []
        if let bundle = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("mes"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("mes"))
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repository.appendingPathComponent(".build/debug/mes"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
        throw Failure(description: "the mes binary was not found (build it first: swift build); looked in \(candidates.map(\.path))")
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
