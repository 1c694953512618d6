import FHIR
import Foundation
import HealthRecord
@testable import Sync
import TestSupport
import Vault
import XCTest

/// Two vaults on one account edit offline, then sync: different fields merge, the same field
/// yields exactly one conflict (the server's value wins, the local one waits), nothing is lost.
final class ConflictTests: XCTestCase {
    func testTwoVaultsEditingOfflineMergeInBothOrders() async throws {
        for firstIsA in [true, false] {
            let server = try TestServer()
            let a = try TestClient(), b = try TestClient()
            for client in [a, b] {
                try await client.login(server)
                let report = await client.sync()
                XCTAssertEqual(report.outcome, .complete)
            }
            // Offline edits. The same condition: `note` on both sides (conflict), `status` here and `onset` there (merge).
            try edit(a, HealthRecord.Condition.self, "cond-hta") { $0.note = "note de A"; $0.status = .resolved }
            try edit(b, HealthRecord.Condition.self, "cond-hta") { $0.note = "note de B"; $0.onset = PartialDate(year: 2014, month: 3, day: 1) }
            // Different items.
            try edit(a, Treatment.self, "med-amlodipine") { $0.dosage = "2 comprimés le matin" }
            try edit(b, Allergy.self, "allergy-penicilline") { $0.reaction = "urticaire" }
            // The profile: different fields merge (phone here, email there); the address conflicts.
            try edit(a, Profile.self, Demo.holderSpace) { $0.phone = "06 11 11 11 11"; $0.address = "1 place A, Lyon" }
            try edit(b, Profile.self, Demo.holderSpace) { $0.email = "b@example.fr"; $0.address = "2 place B, Lyon" }

            let (first, second) = firstIsA ? (a, b) : (b, a)
            let firstReport = await first.sync()
            XCTAssertEqual(firstReport.outcome, .complete, "\(firstReport)")
            let secondReport = await second.sync()
            XCTAssertEqual(secondReport.conflicts, 2, "\(secondReport)")
            XCTAssertEqual(secondReport.outcome, .incomplete, "conflicts wait for the user")
            _ = await first.sync()

            let winner = firstIsA ? "A" : "B", loser = firstIsA ? "B" : "A"
            for client in [a, b] {
                let condition = try XCTUnwrap(client.find(HealthRecord.Condition.self, "cond-hta"))
                XCTAssertEqual(condition.note, "note de \(winner)")
                XCTAssertEqual(condition.status, .resolved)
                XCTAssertEqual(condition.onset, PartialDate(year: 2014, month: 3, day: 1))
                XCTAssertEqual(try client.find(Treatment.self, "med-amlodipine")?.dosage, "2 comprimés le matin")
                XCTAssertEqual(try client.find(Allergy.self, "allergy-penicilline")?.reaction, "urticaire")
                let profile = try XCTUnwrap(client.find(Profile.self, Demo.holderSpace))
                XCTAssertEqual(profile.phone, "06 11 11 11 11")
                XCTAssertEqual(profile.email, "b@example.fr")
                XCTAssertEqual(profile.address, "\(firstIsA ? 1 : 2) place \(winner), Lyon")
            }
            let conflicts = try second.vault.read { try $0.conflicts.all() }
            XCTAssertEqual(conflicts.map(\.field).sorted(), ["address", "note"])
            XCTAssertEqual(conflicts.first { $0.field == "note" }?.local, "\"note de \(loser)\"")
            XCTAssertEqual(conflicts.first { $0.field == "note" }?.remote, "\"note de \(winner)\"")
            XCTAssertTrue(try first.vault.read { try $0.conflicts.all() }.isEmpty)
            try await assertAgree([a, b], server)

            // Keeping mine puts the local value back and sends it.
            let note = try XCTUnwrap(conflicts.first { $0.field == "note" })
            try second.vault.write { _ = try $0.conflicts.resolve(note.id, .keepMine) }
            let resolved = await second.sync()
            XCTAssertEqual(resolved.sent, 1)
            _ = await first.sync()
            XCTAssertEqual(try first.find(HealthRecord.Condition.self, "cond-hta")?.note, "note de \(loser)")
            try await assertAgree([a, b], server)
        }
    }

