import FHIR
import Foundation
import Synchronization
import HealthRecord
@testable import Sync
import Vault
import XCTest

/// The server fails in every way the fault switch offers, stalls, and dies mid-sync: the client
/// reports, retries, and ends equal to the server once it is healthy.
final class ServerFaultTests: XCTestCase {
    func testFaultsAreRetriedAndTheSyncEndsConsistent() async throws {
        let server = try TestServer(seed: "synthetic:200", faults: true)
        var options = TestClient.fastOptions
        options.requestTimeout = 1.5
        let client = try TestClient(options: options)
        try await client.login(server)
        // Each fault hits the changes feed, then a push.
        for (index, fault) in ["error", "close", "truncate", "malformed", "stall"].enumerated() {
            try client.changes.save(HealthMeasurement(id: "fault-obs-\(index)", profileID: Demo.holderSpace, type: .heartRate,
                                                      effective: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), value: 70))
            try await server.injectFault(fault, count: 2, path: index % 2 == 0 ? "/Patient/" : "/Observation/", stallSeconds: 2)
            let phases = Mutex<[SyncProgress.Phase]>([])
            let report = await client.engine.sync { progress in phases.withLock { $0.append(progress.phase) } }
            XCTAssertEqual(report.outcome, .complete, "\(fault): \(report)")
            XCTAssertTrue(phases.withLock { $0.contains(.retrying) }, "\(fault): retried")
        }
        try await assertEqual(client, server)
    }

    func testServerKilledOrStoppedMidSyncThenBackLeavesNothingLost() async throws {
        let server = try TestServer(seed: "synthetic:1500")
        var options = TestClient.fastOptions
        options.pageSize = 50
        options.requestTimeout = 1
        options.backoff = Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100), maximumAttempts: 3)
        let client = try TestClient(options: options)
        try await client.login(server)
        try client.changes.save(HealthMeasurement(id: "outage-obs", profileID: Demo.holderSpace, type: .weight,
                                                  effective: Date(timeIntervalSince1970: 1_700_000_000), value: 71.5))

        // Stopped (SIGSTOP) while the sync runs: requests time out; the sync reports offline.
        let stall = Task { try await Task.sleep(for: .milliseconds(50)); server.server.suspend() }
        let stalled = await client.sync()
        try await stall.value
        server.server.resume()
        XCTAssertEqual(stalled.outcome, .offline, "\(stalled)")

        // Killed mid-sync: offline again, then a new server on the same data finishes the job.
        let crash = Task { try await Task.sleep(for: .milliseconds(50)); server.server.kill() }
        let crashed = await client.sync()
        try await crash.value
        XCTAssertNotEqual(crashed.outcome, .complete)
        let restarted = try TestServer(reusing: server)
        try client.vault.write { session in
            var account = try XCTUnwrap(session.settings.value("sync.account", as: Account.self))
            account.server = restarted.url
            try session.settings.set(account, for: "sync.account")
        }
        let healthy = await client.sync()
        XCTAssertEqual(healthy.outcome, .complete, "\(healthy)")
        XCTAssertEqual(try client.vault.read { try $0.outbox.count() }, 0)
        try await assertEqual(client, restarted)
    }

    private func assertEqual(_ client: TestClient, _ server: TestServer, file: StaticString = #filePath, line: UInt = #line) async throws {
        let expected = try await Snapshot.server(server, space: Demo.holderSpace)
        let local = try client.snapshot(space: Demo.holderSpace)
        XCTAssertEqual(Set(local.keys), Set(expected.keys), file: file, line: line)
        XCTAssertTrue(expected.allSatisfy { local[$0.key] == $0.value }, "records differ", file: file, line: line)
    }
}
