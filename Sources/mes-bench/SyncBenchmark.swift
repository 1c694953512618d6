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

        // The vault's own cost is measured by `mes-bench vault`; a cheap key derivation here.
        let vaultDirectory = root.appendingPathComponent("vault")
        let vault = try Vault.create(in: VaultDirectory(vaultDirectory), passphrase: SecureBytes(copying: Array("bench".utf8)),
                                     keyDerivation: .fixed(.minimumForTests)).vault
        defer { vault.close() }
        let identifier = "helene.martineau"
        let account = try await Account.login(server: server.url, identifier: identifier, password: "demo-helene", oneTimeCode: {
            try String(contentsOf: root.appendingPathComponent("server/otp/\(identifier).txt"), encoding: .utf8)
        })
        try account.save(in: vault)
        // Metadata only: contents (fetched by default within a budget per sync) are measured last.
        var options = SyncEngine.Options()
        options.contentBudget = .none
        let engine = SyncEngine(vault: vault, options: options)

        let initial = await engine.sync()
        let profiles = try vault.read { try $0.profiles.count() }
        let stored = try vault.read { try $0.documents.count() }
        print("initial sync: \(format(initial.duration)), \(initial.received) changes, \(stored) documents, \(profiles) profiles, "
              + "\(initial.requests) requests, \(bytes(initial.bytesSent)) sent, \(bytes(initial.bytesReceived)) received "
              + "[\(initial.outcome.rawValue)] budget \(format(initialBudget)): \(initial.duration < initialBudget ? "OK" : "OVER")")

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

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value < 1 ? String(format: "%.1f ms", value * 1000) : String(format: "%.2f s", value)
    }

    static func bytes(_ count: Int) -> String {
        count < 1024 * 1024 ? String(format: "%.1f KiB", Double(count) / 1024) : String(format: "%.1f MiB", Double(count) / 1048576)
    }
}
