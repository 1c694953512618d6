import Foundation
import HealthRecord
import SQLite

/// One local change waiting to be sent to the server, in order.
public struct OutboxEntry: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case upsert, delete
    }

    /// Position in the outbox: entries are sent in increasing order.
    public var sequence: Int64
    public var profileID: String
    public var kind: RecordKind
    public var recordID: String
    public var operation: Operation
    /// The record as JSON (HealthRecord's Codable form) for an upsert; nil for a delete.
    public var payload: [UInt8]?
    public var created: Date
    public var attempts: Int
    public var lastError: String?
}

/// The sync outbox. Record stores append to it when saving a local edit; sync reads it in
/// order and removes what the server acknowledged.
public struct OutboxStore {
    let session: VaultSession

    func append(profile: String, kind: RecordKind, recordID: String, operation: OutboxEntry.Operation, payload: [UInt8]?) throws {
        try session.database.run("""
            INSERT INTO outbox (profile_id, kind, record_id, operation, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, profile, kind.rawValue, recordID, operation.rawValue, payload, Date().timeIntervalSince1970)
        session.noteChange { $0.outboxChanged = true }
    }

    /// The oldest entries first (optionally one profile's).
    public func pending(profile: String? = nil, limit: Int = 100) throws -> [OutboxEntry] {
        let filter = profile == nil ? "" : "WHERE profile_id = ?"
        let values: [any SQLBindable] = profile.map { [$0] } ?? []
        return try session.database.query("""
            SELECT seq, profile_id, kind, record_id, operation, payload, created_at, attempts, last_error
            FROM outbox \(filter) ORDER BY seq LIMIT \(max(1, limit))
            """, values) { row in
            guard let kind = RecordKind(rawValue: row.string(2)), let operation = OutboxEntry.Operation(rawValue: row.string(4)) else {
                return nil
            }
            return OutboxEntry(sequence: row.int64(0), profileID: row.string(1), kind: kind, recordID: row.string(3),
                               operation: operation, payload: row.isNull(5) ? nil : row.blob(5),
                               created: Date(timeIntervalSince1970: row.double(6)), attempts: row.int(7),
                               lastError: row.optionalString(8))
        }.compactMap { $0 }
    }

    public func count() throws -> Int {
        if case .integer(let count) = try session.database.scalar("SELECT count(*) FROM outbox") { return Int(count) }
        return 0
    }

    /// Removes an entry the server acknowledged.
    public func remove(_ sequence: Int64) throws {
        try session.database.run("DELETE FROM outbox WHERE seq = ?", sequence)
        session.noteChange { $0.outboxChanged = true }
    }

    /// Records a failed attempt (the message is shown to the user; no health data in it).
    public func recordFailure(_ sequence: Int64, message: String) throws {
        try session.database.run("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?", message, sequence)
        session.noteChange { $0.outboxChanged = true }
    }
}

/// The last server version of a synced record: the common ancestor of a three-way merge.
public struct SyncBase: Sendable, Equatable {
    public var kind: RecordKind
    public var recordID: String
    /// The server's `meta.versionId`.
    public var versionID: String
    public var payload: [UInt8]

    public init(kind: RecordKind, recordID: String, versionID: String, payload: [UInt8]) {
        self.kind = kind
        self.recordID = recordID
        self.versionID = versionID
        self.payload = payload
    }
}

/// Sync's own state: per-profile cursors of the changes feed and the sync bases.
public struct SyncStateStore {
    let session: VaultSession

    public func cursor(profile: String) throws -> String? {
        try session.database.queryFirst("SELECT cursor FROM sync_cursor WHERE profile_id = ?", [profile]) { $0.string(0) }
    }

    /// Stores the cursor after a page of changes was applied (in the same transaction).
    public func setCursor(_ cursor: String, profile: String) throws {
        try session.database.run("""
            INSERT INTO sync_cursor (profile_id, cursor, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(profile_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
            """, profile, cursor, Date().timeIntervalSince1970)
        session.noteChange { $0.syncStateChanged = true }
    }

    public func base(kind: RecordKind, recordID: String) throws -> SyncBase? {
        try session.database.queryFirst("SELECT version_id, payload FROM sync_base WHERE kind = ? AND record_id = ?",
                                        [kind.rawValue, recordID]) { row in
            SyncBase(kind: kind, recordID: recordID, versionID: row.string(0), payload: row.blob(1))
        }
    }

    /// The version of the base alone (its payload is not read).
    public func baseVersion(kind: RecordKind, recordID: String) throws -> String? {
        try session.database.queryFirst("SELECT version_id FROM sync_base WHERE kind = ? AND record_id = ?",
                                        [kind.rawValue, recordID]) { $0.string(0) }
    }

    public func setBase(_ base: SyncBase) throws {
        try session.database.run("""
            INSERT INTO sync_base (kind, record_id, version_id, payload) VALUES (?, ?, ?, ?)
            ON CONFLICT(kind, record_id) DO UPDATE SET version_id = excluded.version_id, payload = excluded.payload
            """, base.kind.rawValue, base.recordID, base.versionID, base.payload)
        session.noteChange { $0.syncStateChanged = true }
    }

    public func removeBase(kind: RecordKind, recordID: String) throws {
        try session.database.run("DELETE FROM sync_base WHERE kind = ? AND record_id = ?", kind.rawValue, recordID)
        session.noteChange { $0.syncStateChanged = true }
    }
}

/// Settings kept in the vault (encrypted with everything else), as JSON values by key.
public struct VaultSettings {
    let session: VaultSession

    public func value<Value: Decodable>(_ key: String, as type: Value.Type = Value.self) throws -> Value? {
        guard let bytes = try session.database.queryFirst("SELECT value FROM setting WHERE key = ?", [key], map: { $0.blob(0) }) else {
            return nil
        }
        return try session.decoder.decode(Value.self, from: Data(bytes))
    }

    public func set<Value: Encodable>(_ value: Value, for key: String) throws {
        let bytes = Array(try session.encoder.encode(value))
        try session.database.run("""
            INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """, key, bytes)
        session.noteChange { _ = $0.settings.insert(key) }
    }

    public func remove(_ key: String) throws {
        try session.database.run("DELETE FROM setting WHERE key = ?", key)
        session.noteChange { _ = $0.settings.insert(key) }
    }
}

extension VaultSettings {
    static let pageCacheKey = "vault.page-cache-kib"
    /// SQLite's own default is 2 MiB; `mes-bench vault` measured reads at 1.28x plain SQLite
    /// with it and 0.96x with 8 MiB (issue 20): each page missed is authenticated and decrypted.
    public static let defaultPageCacheKiB = 8192
    public static let pageCacheRange = 1024...262_144

    /// The page cache of each of the vault's connections, in KiB: part of the vault's
    /// configuration, applied whenever the vault is opened or unlocked.
    public var pageCacheKiB: Int {
        get throws {
            guard let kib = try value(Self.pageCacheKey, as: Int.self), Self.pageCacheRange.contains(kib) else {
                return Self.defaultPageCacheKiB
            }
            return kib
        }
    }

    static func checkedPageCache(_ kib: Int) throws -> Int {
        guard pageCacheRange.contains(kib) else { throw VaultSettingError.pageCacheOutOfRange(kib) }
        return kib
    }
}

public enum VaultSettingError: Error, Equatable {
    /// A page cache outside `VaultSettings.pageCacheRange` KiB.
    case pageCacheOutOfRange(Int)
}
