import Crypto
import FHIR
import Foundation
import HealthRecord
import LocalServer
@testable import Sync
import TestSupport
import Vault
import XCTest

/// A real `mes-server` with the demo seed (and more when asked), in a private directory.
final class TestServer: @unchecked Sendable {
    let server: LocalServer
    let directory: TemporaryDirectory
    var url: URL { server.url }

    init(seed: String = "demo", faults: Bool = false, extra: [String] = []) throws {
        directory = try TemporaryDirectory(prefix: "mes-sync-server")
        var arguments = ["--seed", seed, "--lang", "fr"] + extra
        if faults { arguments.append("--enable-fault-injection") }
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: directory.url, arguments: arguments)
    }

    /// A new server process on the data of `other` (after `other` was killed).
    init(reusing other: TestServer) throws {
        directory = other.directory
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: directory.url, arguments: ["--lang", "fr"])
    }

    deinit {
        server.stop()
        directory.remove()
    }

    /// The latest one-time code the server sent to `identifier`.
    func oneTimeCode(for identifier: String) throws -> String {
        try String(contentsOf: directory.url.appendingPathComponent("otp/\(identifier).txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Arms the test-only fault switch: the next `count` requests (under `path`) fail so.
    func injectFault(_ fault: String, count: Int, path: String? = nil, stallSeconds: Double = 3) async throws {
        var body: JSON = ["fault": .string(fault), "count": .int(count), "stallSeconds": .double(stallSeconds)]
        if let path { body["path"] = .string(path) }
        let answer = try await URLSessionTransport(baseURL: url).send(BackendRequest(method: "POST", path: "/_test/faults",
                                                                                   body: Data(body.serialized())))
        XCTAssertEqual(answer.status, 200)
    }
}

/// The demo accounts.
enum Demo {
    static let holder = (identifier: "helene.martineau", password: "demo-helene")
    static let holderSpace = "helene"
    static let childSpace = "lucas"
}

/// A vault with cheap key derivation in a private directory, and its sync engine.
final class TestClient: @unchecked Sendable {
    let directory: TemporaryDirectory
    let vault: Vault
    let engine: SyncEngine
    static let passphrase = "phrase de passe de test"

    init(options: SyncEngine.Options = TestClient.fastOptions) throws {
        directory = try TemporaryDirectory(prefix: "mes-sync-client")
        vault = try Vault.create(in: VaultDirectory(directory.url), passphrase: SecureBytes(copying: Array(Self.passphrase.utf8)),
                                 keyDerivation: .fixed(.minimumForTests)).vault
        engine = SyncEngine(vault: vault, options: options)
    }

    deinit {
        vault.close()
        directory.remove()
    }

    /// Retries fast: tests wait for faults to pass, not for politeness.
    static var fastOptions: SyncEngine.Options {
        var options = SyncEngine.Options()
        options.backoff = Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(300), maximumAttempts: 8)
        options.requestTimeout = 5
        return options
    }

    var changes: LocalChanges { LocalChanges(vault: vault) }

    func login(_ server: TestServer, identifier: String = Demo.holder.identifier, password: String = Demo.holder.password) async throws {
        let account = try await Account.login(server: server.url, identifier: identifier, password: password,
                                              oneTimeCode: { try server.oneTimeCode(for: identifier) })
        try account.save(in: vault)
    }

    @discardableResult
    func sync(file: StaticString = #filePath, line: UInt = #line) async -> SyncReport {
        await engine.sync()
    }

    func find<Record: StoredRecord>(_ type: Record.Type, _ id: String) throws -> Record? {
        try vault.read { try $0.records(type).find(id) }
    }

    /// Every record of a space, as the server knows them (local state reset), by `kind/id`.
    func snapshot(space: String) throws -> [String: SnapshotRecord] {
        try Snapshot.local(vault, space: space)
    }
}

enum Snapshot {
    /// Every record of a space in a vault (threads aside), by `kind/id`.
    static func local(_ vault: Vault, space: String) throws -> [String: SnapshotRecord] {
        try vault.read { session in
            var result: [String: SnapshotRecord] = [:]
            for kind in RecordKind.allCases where kind != .thread {
                for record in try records(of: kind, profile: space, in: session) {
                    result["\(kind.rawValue)/\(record.id)"] = SnapshotRecord(record)
                }
            }
            return result
        }
    }

    static func records(of kind: RecordKind, profile: String, in session: VaultSession) throws -> [any ProfileRecord] {
        func all<Record: StoredRecord>(_ type: Record.Type) throws -> [any ProfileRecord] { try session.records(type).all(profile: profile) }
        switch kind {
        case .profile: return try all(Profile.self)
        case .emergencyContact: return try all(EmergencyContact.self)
        case .delegation: return try all(Delegation.self)
        case .document: return try all(Document.self)
        case .condition: return try all(HealthRecord.Condition.self)
        case .treatment: return try all(Treatment.self)
        case .allergy: return try all(Allergy.self)
        case .vaccination: return try all(Vaccination.self)
        case .familyHistory: return try all(FamilyHistory.self)
        case .measurement: return try all(HealthMeasurement.self)
        case .wishes: return try all(Wishes.self)
        case .careHistory: return try all(CareHistoryEntry.self)
        case .agendaEvent: return try all(AgendaEvent.self)
        case .thread: return try all(MessageThread.self)
        case .message: return try all(Message.self)
        case .accessGrant: return try all(AccessGrant.self)
        case .serviceConsent: return try all(ServiceConsent.self)
        case .block: return try all(Block.self)
        case .auditEntry: return try all(AuditEntry.self)
        case .hospitalization: return try all(Hospitalization.self)
        case .disability: return try all(Disability.self)
        case .bloodGroup: return try all(BloodGroup.self)
        case .lifestyle: return try all(Lifestyle.self)
        }
    }


    /// What the server holds for a space, read afresh from its changes feed and mapped like
    /// the client maps it (threads aside: they are derived from the messages).
    static func server(_ server: TestServer, space: String, identifier: String = Demo.holder.identifier,
                       password: String = Demo.holder.password) async throws -> [String: SnapshotRecord] {
        let account = try await Account.login(server: server.url, identifier: identifier, password: password,
                                              oneTimeCode: { try server.oneTimeCode(for: identifier) })
        let transport = URLSessionTransport(baseURL: server.url)
        var result: [String: SnapshotRecord] = [:]
        var cursor = ""
        while true {
            let response = try await transport.send(BackendRequest(path: API.Path.changes(patient: space),
                                                                   query: [("since", cursor), ("_count", "1000")],
                                                                   headers: ["Authorization": "Bearer \(account.token)"]))
            XCTAssertEqual(response.status, 200)
            let page = try API.ChangesPage(json: JSON(parsing: Array(response.body)))
            for change in page.changes where !change.deleted {
                guard let resource = change.resource else { continue }
                for record in try RecordMapping.decode(resource) where !(record is MessageThread) {
                    result["\(type(of: record).kind.rawValue)/\(record.id)"] = SnapshotRecord(record)
                }
            }
            cursor = page.cursor
            if !page.more { break }
        }
        return result
    }
}

/// A record as the server knows it (what only the device knows reset), comparable whatever its type.
struct SnapshotRecord: Equatable, CustomStringConvertible {
    let record: any ProfileRecord

    init(_ record: any ProfileRecord) {
        var record = record
        if var document = record as? Document { document.isRead = false; record = document }
        if var message = record as? Message { message.isRead = false; record = message }
        if var profile = record as? Profile { profile.relation = .own; record = profile }
        self.record = record
    }

    static func == (lhs: SnapshotRecord, rhs: SnapshotRecord) -> Bool {
        func equal<Record: ProfileRecord>(_ left: Record) -> Bool { left == (rhs.record as? Record) }
        return equal(lhs.record)
    }

    var description: String { "\(record)" }
}
