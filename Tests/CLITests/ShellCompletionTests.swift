import Foundation
import TestSupport
import XCTest

/// The zsh and fish completion scripts `mes completion SHELL` prints, loaded in the real shells
/// (bash's is in CommandLineAgreementTests): they complete commands, subcommands, options,
/// category names and the values a positional argument names. A missing shell is a failure,
/// not a skip: `make test`'s setup installs zsh, fish and tmux (DEBIAN_PACKAGES).
final class ShellCompletionTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory(prefix: "mes-completion") }
    override func tearDown() { directory?.remove() }

    func script(_ shell: String) throws -> String {
        let result = try ProcessRunner.run(BuiltProducts.path("mes"), ["--lang", "en", "completion", shell])
        XCTAssertEqual(result.status, 0, result.standardError)
        return result.standardOutput
    }

    static func installed(_ program: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + program }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: fish

    /// `complete -C LINE` in fish: the candidates (without their descriptions).
    func fish(_ line: String) throws -> [String] {
        let fish = try XCTUnwrap(Self.installed("fish"), "fish is not installed: `make setup` installs it")
        let file = directory.url.appendingPathComponent("mes.fish")
        if !FileManager.default.fileExists(atPath: file.path) { try Data(try script("fish").utf8).write(to: file) }
        let result = try ProcessRunner.run(fish, ["--no-config", "-c", "source \(file.path); complete -C '\(line)'"],
                                           environment: ProcessRunner.environment(["HOME": directory.url.path, "XDG_CONFIG_HOME": nil]))
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardError, "", "the script loads without an error")
        return result.standardOutput.split(separator: "\n").map { String($0.split(separator: "\t", maxSplits: 1).first ?? "") }
    }

    func testFishCompletesCommandsOptionsAndValues() throws {
        XCTAssertEqual(try fish("mes docu"), ["documents"])
        XCTAssertEqual(Set(try fish("mes documents ")), ["list", "search", "show", "add", "mask", "unmask", "export", "delete", "history"])
        XCTAssertTrue(try fish("mes documents list --c").contains("--category"))
        XCTAssertTrue(try fish("mes --space me documents list --js").contains("--json"), "after a global option and its value")
        let categories = try fish("mes documents list --category ")
        XCTAssertTrue(categories.contains("comptes-rendus") && categories.contains("biologie"), "\(categories)")
        XCTAssertTrue(try fish("mes profile add ").contains("blood-group"), "the rubriques RUBRIQUE names")
        XCTAssertEqual(Set(try fish("mes --lang ")), ["fr", "en"])
        XCTAssertTrue(try fish("mes st").contains("status"))
    }

    // MARK: zsh

    /// zsh's completion system, for real: an interactive `zsh -f` in tmux, compinit with the
    /// script in `fpath`, and `compadd` wrapped to write down the matches it is given; each
    /// line is typed and completed with Tab.
    final class ZshSession {
        let socket: String
        let output: URL
        init(directory: URL, script: String) throws {
            let zsh = try XCTUnwrap(ShellCompletionTests.installed("zsh"), "zsh is not installed: `make setup` installs it")
            let tmux = try XCTUnwrap(ShellCompletionTests.installed("tmux"), "tmux is not installed: `make setup` installs it")
            socket = "mes-completion-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            output = directory.appendingPathComponent("matches")
            let functions = directory.appendingPathComponent("functions")
            try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
            try Data(script.utf8).write(to: functions.appendingPathComponent("_mes"))
            let harness = directory.appendingPathComponent("harness.zsh")
            try Data("""
                fpath=(\(functions.path) $fpath)
                autoload -Uz compinit && compinit -u -d \(directory.path)/zcompdump
                compadd() {
                    local -a hits
                    builtin compadd -O hits "$@"
                    print -rl -- $hits >> \(output.path)
                    builtin compadd "$@"
                }
                PROMPT='> '
                print -r -- ready > \(output.path)

                """.utf8).write(to: harness)
            self.tmux = tmux
            try run(["new-session", "-d", "-s", "zsh", "-x", "160", "-y", "40", "\(zsh) -f -i"])
            try run(["send-keys", "-t", "zsh", "source \(harness.path)", "Enter"])
            XCTAssertEqual(try waitForMatches(), ["ready"], "the harness and compinit load")
        }
        private let tmux: String

        /// Runs a tmux client on this test's own server (TestSupport's `Spawn`: the server
        /// `new-session` forks keeps inherited descriptors open, and must not inherit a blocked
        /// signal mask).
        func run(_ arguments: [String]) throws {
            let log = output.deletingLastPathComponent().appendingPathComponent("tmux.log")
            let status = try Spawn.runAndWait([tmux, "-L", socket, "-f", "/dev/null"] + arguments, output: log,
                                              environment: ProcessInfo.processInfo.environment.filter { $0.key != "TMUX" })
            if status != 0 && arguments != ["kill-server"] {
                XCTFail("tmux \(arguments.joined(separator: " ")): \(status) \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
        }

        /// What `compadd` received, once something arrived (waiting at most 20 s).
        func waitForMatches() throws -> [String] {
            let deadline = Date().addingTimeInterval(20)
            var text = ""
            while Date() < deadline {
                text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if !text.isEmpty { usleep(200_000); break }
                usleep(50_000)
            }
            text = (try? String(contentsOf: output, encoding: .utf8)) ?? text
            return text.split(separator: "\n").map(String.init)
        }

        /// Types `line`, presses Tab and returns the matches offered.
        func complete(_ line: String) throws -> [String] {
            try? FileManager.default.removeItem(at: output)
            try run(["send-keys", "-t", "zsh", "C-u", line, "Tab"])
            return try waitForMatches()
        }

        func close() { try? run(["kill-server"]) }
    }

    func testZshCompletesCommandsOptionsAndValues() throws {
        let zsh = try ZshSession(directory: directory.url, script: try script("zsh"))
        defer { zsh.close() }
        XCTAssertEqual(try zsh.complete("mes docu"), ["documents"])
        XCTAssertEqual(Set(try zsh.complete("mes documents ")), ["list", "search", "show", "add", "mask", "unmask", "export", "delete", "history"])
        XCTAssertEqual(try zsh.complete("mes documents list --c"), ["--category"])
        let categories = try zsh.complete("mes documents list --category ")
        XCTAssertTrue(categories.contains("comptes-rendus") && categories.contains("biologie"), "\(categories)")
        XCTAssertTrue(try zsh.complete("mes --space me documents list --js").contains("--json"), "after a global option and its value")
        XCTAssertTrue(try zsh.complete("mes profile add ").contains("blood-group"), "the rubriques RUBRIQUE names")
        XCTAssertEqual(Set(try zsh.complete("mes --lang ")), ["fr", "en"])
    }
}
