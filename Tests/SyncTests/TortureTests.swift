import Crypto
import FHIR
import Foundation
import HealthRecord
import LocalServer
@testable import Sync
import TestSupport
import Vault
import XCTest

/// A thousand kills (issue 21): SIGKILL of `mes` during local edits (`mes documents add`),
/// during a push and during a pull (`mes sync`), and of `mes-server` during a sync, each at a
/// random moment after `mes` has unlocked the vault. Then: `mes vault check` is clean, a final
/// `mes sync` exits 0, the vault equals a fresh vault synced from scratch, every edit that
/// completed is on the server exactly once, and nothing half-written is anywhere.
///
/// `MES_TORTURE_KILLS` sets how many kills must land (30 in `make test`; `make torture` asks
/// for 1,000). `MES_TORTURE_SEED` replays a run.
final class TortureTests: XCTestCase {
    enum Phase: String, CaseIterable {
        case edit = "mes during a local edit"
        case push = "mes during a push"
        case pull = "mes during a pull"
        case server = "mes-server during a sync"
    }

    /// A `mes-server` on a fixed loopback port, so the client's stored account reaches it again
    /// after a restart on the same data.
    final class RestartableServer: @unchecked Sendable {
        let data: TemporaryDirectory
        let port: Int
        var process: LocalServer

        init() throws {
            data = try TemporaryDirectory(prefix: "mes-torture-server")
            port = try Self.freePort()
            process = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: data.url,
                                            arguments: ["--seed", "demo", "--lang", "en", "--listen", "127.0.0.1:\(port)"])
        }

        deinit {
            process.stop()
            data.remove()
        }

        var url: URL { process.url }

