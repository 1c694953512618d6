import Foundation

/// A program of the system that mes hands content to through pipes (`pdftotext`, `lp`): the
/// content goes to its standard input and never to a file, so health data does not touch the
/// disk in clear. No shell is involved; arguments are passed as a list.
struct ExternalTool: Sendable {
    let path: String

    /// The program `name` on `PATH` (or in the usual directories), if installed.
    static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> ExternalTool? {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        for directory in directories where directory.hasPrefix("/") {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return ExternalTool(path: candidate) }
        }
        return nil
    }

    struct Result: Sendable {
        var status: Int32
        var output: [UInt8]
        var errorOutput: [UInt8]
    }

    enum Failure: Error, Equatable {
        case couldNotStart
        case timedOut
    }

    /// Runs the program with `input` on its standard input; waits at most `timeout` seconds,
    /// then kills it. Standard output and error are collected in memory (at most `outputLimit` bytes).
    func run(_ arguments: [String], input: [UInt8], timeout: TimeInterval = 20, outputLimit: Int = 16 << 20,
             environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch { throw Failure.couldNotStart }

        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            group.enter()
            DispatchQueue.global().async {
                var data = [UInt8]()
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    if data.count < outputLimit { data += chunk.prefix(outputLimit - data.count) }
                }
                collected.store(data, isError: isError)
                group.leave()
            }
        }
        // Feed the input from another thread: the program may write before it has read it all.
        let writer = stdin.fileHandleForWriting
        group.enter()
        DispatchQueue.global().async {
            signal(SIGPIPE, SIG_IGN)
            try? writer.write(contentsOf: input)
            try? writer.close()
            group.leave()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = group.wait(timeout: .now() + 2)
            throw Failure.timedOut
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, output: collected.output, errorOutput: collected.error)
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (output: [UInt8], error: [UInt8]) = ([], [])

    func store(_ data: [UInt8], isError: Bool) {
        lock.lock(); defer { lock.unlock() }
        if isError { stored.error = data } else { stored.output = data }
    }

    var output: [UInt8] { lock.lock(); defer { lock.unlock() }; return stored.output }
    var error: [UInt8] { lock.lock(); defer { lock.unlock() }; return stored.error }
}