    /// Random edits on two clients interleaved with syncs (the seed is printed): at the end both
    /// clients and the server agree, and every edit is applied, knowingly overwritten, or kept
    /// as a conflict.
    func testRandomInterleavingsConverge() async throws {
        let seed: UInt64 = 0xC0FF_EE06
        print("ConflictTests.testRandomInterleavingsConverge seed: \(String(seed, radix: 16))")
        var random = SeededGenerator(seed: seed)
        let server = try TestServer()
        let clients = [try TestClient(), try TestClient()]
        for client in clients {
            try await client.login(server)
            _ = await client.sync()
        }
        let targets: [(RecordKind, String, String)] = [
            (.condition, "cond-hta", "note"), (.condition, "cond-diabete", "note"), (.condition, "cond-diabete", "name"),
            (.treatment, "med-amlodipine", "dosage"), (.treatment, "med-metformine", "dosage"), (.allergy, "allergy-bouleau", "reaction"),
        ]
        var model = EditModel(clients: clients.count)
        for step in 0..<60 {
            let index = Int.random(in: 0..<clients.count, using: &random)
            let client = clients[index]
            if Int.random(in: 0..<4, using: &random) == 0 {
                let report = await client.sync()
                XCTAssertNotEqual(report.outcome, .offline)
                model.synced(index)
                continue
            }
            let value = "c\(index)-s\(step)"
            if Int.random(in: 0..<8, using: &random) == 0 {
                let id = "rnd-\(value)"
                try client.changes.save(HealthRecord.Condition(id: id, profileID: Demo.holderSpace, name: value))
                model.edited(index, record: "condition/\(id)/name", value: value)
                continue
            }
            let (kind, id, field) = targets[Int.random(in: 0..<targets.count, using: &random)]
            try client.vault.write { session in
                guard let record = try AnyRecord.find(kind, id: id, in: session) else { return }
                var fields = try AnyRecord.fields(record)
                fields[field] = .string(value)
                try AnyRecord.save(try AnyRecord.record(kind, fields: fields), origin: .local, in: session)
            }
            model.edited(index, record: "\(kind.rawValue)/\(id)/\(field)", value: value)
        }
        for _ in 0..<3 {
            for client in clients { _ = await client.sync() }
        }
        try await assertAgree(clients, server)

        // Every edit survives somewhere: in the final record, or as a conflict's local value.
        let final = try Snapshot.local(clients[0].vault, space: Demo.holderSpace)
        var conflictValues: Set<String> = []
        for client in clients {
            for conflict in try client.vault.read({ try $0.conflicts.all() }) {
                if let local = conflict.local, let value = try? JSON(parsing: Array(local.utf8)).stringValue { conflictValues.insert(value) }
            }
        }
        print("ConflictTests: \(model.survivors.count) edits had to survive; \(conflictValues.count) kept as conflicts")
        XCTAssertGreaterThan(conflictValues.count, 0, "the interleaving produced conflicts")
        for (path, value) in model.survivors {
            let parts = path.split(separator: "/").map(String.init)
            let record = final["\(parts[0])/\(parts[1])"].map { try? AnyRecord.fields($0.record) } ?? nil
            let applied = record?[parts[2]]?.stringValue == value
            XCTAssertTrue(applied || conflictValues.contains(value), "edit \(value) of \(path) was lost")
        }
    }

    // MARK: Helpers

    private func edit<Record: StoredRecord>(_ client: TestClient, _ type: Record.Type, _ id: String, _ change: (inout Record) -> Void) throws {
        var record = try XCTUnwrap(client.find(type, id))
        change(&record)
        try client.changes.save(record)
    }

    private func assertAgree(_ clients: [TestClient], _ server: TestServer, file: StaticString = #filePath, line: UInt = #line) async throws {
        let expected = try await Snapshot.server(server, space: Demo.holderSpace)
        for client in clients {
            let local = try client.snapshot(space: Demo.holderSpace)
            XCTAssertEqual(Set(local.keys), Set(expected.keys), file: file, line: line)
            let differing = expected.filter { local[$0.key] != $0.value }.map(\.key).sorted()
            XCTAssertTrue(differing.isEmpty, "records differ: \(differing)", file: file, line: line)
            XCTAssertEqual(try client.vault.read { try $0.outbox.count() }, 0, file: file, line: line)
        }
    }
}

/// Which edits must survive: an edit is superseded only when a client overwrites a value it
/// knew (its own earlier one, or one it received by syncing).
struct EditModel {
    /// Per client: the values it knows, by field path.
    private var known: [[String: Set<String>]]
    /// Values pushed to the server (by field path), as far as the clients' syncs tell.
    private var onServer: [String: Set<String>] = [:]
    private var pending: [[String: Set<String>]]
    private var superseded: Set<String> = []
    private var all: [(String, String)] = []

    init(clients: Int) {
        known = Array(repeating: [:], count: clients)
        pending = Array(repeating: [:], count: clients)
    }

    mutating func edited(_ client: Int, record path: String, value: String) {
        superseded.formUnion(known[client][path] ?? [])
        known[client][path] = [value]
        pending[client][path, default: []].insert(value)
        all.append((path, value))
    }

    mutating func synced(_ client: Int) {
        for (path, values) in pending[client] { onServer[path, default: []].formUnion(values) }
        pending[client] = [:]
        for (path, values) in onServer { known[client][path, default: []].formUnion(values) }
    }

    var survivors: [(String, String)] { all.filter { !superseded.contains($0.1) } }
}
