import Crypto
import Foundation
import L10n
import LocalServer
import Vault

/// `mes-bench start [N]`: start → first useful frame, `mes` beside neomutt on the same number of
/// items (issue 20, item 3). Both run in a private tmux server at 80x24; the clock runs from
/// spawning the program to the first capture of the pane that shows the list:
/// - `mes --home H` on a vault of `synthetic:N` synced (unlocked by `mes unlock`, as a user who
///   scripts), the Documents key typed as soon as the shell shows, until the Documents list is drawn;
/// - `neomutt -f MAILDIR` on a maildir of N messages, until its index says it holds N messages.
/// neomutt is a bench-only package (`make bench` installs it; `make test` never needs it).
enum StartBenchmark {
    static let runs = 5

    static func run(_ arguments: [String]) throws {
        let count = arguments.first.flatMap(Int.init) ?? 10_000
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-start-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        let tmux = Tmux(socket: "mes-bench-\(getpid())", scratch: workspace)
        defer { tmux.killServer() }
        print("mes-bench start: start → first useful frame at 80x24 in tmux, \(count) items, median of \(runs)")

        // mes: a vault synced from a local server, its key left in the session by `mes unlock`.
        let server = try LocalServer.start(dataDirectory: workspace.appendingPathComponent("server"), arguments: ["--seed", "synthetic:\(count)"],
                                           timeout: .seconds(600))
        defer { server.stop() }
        let home = workspace.appendingPathComponent("home")
        let passphrase = workspace.appendingPathComponent("passphrase")
        try Data("benchmark\n".utf8).write(to: passphrase)
        let (vault, _) = try Vault.create(in: VaultDirectory(home), passphrase: SecureBytes(copying: Array("benchmark".utf8)),
                                          keyDerivation: .fixed(.interactive))
        _ = try DocumentsBenchmark.blocking { try await DocumentsBenchmark.syncHolder(server: server, vault: vault) }
        vault.close()
        let mes = URL(fileURLWithPath: LocalServer.executableBesideThisProgram()).deletingLastPathComponent().appendingPathComponent("mes").path
        guard try StatusBenchmark.runQuietly(mes, ["unlock", "--home", home.path, "--passphrase-file", passphrase.path, "--minutes", "10"]) == 0 else {
            throw BenchmarkFailure("mes unlock failed")
        }
        defer { _ = try? StatusBenchmark.runQuietly(mes, ["lock", "--home", home.path]) }
        Localizer.shared.setLanguage(.french)
        let listed = tr("documents.category.all")
        var mesTimes: [Duration] = []
        for _ in 0..<runs {
            mesTimes.append(try tmux.timeUntil(command: [mes, "--home", home.path, "--lang", "fr"], typeAhead: "2", readyText: "Accueil",
                                               environment: [:]) { $0.contains(listed) })
            tmux.killServer()
        }
        let mesMedian = DocumentsBenchmark.median(mesTimes)
        print("  mes: start → Documents drawn (\(count) documents): \(DocumentsBenchmark.summary(mesTimes)), load \(BenchSummary.load())")

        guard let neomutt = ["/usr/bin/neomutt", "/usr/local/bin/neomutt"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("  neomutt: not installed (make bench installs it), no anchor")
            BenchSummary.add("start → Documents drawn, \(count) documents, load \(BenchSummary.load())", mes: DocumentsBenchmark.format(mesMedian),
                             anchor: "neomutt not installed", ratio: "—")
            return
        }
        let maildir = workspace.appendingPathComponent("Mail")
        try writeMaildir(maildir, count: count)
        let muttrc = workspace.appendingPathComponent("muttrc")
        try Data("set header_cache = \"\"\nset mbox_type = Maildir\nset sort = date\n".utf8).write(to: muttrc)
        var muttTimes: [Duration] = []
        for _ in 0..<runs {
            muttTimes.append(try tmux.timeUntil(command: [neomutt, "-n", "-F", muttrc.path, "-f", maildir.path], typeAhead: nil,
                                                environment: ["HOME": workspace.path]) { $0.contains("Msgs:\(count)") || $0.contains("Msgs: \(count)") })
            tmux.killServer()
        }
        let muttMedian = DocumentsBenchmark.median(muttTimes)
        print("  neomutt: start → index of \(count) messages: \(DocumentsBenchmark.summary(muttTimes)), load \(BenchSummary.load())")
        let ratio = DocumentsBenchmark.milliseconds(mesMedian) / DocumentsBenchmark.milliseconds(muttMedian)
        print(String(format: "  ratio mes / neomutt: %.2fx (target 0.5x)", ratio))
        BenchSummary.add("start → first useful frame, \(count) items, 80x24, load \(BenchSummary.load())", mes: DocumentsBenchmark.format(mesMedian),
                         anchor: "neomutt → index: \(DocumentsBenchmark.format(muttMedian))", ratio: String(format: "%.2fx (target 0.5x)", ratio))
    }

