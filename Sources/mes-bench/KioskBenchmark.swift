import ChildProcess
import Foundation
import LocalServer

/// `mes-bench kiosk [VISITORS]`: one `mes --kiosk` process (the `mes` built beside this program)
/// in a private tmux terminal at 80x25 (TERM=linux), against a local demo `mes-server`, serves
/// VISITORS visitors (50 by default) one after the other: each chooses French, logs in with the
/// one-time code, opens the Documents section, and ends with "Terminer ma session". Prints the
/// process's peak resident memory (VmHWM) and current (VmRSS) after visitors 1, 10 and the last,
/// and checks that each visitor's welcome shows nothing of the previous one.
enum KioskBenchmark {
    static func run(_ arguments: [String]) throws {
        let visitors = arguments.first.flatMap(Int.init) ?? 50
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-kiosk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try LocalServer.start(dataDirectory: root.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        defer { server.stop() }
        let config = root.appendingPathComponent("kiosk.conf")
        try Data("server = \(server.url.absoluteString)\nlanguages = fr, en\n".utf8).write(to: config)
        let mes = URL(fileURLWithPath: LocalServer.executableBesideThisProgram()).deletingLastPathComponent().appendingPathComponent("mes")
        let home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false)
        let terminal = Tmux(socket: "mes-bench-kiosk-\(getpid())", scratch: root)
        defer { terminal.kill() }
        let command = "env -i HOME=\(home.path) TERM=linux LANG=C.UTF-8 PATH=/usr/bin:/bin TMPDIR=\(root.path) "
            + "\(mes.path) --home \(home.path) --kiosk --kiosk-config \(config.path)"
        try terminal.run(["new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "25", command])
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        print("mes --kiosk: \(visitors) visitors in one process (80x25, TERM=linux)")
        func row(_ cells: [String]) -> String {
            zip(cells, [8, 12, 12, 8]).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: "  ")
        }
        print(row(["visitor", "VmHWM", "VmRSS", "seconds"]))
        var pid: pid_t?
        let start = Date()
        for visitor in 1...visitors {
            let began = Date()
            let welcome = try terminal.waitFor(["Bienvenue", "Français"])
            if visitor > 1, welcome.contains("Hélène") || welcome.contains("MARTINEAU") {
                throw BenchmarkFailure("visitor \(visitor)'s welcome shows the previous visitor's name")
            }
            pid = pid ?? processID(of: mes.path, home: home.path)
            try terminal.keys(["1"])
            try terminal.waitFor(["Identifiant"])
            try? FileManager.default.removeItem(at: otp)
            try terminal.keys(["-l", "helene.martineau"])
            try terminal.keys(["Tab"])
            try terminal.keys(["-l", "demo-helene"])
            try terminal.keys(["Enter"])
            try terminal.waitFor(["Code reçu"])
            let code = try String(contentsOf: otp, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            try terminal.keys(["-l", code])
            try terminal.keys(["Enter"])
            try terminal.waitFor(["Hélène MARTINEAU", "F10 Terminer ma session"], timeout: 60)
            try terminal.keys(["2"])
            try terminal.waitFor(["Résultats de biologie"])
            try terminal.keys(["F10"])
            try terminal.waitFor(["Session terminée"])
            if [1, 10, visitors].contains(visitor), let pid {
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                func field(_ name: String) -> String {
                    status.split(separator: "\n").first { $0.hasPrefix(name + ":") }?.dropFirst(name.count + 1)
                        .trimmingCharacters(in: .whitespaces) ?? "?"
                }
                print(row([String(visitor), field("VmHWM"), field("VmRSS"), String(format: "%.1f", Date().timeIntervalSince(began))]))
            }
        }
        print(String(format: "total %.1f s for %d visitors", Date().timeIntervalSince(start), visitors))
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { name in
            pid.map { name.hasPrefix("mes-kiosk-\($0)-") } ?? false
        }
        print("vaults left in /dev/shm while the welcome shows: \(leftovers.count)")
    }

    private static func processID(of binary: String, home: String) -> pid_t? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first == binary, arguments.contains(home) { return pid }
        }
        return nil
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A private tmux server, driven with posix_spawn (tmux's forked server keeps inherited
    /// descriptors open, which Foundation's Process would wait on).
    struct Tmux {
        let socket: String
        let scratch: URL

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let output = scratch.appendingPathComponent("tmux-output")
            let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
            do {
                _ = try Spawn.runAndWait(argv, output: output, environment: ProcessInfo.processInfo.environment.filter { $0.key != "TMUX" })
            } catch {
                throw BenchmarkFailure("cannot start tmux")
            }
            return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }

        func keys(_ keys: [String]) throws {
            try run(["send-keys", "-t", "=kiosk:"] + keys)
        }

        @discardableResult
        func waitFor(_ texts: [String], timeout: TimeInterval = 20) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var screen = ""
            while Date() < deadline {
                screen = try run(["capture-pane", "-p", "-t", "=kiosk:"])
                if texts.allSatisfy({ screen.contains($0) }) { return screen }
                Thread.sleep(forTimeInterval: 0.02)
            }
            throw BenchmarkFailure("timed out waiting for \(texts); the screen shows:\n\(screen)")
        }

        func kill() {
            _ = try? run(["kill-server"])
        }
    }
}
