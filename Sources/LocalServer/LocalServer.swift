import Foundation
import Synchronization

/// A `mes-server` process on loopback, started by `mes --demo`, the benchmarks and the tests.
///
/// The server prints its URL on the first line of standard output; everything it writes after
/// that is drained (so it never blocks on a full pipe) and the last lines are kept for diagnostics.
/// They stay in memory: nothing is written to disk. The server runs with `--exit-on-stdin-close`
/// and its standard input is a pipe this object holds, so it never outlives the process that
/// started it, even when that one is killed.
public final class LocalServer: @unchecked Sendable {
    // @unchecked: `process` is only used through its thread-safe signalling methods after start.
    public let url: URL
    public let dataDirectory: URL
    private let process: Process
    private let recentOutput: RecentLines
    private let lifeline: Pipe

    public enum StartError: Error, CustomStringConvertible {
        case executableMissing(String)
        case exitedEarly(status: Int32, output: String)
        case noURL(output: String)

        public var description: String {
            switch self {
            case .executableMissing(let path): "mes-server not found at \(path)"
            case .exitedEarly(let status, let output): "mes-server exited with status \(status): \(output)"
            case .noURL(let output): "mes-server printed no URL: \(output)"
            }
        }
    }

    /// The `mes-server` executable next to the running program (they are built and installed together).
    public static func executableBesideThisProgram() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("mes-server").path
    }

    /// Starts `mes-server --data DIR --listen 127.0.0.1:0 [arguments…]` and waits for its URL.
    public static func start(
        executable: String = executableBesideThisProgram(),
        dataDirectory: URL,
        arguments: [String] = [],
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> LocalServer {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw StartError.executableMissing(executable)
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--data", dataDirectory.path, "--listen", "127.0.0.1:0", "--exit-on-stdin-close"] + arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let lifeline = Pipe()
        process.standardInput = lifeline
        try process.run()

        let recent = RecentLines()
        let firstURL = FirstURL()
        let reader = output.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0a) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    if let url = URL(string: line.trimmingCharacters(in: .whitespaces)), url.scheme?.hasPrefix("http") == true {
                        firstURL.offer(url)
                    }
                    recent.append(line)
                }
            }
            firstURL.close()
        }

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let url = firstURL.value {
                return LocalServer(url: url, dataDirectory: dataDirectory, process: process, recentOutput: recent, lifeline: lifeline)
            }
            if !process.isRunning {
                process.waitUntilExit()
                throw StartError.exitedEarly(status: process.terminationStatus, output: recent.text)
            }
            if firstURL.isClosed { break }
            usleep(5_000)
        }
        process.terminate()
        throw StartError.noURL(output: recent.text)
    }

    private init(url: URL, dataDirectory: URL, process: Process, recentOutput: RecentLines, lifeline: Pipe) {
        self.url = url
        self.dataDirectory = dataDirectory
        self.process = process
        self.recentOutput = recentOutput
        self.lifeline = lifeline
    }

    deinit {
        stop()
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// The last lines the server wrote (for a test's failure message).
    public var recentLog: String { recentOutput.text }

    /// The server's exit status once it has stopped.
    public var terminationStatus: Int32 { process.terminationStatus }

    /// Stops gracefully (SIGTERM), then forcefully after `grace`.
    public func stop(grace: Duration = .seconds(5)) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning { kill() }
        process.waitUntilExit()
    }

    /// Kills at once (SIGKILL), as a crash would.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Suspends (SIGSTOP) or resumes (SIGCONT) the server, to simulate a stall.
    public func suspend() { Foundation.kill(process.processIdentifier, SIGSTOP) }
    public func resume() { Foundation.kill(process.processIdentifier, SIGCONT) }
}

/// The first URL line the server printed.
private final class FirstURL: Sendable {
    private let state = Mutex<(url: URL?, closed: Bool)>((nil, false))
    func offer(_ url: URL) { state.withLock { if $0.url == nil { $0.url = url } } }
    func close() { state.withLock { $0.closed = true } }
    var value: URL? { state.withLock { $0.url } }
    var isClosed: Bool { state.withLock { $0.closed } }
}

/// The last lines of a process's output, bounded.
private final class RecentLines: Sendable {
    private let lines = Mutex<[String]>([])
    private let limit = 200

    func append(_ line: String) {
        lines.withLock {
            $0.append(line)
            if $0.count > limit { $0.removeFirst($0.count - limit) }
        }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
