import FHIR
import Foundation
import HealthRecord
@testable import Sync
import Vault
import XCTest

/// Answers the client did not expect must not cost local data: an account answer without its
/// spaces (a proxy's page, a server hiccup), a resource in a form mes cannot read.
final class OddAnswerTests: XCTestCase {
    /// Passes everything to the real server, except that `/auth/me` answers `{}`.
    struct SpacelessAccountAnswer: Transport {
        let inner: URLSessionTransport

        func send(_ request: BackendRequest) async throws -> BackendResponse {
            guard request.path == API.Path.me else { return try await inner.send(request) }
            return BackendResponse(status: 200, headers: ["Content-Type": "application/fhir+json"], body: Data("{}".utf8))
        }
    }

    /// The demo server and a client logged in as the holder, after a complete first sync.
    func syncedClient(file: StaticString = #filePath, line: UInt = #line) async throws -> (TestServer, TestClient) {
        let server = try TestServer()
        let client = try TestClient()
        try await client.login(server)
        let first = await client.sync()
        XCTAssertEqual(first.outcome, .complete, "\(String(describing: first.stopReason))", file: file, line: line)
        return (server, client)
    }

    func testAnAnswerWithoutSpacesKeepsEverySpaceAndTheUnsentEdits() async throws {
        let (server, client) = try await syncedClient()
        let profilesBefore = try client.vault.read { try $0.profiles.all().map(\.id) }.sorted()
        XCTAssertEqual(profilesBefore, [Demo.childSpace, Demo.holderSpace].sorted())
        let measurement = HealthMeasurement(id: "unsent-weight", profileID: Demo.holderSpace, type: .weight,
                                            effective: Date(timeIntervalSince1970: 1_700_000_000), value: 64)
        try client.changes.save(measurement)

        let engine = SyncEngine(vault: client.vault, options: TestClient.fastOptions) { url in
            SpacelessAccountAnswer(inner: URLSessionTransport(baseURL: url))
        }
        let report = await engine.sync()
        XCTAssertNotEqual(report.outcome, .complete)
        XCTAssertEqual(report.stopReason?.code, "protocol")
        let profilesAfter = try client.vault.read { try $0.profiles.all().map(\.id) }.sorted()
        XCTAssertEqual(profilesAfter, profilesBefore, "the vault forgot its spaces")
        XCTAssertNotNil(try client.find(HealthMeasurement.self, "unsent-weight"), "an unsent edit was lost")
        XCTAssertTrue(try client.changes.isPending(.measurement, id: "unsent-weight"))

        // With the real answer, the edit goes.
        XCTAssertTrue(server.server.isRunning)
        let healthy = await client.sync()
        XCTAssertEqual(healthy.outcome, .complete, "\(String(describing: healthy.stopReason))")
        XCTAssertFalse(try client.changes.isPending(.measurement, id: "unsent-weight"))
    }

    func testAVersionTheClientCannotReadKeepsTheLocalCopy() async throws {
        let (server, client) = try await syncedClient()
        let measurement = try XCTUnwrap(try client.vault.read { try $0.records(HealthMeasurement.self).all(profile: Demo.holderSpace).first })

        // Another device writes a form of it mes cannot read (no effectiveDateTime).
        let token = try XCTUnwrap(try Account.stored(in: client.vault)).token
        let transport = URLSessionTransport(baseURL: server.url)
        let path = "/Observation/\(measurement.id)"
        let current = try await transport.send(BackendRequest(path: path, headers: ["Authorization": "Bearer \(token)"]))
        var resource = try JSON(parsing: Array(current.body))
        resource["effectiveDateTime"] = nil
        let written = try await transport.send(BackendRequest(method: "PUT", path: path, headers: [
            "Authorization": "Bearer \(token)", "Content-Type": "application/fhir+json",
            "If-Match": current.header("ETag") ?? "",
        ], body: Data(resource.serialized())))
        XCTAssertEqual(written.status, 200)

        _ = await client.sync()
        XCTAssertEqual(try client.find(HealthMeasurement.self, measurement.id), measurement, "the local copy was dropped")
    }
}