    /// A maildir of `count` plain messages in `cur/`, dated a day apart.
    static func writeMaildir(_ directory: URL, count: Int) throws {
        for folder in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        for index in 0..<count {
            let date = formatter.string(from: Date(timeIntervalSince1970: 1_600_000_000 + Double(index) * 86_400 / 4))
            let text = "From: Dr Lefèvre <cabinet\(index % 50)@example.org>\nTo: helene@example.org\nSubject: Compte rendu \(index)\n"
                + "Date: \(date)\nMessage-ID: <\(index)@bench>\n\nBonjour,\nvoici le compte rendu \(index).\n"
            try Data(text.utf8).write(to: directory.appendingPathComponent("cur/\(1_600_000_000 + index).\(index).bench:2,S"))
        }
    }
}

/// A private tmux server for the benchmark (its own socket; killed at the end, and only it),
/// driven through the kiosk benchmark's posix_spawn runner.
struct Tmux {
    let inner: KioskBenchmark.Tmux

    init(socket: String, scratch: URL) { inner = KioskBenchmark.Tmux(socket: socket, scratch: scratch) }

    func killServer() { inner.kill() }

    /// Spawns `command` in a new 80x24 session, types `typeAhead` once `readyText` shows, and polls the pane
    /// until `done` holds for its text: the time from the spawn to that capture.
    func timeUntil(command: [String], typeAhead: String?, readyText: String? = nil, environment: [String: String],
                   timeout: Duration = .seconds(30), done: (String) -> Bool) throws -> Duration {
        let exports = environment.map { "\($0.key)=\(shellQuoted($0.value))" }.joined(separator: " ")
        let line = "exec env TERM=xterm-256color \(exports) " + command.map(shellQuoted).joined(separator: " ")
        // A server killed just before may still be going away ("server exited unexpectedly"):
        // tried again a few times.
        var start = ContinuousClock.now
        var started = false
        for attempt in 0..<10 where !started {
            if attempt > 0 { usleep(100_000) }
            start = ContinuousClock.now
            let said = try inner.run(["new-session", "-d", "-x", "80", "-y", "24", "-s", "bench", line])
            started = said.isEmpty
        }
        guard started else { throw BenchmarkFailure("tmux did not start \(command[0])") }
        var typed = typeAhead == nil
        while ContinuousClock.now - start < timeout {
            let pane = try capture()
            if done(pane) { return ContinuousClock.now - start }
            // The key is typed as soon as the program shows its first frame (a terminal that
            // starts discards what was typed before it).
            if !typed, let typeAhead, let ready = readyText, pane.contains(ready) {
                try inner.run(["send-keys", "-t", "bench", "-l", typeAhead])
                typed = true
            }
            usleep(5_000)
        }
        throw BenchmarkFailure("\(command[0]) drew nothing useful in \(timeout):\n\(try capture())")
    }

    func capture() throws -> String { try inner.run(["capture-pane", "-p", "-t", "bench"]) }

    func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// `mes-bench status`: 10 `mes status` in a row on a vault made by `mes vault init` (its own
/// calibrated key derivation), without the agent (passphrase file) and after `mes unlock`.
enum StatusBenchmark {
    static let commands = 10

    static func run(_ arguments: [String]) throws {
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-status-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        let mes = URL(fileURLWithPath: LocalServer.executableBesideThisProgram()).deletingLastPathComponent().appendingPathComponent("mes").path
        let home = workspace.appendingPathComponent("home").path
        let passphrase = workspace.appendingPathComponent("passphrase").path
        try Data("phrase de banc d'essai\n".utf8).write(to: URL(fileURLWithPath: passphrase))
        guard try runQuietly(mes, ["vault", "init", "--home", home, "--passphrase-file", passphrase]) == 0 else { throw BenchmarkFailure("vault init failed") }
        let without = try ContinuousClock().measure {
            for _ in 0..<commands {
                guard try runQuietly(mes, ["status", "--home", home, "--passphrase-file", passphrase]) == 0 else { throw BenchmarkFailure("status failed") }
            }
        }
        guard try runQuietly(mes, ["unlock", "--home", home, "--passphrase-file", passphrase, "--minutes", "5"]) == 0 else {
            throw BenchmarkFailure("unlock failed (no kernel keyring?)")
        }
        defer { _ = try? runQuietly(mes, ["lock", "--home", home]) }
        let with = try ContinuousClock().measure {
            for _ in 0..<commands {
                guard try runQuietly(mes, ["status", "--home", home]) == 0 else { throw BenchmarkFailure("status with the agent failed") }
            }
        }
        let load = BenchSummary.load()
        print("mes-bench status: \(commands) × mes status, vault from mes vault init: without the agent \(SyncBenchmark.format(without)), "
              + "after mes unlock \(SyncBenchmark.format(with)), load \(load)")
        BenchSummary.add("\(commands) × mes status (vault from mes vault init), load \(load)", mes: "after mes unlock: \(SyncBenchmark.format(with))",
                         anchor: "passphrase each time: \(SyncBenchmark.format(without))",
                         ratio: BenchSummary.ratio(SyncBenchmark.seconds(with), SyncBenchmark.seconds(without)))
    }

    /// Runs a program with its output discarded; its exit status.
    @discardableResult
    static func runQuietly(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
