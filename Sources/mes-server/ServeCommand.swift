import CLI
import Foundation
import L10n
import Server

/// `mes-server --data DIR --listen ADDRESS:PORT …`: serve until SIGTERM or SIGINT.
enum ServeCommand {
    static let options = [
        OptionSpec("--data", value: "DIR", help: "server.option.data"),
        OptionSpec("--listen", value: "ADDRESS:PORT", help: "server.option.listen"),
        OptionSpec("--seed", value: "demo|synthetic:N", help: "server.option.seed"),
        OptionSpec("--tls-cert", value: "FILE", help: "server.option.tls-cert"),
        OptionSpec("--tls-key", value: "FILE", help: "server.option.tls-key"),
        OptionSpec("--threads", value: "N", help: "server.option.threads"),
        OptionSpec("--max-body-bytes", value: "N", help: "server.option.max-body-bytes"),
        OptionSpec("--timeout", value: "SECONDS", help: "server.option.timeout"),
        OptionSpec("--max-connections", value: "N", help: "server.option.max-connections"),
        OptionSpec("--search-cache", value: "N", help: "server.option.search-cache"),
        OptionSpec("--max-connections-per-address", value: "N", help: "server.option.max-connections-per-address"),
        OptionSpec("--token-ttl", value: "SECONDS", help: "server.option.token-ttl"),
        OptionSpec("--enable-test-clock", help: "server.option.enable-test-clock"),
        OptionSpec("--enable-fault-injection", help: "server.option.enable-fault-injection"),
        OptionSpec("--exit-on-stdin-close", help: "server.option.exit-on-stdin-close"),
        OptionSpec("--remove-data-on-exit", help: "server.option.remove-data-on-exit"),
    ]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let data = arguments.value("--data") else { throw CommandFailure(.usage, tr("server.error.data-required")) }
        let listenText = arguments.value("--listen") ?? "127.0.0.1:8080"
        guard let address = ListenAddress(listenText) else { throw UsageError(.invalidValue(option: "--listen", value: listenText)) }
        let certificate = arguments.value("--tls-cert"), key = arguments.value("--tls-key")
        guard (certificate == nil) == (key == nil) else { throw CommandFailure(.usage, tr("server.error.tls-pair")) }
        if certificate == nil, !address.isLoopback {
            throw CommandFailure(.usage, tr("server.error.tls-required", ["address": address.description]))
        }
        var settings = ServerSettings()
        settings.testClockEnabled = arguments.has("--enable-test-clock")
        settings.faultInjectionEnabled = arguments.has("--enable-fault-injection")
        if let ttl = try number(arguments, "--token-ttl", 1...(30 * 86400)) { settings.tokenLifetime = TimeInterval(ttl) }
        if let entries = try number(arguments, "--search-cache", 0...100_000) { settings.searchCacheEntries = entries }
        let threads = try number(arguments, "--threads", 1...256) ?? max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        let maximumBody = try number(arguments, "--max-body-bytes", 1024...(1 << 30)) ?? (16 << 20)
        let timeout = try number(arguments, "--timeout", 1...3600) ?? 30
        let connections = try number(arguments, "--max-connections", 16...100_000) ?? 4096
        let perAddress = try number(arguments, "--max-connections-per-address", 1...100_000) ?? 64
        var plan: SeedPlan?
        if let seed = arguments.value("--seed") {
            guard let parsed = SeedPlan(seed) else { throw UsageError(.invalidValue(option: "--seed", value: seed)) }
            plan = parsed
        }

        SignalWaiter.install()
        if arguments.has("--exit-on-stdin-close") { SignalWaiter.stopWhenStandardInputCloses() }
        let app = try ServerApp(dataDirectory: URL(fileURLWithPath: data, isDirectory: true), settings: settings)
        if let plan {
            let started = Date()
            try app.seed(plan)
            ServerLog.write(tr("server.log.seeded", ["seconds": String(format: "%.2f", Date().timeIntervalSince(started))]))
        }
        let daemon: HTTPDaemon
        do {
            daemon = try app.start(address: address, tlsKeyFile: key, tlsCertificateFile: certificate, threads: threads,
                                   maximumBodyBytes: maximumBody, idleTimeoutSeconds: timeout,
                                   maximumConnections: connections, maximumConnectionsPerAddress: perAddress)
        } catch ServerApp.ConfigurationError.tlsFileUnreadable(let file) {
            throw CommandFailure(.failure, tr("server.error.tls-unreadable", ["file": file]))
        } catch HTTPDaemon.StartError.tlsUnsupported {
            throw CommandFailure(.failure, tr("server.error.tls-unsupported"))
        } catch HTTPDaemon.StartError.cannotListen(let reason) {
            throw CommandFailure(.failure, tr("server.error.listen-failed", ["address": address.description, "reason": reason]))
        }
        // The first line of standard output is the URL (tests and `mes --demo` read it).
        Console.output(daemon.url)
        ServerLog.write(tr("server.log.listening", ["url": daemon.url]))
        SignalWaiter.wait()
        ServerLog.write(tr("server.log.stopping"))
        daemon.stop()
        app.close()
        if arguments.has("--remove-data-on-exit") {
            try? FileManager.default.removeItem(atPath: data)
        }
        return .success
    }

    private static func number(_ arguments: ParsedArguments, _ option: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = arguments.value(option) else { return nil }
        guard let value = Int(text), range.contains(value) else { throw UsageError(.invalidValue(option: option, value: text)) }
        return value
    }
}
