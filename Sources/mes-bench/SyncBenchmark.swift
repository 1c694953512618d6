import Crypto
import Foundation
import LocalServer
import Sync
import Synchronization
import Vault

/// `mes-bench sync [DOCUMENTS]`: seeds a local `mes-server` with `synthetic:DOCUMENTS` (10,000 by
/// default: documents' metadata with proportional messages, appointments and measures), then
/// times the initial sync of the demo holder into a fresh vault (contents left on demand) and a
/// sync with nothing new, printing time, requests and bytes against the budgets.
enum SyncBenchmark {
    static let initialBudget: Duration = .seconds(15)
    static let quietBudget: Duration = .milliseconds(100)
    static let quietRequestsPerProfile = 3

    static func run(_ arguments: [String]) throws {
        let documents = arguments.first.flatMap(Int.init) ?? 10_000
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await measure(documents: documents)
                outcome.withLock { $0 = .success(()) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }?.get()
    }

    private static func measure(documents: Int) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-sync-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: root) }

        print("seeding mes-server with synthetic:\(documents)…")
        let clock = ContinuousClock()
        var server: LocalServer?
        let seeding = try clock.measure {
            server = try LocalServer.start(dataDirectory: root.appendingPathComponent("server"), arguments: ["--seed", "synthetic:\(documents)"],
                                           timeout: .seconds(600))
        }
        guard let server else { return }
        defer { server.stop() }
        print("  seeded and listening in \(format(seeding))")

        let identifier = "helene.martineau"
        let account = try await Account.login(server: server.url, identifier: identifier, password: "demo-helene", oneTimeCode: {
            try String(contentsOf: root.appendingPathComponent("server/otp/\(identifier).txt"), encoding: .utf8)
        })
        // Metadata only: contents (fetched by default within a budget per sync) are measured last.
        var options = SyncEngine.Options()
        options.contentBudget = .none

        // The initial sync, 3 times into fresh vaults (the median is reported), each followed by
        // curl fetching the same URLs with the same headers: the wire, in the same run.
        var runs: [(sync: SyncReport, wire: Duration, curl: CurlFetch)] = []
        var kept: (Vault, SyncEngine)?
        for run in 0..<3 {
            // The vault's own cost is measured by `mes-bench vault`; a cheap key derivation here.
            let vault = try Vault.create(in: VaultDirectory(root.appendingPathComponent("vault-\(run)")),
                                         passphrase: SecureBytes(copying: Array("bench".utf8)),
                                         keyDerivation: .fixed(.minimumForTests)).vault
            try account.save(in: vault)
            let recorder = RecordingTransport(server.url)
            let engine = SyncEngine(vault: vault, options: options, transport: { _ in recorder })
            let cpuBefore = processCPUSeconds()
            let report = await engine.sync()
            let cpu = processCPUSeconds() - cpuBefore
            let curl = try CurlFetch.fetch(recorder.requests, in: root)
            runs.append((report, recorder.elapsed, curl))
            print("  run \(run + 1): sync \(format(report.duration)) (\(format(recorder.elapsed)) of it waiting for answers, "
                  + String(format: "%.2f s CPU of this process), ", cpu)
                  + "curl \(format(curl.duration)) for the same \(curl.urls) URLs, load \(BenchSummary.load())")
            if run == 0 { kept = (vault, engine) } else { vault.close() }
        }
        guard let (vault, engine) = kept else { return }
        defer { vault.close() }
        let initial = runs.sorted { $0.sync.duration < $1.sync.duration }[1]
        let curl = runs.map(\.curl).sorted { $0.duration < $1.duration }[1]
        let profiles = try vault.read { try $0.profiles.count() }
        let stored = try vault.read { try $0.documents.count() }
        let perChange = seconds(initial.sync.duration) * 1000 / Double(max(initial.sync.received, 1))
        print("initial sync (median of 3): \(format(initial.sync.duration)), \(initial.sync.received) changes "
              + String(format: "(%.3f ms per change)", perChange) + ", \(stored) documents, \(profiles) profiles, "
              + "\(initial.sync.requests) requests, \(bytes(initial.sync.bytesSent)) sent, \(bytes(initial.sync.bytesReceived)) received "
              + "[\(initial.sync.outcome.rawValue)] budget \(format(initialBudget)): \(initial.sync.duration < initialBudget ? "OK" : "OVER")")
        let ratio = seconds(initial.sync.duration) / max(seconds(curl.duration), 1e-6)
        let bytesRatio = Double(initial.sync.bytesReceived) / Double(max(curl.bytes, 1))
        print("curl, same URLs (median of 3): \(format(curl.duration)), \(bytes(curl.bytes)) received; "
              + String(format: "ratio %.2fx the wire (target 2x), %.2fx the bytes (target 2x)", ratio, bytesRatio))
        BenchSummary.add("initial sync, synthetic:\(documents) (\(initial.sync.requests) requests, \(bytes(initial.sync.bytesReceived)), "
                         + "\(initial.sync.received) changes), load \(BenchSummary.load())",
                         mes: format(initial.sync.duration), anchor: "curl, same URLs: \(format(curl.duration))",
                         ratio: String(format: "%.2fx (bytes %.2fx)", ratio, bytesRatio))
        BenchSummary.add("sync cost per change, synthetic:\(documents)", mes: String(format: "%.3f ms", perChange))

        let quiet = await engine.sync()
        let requestBudget = quietRequestsPerProfile * max(profiles, 1)
        print("no-change sync: \(format(quiet.duration)), \(quiet.received) changes, \(quiet.requests) requests "
              + "(\(String(format: "%.1f", Double(quiet.requests) / Double(max(profiles, 1)))) per profile), "
              + "\(bytes(quiet.bytesSent)) sent, \(bytes(quiet.bytesReceived)) received [\(quiet.outcome.rawValue)] "
              + "budget \(format(quietBudget)) and \(requestBudget) requests: "
              + "\(quiet.duration < quietBudget && quiet.requests <= requestBudget ? "OK" : "OVER")")

        let contents = await SyncEngine(vault: vault).sync()
        let fetched = try vault.read { try $0.documents.idsWithContent(profile: "helene").count }
        print("sync with the default content budget (\(SyncEngine.ContentBudget().documents) documents or "
              + "\(bytes(SyncEngine.ContentBudget().bytes))): \(format(contents.duration)), \(contents.requests) requests, "
              + "\(bytes(contents.bytesReceived)) received, \(fetched) contents of the holder stored [\(contents.outcome.rawValue)]")
    }

    /// User and system CPU time of this process so far: a figure a busy machine disturbs less.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func format(_ duration: Duration) -> String {
        let value = seconds(duration)
        return value < 1 ? String(format: "%.1f ms", value * 1000) : String(format: "%.2f s", value)
    }

    static func bytes(_ count: Int) -> String {
        count < 1024 * 1024 ? String(format: "%.1f KiB", Double(count) / 1024) : String(format: "%.1f MiB", Double(count) / 1048576)
    }
}