        func restart() throws {
            process.kill()
            process = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: data.url,
                                            arguments: ["--lang", "en", "--listen", "127.0.0.1:\(port)"])
        }

        func oneTimeCode(for identifier: String) throws -> String {
            try String(contentsOf: data.url.appendingPathComponent("otp/\(identifier).txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
            }
            guard bound else { throw POSIXError(.EADDRINUSE) }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    /// Kill delays that adapt so about half the kills land (the process still running).
    struct Timing {
        var maximum: Double
        mutating func landed(_ landed: Bool) { maximum = min(max(landed ? maximum * 1.15 : maximum * 0.85, 0.002), 3) }
    }

    func testAThousandKills() async throws {
        let wanted = Int(ProcessInfo.processInfo.environment["MES_TORTURE_KILLS"] ?? "") ?? 30
        let seed = UInt64(ProcessInfo.processInfo.environment["MES_TORTURE_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        print("TortureTests: \(wanted) kills wanted, seed \(seed) (MES_TORTURE_SEED=\(seed) replays it)")
        var generator = SeededGenerator(seed: seed)
        let started = ContinuousClock.now

        let server = try RestartableServer()
        let client = try ClientCrashTests.BinaryClient()
        let login = { try await Account.login(server: server.url, identifier: Demo.holder.identifier, password: Demo.holder.password,
                                              oneTimeCode: { try server.oneTimeCode(for: Demo.holder.identifier) }) }
        let account = try await login()
        try client.withVault { try account.save(in: $0) }
        let first = try client.sync()
        XCTAssertEqual(first.status, 0, first.standardError)
        // Another device of the same person writes on the server, so pulls have work to do.
        let other = try TestClient()
        try await login().save(in: other.vault)
        _ = await other.engine.sync()

        let files = try TemporaryDirectory(prefix: "mes-torture-files")
        defer { files.remove() }
        var killsByPhase: [Phase: Int] = [:]
        var attempts: [Phase: Int] = [:]
        var timings: [Phase: Timing] = [.edit: Timing(maximum: 0.05), .push: Timing(maximum: 0.3), .pull: Timing(maximum: 0.3),
                                        .server: Timing(maximum: 0.3)]
        var completedEdits: Set<String> = [], attemptedEdits: [String: Int] = [:]
        var otherEdits = 0
        var editNumber = 0
        var landed = 0

        func editFile(_ title: String) throws -> String {
            let path = files.url.appendingPathComponent("\(title).txt").path
            try Data("Compte rendu \(title)\n".utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        while landed < wanted {
            let phase = Phase.allCases.randomElement(using: &generator)!
            attempts[phase, default: 0] += 1
            let delay = Double.random(in: 0...timings[phase]!.maximum, using: &generator)
            var killed = false
            switch phase {
            case .edit:
                editNumber += 1
                let title = "torture-\(editNumber)"
                let path = try editFile(title)
                attemptedEdits[title] = Data("Compte rendu \(title)\n".utf8).count
                let outcome = try client.run(["documents", "add", path, "--title", title, "--category", "resume"], killAfterUnlock: delay)
                killed = outcome.killed
                if outcome.status == 0 { completedEdits.insert(title) }
            case .push:
                // Something to push: a completed edit made without a kill.
                editNumber += 1
                let title = "torture-\(editNumber)"
                attemptedEdits[title] = Data("Compte rendu \(title)\n".utf8).count
                if try client.run(["documents", "add", try editFile(title), "--title", title, "--category", "resume"], killAfterUnlock: nil).status == 0 {
                    completedEdits.insert(title)
                }
                killed = try client.run(["sync"], killAfterUnlock: delay).killed
            case .pull:
                otherEdits += 1
                let measurement = HealthMeasurement(id: "torture-other-\(otherEdits)", profileID: Demo.holderSpace, type: .weight,
                                                    effective: Date(timeIntervalSince1970: 1_700_000_000 + Double(otherEdits) * 60),
                                                    value: 60 + Double(otherEdits % 30))
                try other.changes.save(measurement)
                _ = await other.engine.sync()
                killed = try client.run(["sync"], killAfterUnlock: delay).killed
            case .server:
                let outcome = try client.run(["sync"], killAfterUnlock: nil, whenUnlocked: { pid in
                    usleep(useconds_t(delay * 1_000_000))
                    guard kill(pid, 0) == 0 else { return false }
                    server.process.kill()
                    return true
                })
                killed = outcome.killed
                try server.restart()
            }
            timings[phase]!.landed(killed)
            if killed {
                landed += 1
                killsByPhase[phase, default: 0] += 1
            }
        }
        // The other device's last edits reach the server.
        _ = await other.engine.sync()

        let report = Phase.allCases.map { "  \($0.rawValue): \(killsByPhase[$0] ?? 0) kills in \(attempts[$0] ?? 0) runs" }
        print("TortureTests: \(landed) kills landed in \(ContinuousClock.now - started)\n" + report.joined(separator: "\n"))
        print("TortureTests: \(completedEdits.count) edits completed, \(attemptedEdits.count - completedEdits.count) killed")

        // The checks.
        let check = try client.run(["vault", "check"], killAfterUnlock: nil)
        XCTAssertEqual(check.status, 0, "vault check after the kills")
        let last = try client.sync()
        XCTAssertEqual(last.status, 0, last.standardError)
        XCTAssertEqual(try client.withVault { try $0.read { try $0.outbox.count() } }, 0)

        let fresh = try TestClient()
        try await login().save(in: fresh.vault)
        let freshReport = await fresh.engine.sync()
        XCTAssertEqual(freshReport.outcome, .complete)
        let local = try client.withVault { try Snapshot.local($0, space: Demo.holderSpace) }
        let scratch = try Snapshot.local(fresh.vault, space: Demo.holderSpace)
        XCTAssertEqual(Set(local.keys), Set(scratch.keys), "the vault differs from one synced from scratch")
        // Dates travel in whole seconds: a record created here keeps its sub-second date until the
        // server's copy comes back, which is not a difference the kills made.
        let differing = scratch.filter { Self.comparable(local[$0.key]) != Self.comparable($0.value) }.map(\.key).sorted()
        XCTAssertTrue(differing.isEmpty, "records differ: \(differing.prefix(10))")
        if let first = differing.first {
            print("TortureTests: local \(local[first].map(\.description) ?? "nil")\n  scratch \(scratch[first].map(\.description) ?? "nil")")
        }

        let documents = scratch.values.compactMap { $0.record as? Document }.filter { $0.title.hasPrefix("torture-") }
        let counts = Dictionary(grouping: documents, by: \.title).mapValues(\.count)
        for title in completedEdits { XCTAssertEqual(counts[title], 1, "\(title) completed: exactly once on the server") }
        for (title, count) in counts {
            XCTAssertEqual(count, 1, "\(title) is on the server \(count) times")
            XCTAssertEqual(documents.first { $0.title == title }?.size, attemptedEdits[title], "\(title) half-written")
        }
        let measurements = scratch.keys.filter { $0.hasPrefix("measurement/torture-other-") }
        XCTAssertEqual(measurements.count, otherEdits, "every edit of the other device arrived once")
        // Contents: each document the binary client imported and kept reads back whole.
        try client.withVault { vault in
            for document in try vault.read({ try $0.documents.all(profile: Demo.holderSpace) }) where document.title.hasPrefix("torture-") {
                guard let content = try vault.read({ try $0.documents.content(of: document.id) }) else { continue }
                XCTAssertEqual(content.bytes.count, document.size, "\(document.title): content half-written")
                XCTAssertEqual(Hex.encode(SHA256.hash(content.bytes)), document.sha256, "\(document.title): content differs")
            }
        }
        XCTAssertEqual(landed, wanted)
    }
}

extension TortureTests {
    /// A record as compared after the kills: dates in whole seconds (the wire's precision; a
    /// record made here, or seeded, may keep sub-second dates locally until its copy comes back).
    static func comparable(_ snapshot: SnapshotRecord?) -> SnapshotRecord? {
        guard let snapshot else { return nil }
        func second(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }
        if var document = snapshot.record as? Document {
            document.creationDate = second(document.creationDate)
            return SnapshotRecord(document)
        }
        if var delegation = snapshot.record as? Delegation {
            delegation.start = second(delegation.start)
            delegation.end = delegation.end.map(second)
            return SnapshotRecord(delegation)
        }
        return snapshot
    }
}

extension ClientCrashTests.BinaryClient {
    struct Outcome {
        var status: Int32
        /// The kill landed: the process was still running and SIGKILL ended it.
        var killed: Bool
    }

    /// Runs `mes ARGUMENTS` on this home. Once it has unlocked the vault (it holds `vault.db`
    /// open), `whenUnlocked` runs, or it is killed after `killAfterUnlock` seconds.
    func run(_ arguments: [String], killAfterUnlock delay: Double?, whenUnlocked: ((pid_t) -> Bool)? = nil) throws -> Outcome {
        let pid = try ChildProcess.spawn(BuiltProducts.path("mes"), arguments + self.arguments)
        var actedOn = false
        if delay != nil || whenUnlocked != nil, Self.waitForUnlock(pid) {
            if let whenUnlocked {
                actedOn = whenUnlocked(pid)
            } else if let delay {
                usleep(useconds_t(delay * 1_000_000))
                actedOn = kill(pid, SIGKILL) == 0
            }
        }
        var status: Int32 = 0
        var result: pid_t = -1
        repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
        let signal = status & 0x7f
        let exitStatus = signal == 0 ? (status >> 8) & 0xff : -1
        let killed = whenUnlocked == nil ? (actedOn && signal == SIGKILL) : actedOn
        return Outcome(status: exitStatus, killed: killed)
    }

    /// Polls the process's open files until `vault.db` is among them (it has unlocked), or it ended.
    static func waitForUnlock(_ pid: pid_t) -> Bool {
        let folder = "/proc/\(pid)/fd"
        for _ in 0..<30_000 {
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
            for descriptor in descriptors {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + descriptor), target.hasSuffix("/vault.db") {
                    return true
                }
            }
            // A zombie (exited, not reaped) has no descriptors left.
            if descriptors.isEmpty { return false }
            usleep(500)
        }
        return false
    }
}
