import FHIR
import Foundation
import HealthRecord
@testable import Sync
import Vault
import XCTest

/// A fresh sync of the demo seed over real HTTP, then a sync with nothing new.
final class DemoSyncTests: XCTestCase {
    func testFreshSyncBringsEveryResourceAndASecondSyncTransfersNothing() async throws {
        let server = try TestServer()
        let client = try TestClient()
        try await client.login(server)

        let first = await client.sync()
        XCTAssertEqual(first.outcome, .complete, "\(first)")
        XCTAssertGreaterThan(first.received, 150)
        for space in [Demo.holderSpace, Demo.childSpace] {
            let expected = try await Snapshot.server(server, space: space)
            let local = try client.snapshot(space: space)
            XCTAssertEqual(Set(local.keys), Set(expected.keys), "records of \(space)")
            for (key, value) in expected where local[key] != value {
                XCTFail("\(key) differs:\nlocal  \(local[key].map(String.init(describing:)) ?? "-")\nserver \(value)")
            }
        }
        // Every kind of the demo world arrived, with the profile's relation to the account.
        let holder = try XCTUnwrap(client.find(Profile.self, Demo.holderSpace))
        XCTAssertEqual(holder.relation, .own)
        XCTAssertEqual(try client.find(Profile.self, Demo.childSpace)?.relation, .child)
        XCTAssertEqual(holder.ins?.system, CodeSystem.insDemo)
        XCTAssertEqual(try client.vault.read { try $0.records(EmergencyContact.self).count(profile: Demo.holderSpace) }, 2)
        let pressure = try XCTUnwrap(client.find(HealthMeasurement.self, "obs-bp-0"))
        XCTAssertEqual(pressure.type, .bloodPressure)
        XCTAssertEqual(pressure.components.map(\.loinc), ["8480-6", "8462-4"])
        let masked = try XCTUnwrap(client.find(Document.self, "doc-cardio-psy"))
        XCTAssertEqual(masked.visibility, [.maskedFromProfessionals])
        XCTAssertNil(try client.find(Document.self, "doc-attente"), "INVISIBLE_PATIENT stays on the server")
        let thread = try XCTUnwrap(client.find(MessageThread.self, "msg-gp"))
        XCTAssertEqual(thread.subject, "Résultats de votre bilan")
        XCTAssertEqual(thread.participants.count, 2)
        XCTAssertNotNil(try client.find(Delegation.self, "delegation-julien"))
        XCTAssertEqual(try client.vault.read { try $0.records(CareHistoryEntry.self).count() }, 12)

        // Nothing new: one request for the spaces, one per space, and no change applied.
        let second = await client.sync()
        XCTAssertEqual(second.outcome, .complete)
        XCTAssertEqual(second.received, 0)
        XCTAssertEqual(second.sent, 0)
        XCTAssertEqual(second.requests, 3)
        XCTAssertLessThan(second.bytesReceived, 2_000)

        // Contents on demand: fetched, verified against size and SHA-256, stored.
        let content = try await client.engine.fetchContent(of: "doc-ordonnance")
        XCTAssertTrue(content.extractedText?.contains("Amlodipine") == true)
        XCTAssertEqual(try client.vault.read { try $0.documents.content(of: "doc-ordonnance") }?.bytes, content.bytes)
    }

    /// The sync base of each record is its resource exactly as the feed carried it (issue 20:
    /// kept from the page, not serialized again), and reads back as the server's resource.
    func testEachSyncBaseIsTheResourceAsTheFeedCarriedIt() async throws {
        let server = try TestServer()
        let client = try TestClient()
        try await client.login(server)
        let report = await client.sync()
        XCTAssertEqual(report.outcome, .complete)
        let account = try await Account.login(server: server.url, identifier: Demo.holder.identifier, password: Demo.holder.password,
                                              oneTimeCode: { try server.oneTimeCode(for: Demo.holder.identifier) })
        let transport = URLSessionTransport(baseURL: server.url)
        var checked = 0
        for space in [Demo.holderSpace, Demo.childSpace] {
            let response = try await transport.send(BackendRequest(path: API.Path.changes(patient: space), query: [("_count", "1000")],
                                                                   headers: ["Authorization": "Bearer \(account.token)"]))
            let (json, kept) = try JSON.parse(Array(response.body), keepingBytesOf: "resource", in: "changes")
            let page = try API.ChangesPage(json: json, resourceBytes: kept)
            XCTAssertFalse(page.more)
            for change in page.changes {
                guard let resource = change.resource, let primary = try RecordMapping.decode(resource).first else { continue }
                let base = try client.vault.read { try $0.syncState.base(kind: AnyRecord.kind(of: primary), recordID: change.id) }
                XCTAssertEqual(base?.versionID, change.versionId, change.reference)
                XCTAssertEqual(base?.payload, change.resourceBytes, change.reference)
                XCTAssertEqual(try base.map { try Resource(parsing: $0.payload) }, resource, change.reference)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testAnExpiredTokenPausesSyncAndKeepsTheOutboxUntilTheNextLogin() async throws {
        // The server's clock moves past the token's life (a sleep against a one-second life
        // raced the next sync on a loaded machine).
        let server = try TestServer(extra: ["--token-ttl", "600", "--enable-test-clock"])
        let client = try TestClient()
        try await client.login(server)
        try client.changes.save(HealthMeasurement(id: "expiry-obs", profileID: Demo.holderSpace, type: .weight,
                                                  effective: Date(timeIntervalSince1970: 1_700_000_000), value: 70))
        let advance: JSON = ["advanceSeconds": 601]
        let moved = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(method: "POST", path: "/_test/clock",
                                                                                         body: Data(advance.serialized())))
        XCTAssertEqual(moved.status, 200)
        let expired = await client.sync()
        XCTAssertEqual(expired.outcome, .unauthorized)
        XCTAssertEqual(expired.pending, 1, "the outbox is kept")
        try await client.login(server)
        let resumed = await client.sync()
        XCTAssertEqual(resumed.outcome, .complete, "\(resumed)")
        XCTAssertEqual(resumed.sent, 1)
        let onServer = try await Snapshot.server(server, space: Demo.holderSpace)
        XCTAssertNotNil(onServer["measurement/expiry-obs"])
    }

    func testAnAidantSyncsTheDelegatedSpaceAndForgetsItOnceRevoked() async throws {
        let server = try TestServer()
        let aidant = try TestClient()
        try await aidant.login(server, identifier: "julien.martineau", password: "demo-julien")
        let first = await aidant.sync()
        XCTAssertEqual(first.outcome, .complete, "\(first)")
        XCTAssertEqual(try aidant.find(Profile.self, Demo.holderSpace)?.relation, .delegated)
        XCTAssertNotNil(try aidant.find(Document.self, "doc-ordonnance"), "documents are delegated")
        XCTAssertNil(try aidant.find(HealthRecord.Condition.self, "cond-hta"), "the medical profile is not")

        let holder = try await Account.login(server: server.url, identifier: Demo.holder.identifier, password: Demo.holder.password,
                                             oneTimeCode: { try server.oneTimeCode(for: Demo.holder.identifier) })
        let revoke = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(
            method: "POST", path: API.Path.revoke(consent: "delegation-julien"), headers: ["Authorization": "Bearer \(holder.token)"]))
        XCTAssertEqual(revoke.status, 200)
        _ = await aidant.sync()
        XCTAssertNil(try aidant.find(Profile.self, Demo.holderSpace))
        XCTAssertEqual(try aidant.vault.read { try $0.documents.count() }, 0, "nothing of the space stays")
    }
}