/// URLSession underneath, recording each request (URL and headers) and the time spent waiting
/// for answers, so curl can fetch exactly the same.
final class RecordingTransport: Transport {
    struct Recorded: Sendable {
        var url: URL
        var headers: [String: String]
    }

    private let inner: URLSessionTransport
    private let log = Mutex<(requests: [Recorded], elapsed: Duration)>(([], .zero))

    init(_ server: URL) { inner = URLSessionTransport(baseURL: server) }

    var requests: [Recorded] { log.withLock { $0.requests } }
    var elapsed: Duration { log.withLock { $0.elapsed } }

    func send(_ request: BackendRequest) async throws -> BackendResponse {
        let url = try inner.url(for: request)
        let start = ContinuousClock.now
        let response = try await inner.send(request)
        let took = ContinuousClock.now - start
        log.withLock {
            if request.method == "GET" { $0.requests.append(Recorded(url: url, headers: request.headers)) }
            $0.elapsed += took
        }
        return response
    }
}

/// One curl process fetching recorded GETs in order over one connection, as a user would.
/// The headers (the bearer token among them) go through a config file, never argv.
struct CurlFetch {
    var duration: Duration
    var bytes: Int
    var urls: Int

    static func fetch(_ requests: [RecordingTransport.Recorded], in directory: URL) throws -> CurlFetch {
        var config = ""
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        for request in requests {
            config += (config.isEmpty ? "" : "next\n") + "silent\nfail\nurl = \(quoted(request.url.absoluteString))\noutput = \"/dev/null\"\nwrite-out = \"%{size_download}\\n\"\n"
            for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { config += "header = \(quoted("\(name): \(value)"))\n" }
        }
        let file = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).conf")
        guard FileManager.default.createFile(atPath: file.path, contents: Data(config.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CurlError.failed(-1)
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--config", file.path]
        let output = Pipe()
        process.standardOutput = output
        let start = ContinuousClock.now
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let duration = ContinuousClock.now - start
        guard process.terminationStatus == 0 else { throw CurlError.failed(process.terminationStatus) }
        let sizes = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        return CurlFetch(duration: duration, bytes: sizes.reduce(0, +), urls: sizes.count)
    }

    enum CurlError: Error { case failed(Int32) }
}
