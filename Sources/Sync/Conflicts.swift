import FHIR
import Foundation
import HealthRecord
import Vault

/// A field both sides changed differently: the server's value is in the record; the local one
/// waits here until the user keeps one of them. `field` is `*` when a whole record is at stake
/// (edited here while deleted on the server, or deleted here while edited there).
public struct SyncConflict: Codable, Sendable, Equatable, Identifiable {
    public static let wholeRecord = "*"

    public var id: String
    public var profileID: String
    public var kind: RecordKind
    public var recordID: String
    public var field: String
    /// The values as JSON text (the record's Codable form); nil when absent or deleted.
    public var base: String?
    public var local: String?
    public var remote: String?
    public var detected: Date

    public init(profileID: String, kind: RecordKind, recordID: String, field: String,
                base: JSON?, local: JSON?, remote: JSON?, detected: Date = Date()) {
        self.id = UUID().uuidString.lowercased()
        self.profileID = profileID
        self.kind = kind
        self.recordID = recordID
        self.field = field
        self.base = base.map { String(decoding: $0.serialized(), as: UTF8.self) }
        self.local = local.map { String(decoding: $0.serialized(), as: UTF8.self) }
        self.remote = remote.map { String(decoding: $0.serialized(), as: UTF8.self) }
        self.detected = detected
    }

    /// How the user settles a conflict.
    public enum Resolution: String, Sendable, CaseIterable {
        /// Put the local value back (it is sent to the server as a new edit).
        case keepMine = "keep-mine"
        /// Keep the server's value (already in the record).
        case keepTheirs = "keep-theirs"
    }
}

/// The conflicts waiting for the user, kept in the vault (settings, encrypted like the rest).
public struct ConflictStore {
    let session: VaultSession
    static let key = "sync.conflicts"

    public init(session: VaultSession) { self.session = session }

    public func all(profile: String? = nil) throws -> [SyncConflict] {
        let conflicts = try session.settings.value(Self.key, as: [SyncConflict].self) ?? []
        return profile.map { id in conflicts.filter { $0.profileID == id } } ?? conflicts
    }

    func add(_ new: [SyncConflict]) throws {
        guard !new.isEmpty else { return }
        try session.settings.set(try all() + new, for: Self.key)
    }

    func remove(_ id: String) throws {
        try session.settings.set(try all().filter { $0.id != id }, for: Self.key)
    }

    /// Settles a conflict in one transaction: keeping mine writes the local value back into the
    /// record through the write path (so it is queued for the server); keeping theirs drops the
    /// local value. Returns false when there is no such conflict.
    @discardableResult
    public func resolve(_ id: String, _ resolution: SyncConflict.Resolution) throws -> Bool {
        guard let conflict = try all().first(where: { $0.id == id }) else { return false }
        if resolution == .keepMine { try restoreLocalValue(conflict) }
        try remove(id)
        return true
    }

    private func restoreLocalValue(_ conflict: SyncConflict) throws {
        let local = try conflict.local.map { try JSON(parsing: Array($0.utf8)) }
        if conflict.field == SyncConflict.wholeRecord {
            if let local {
                try AnyRecord.save(try AnyRecord.record(conflict.kind, fields: local.fieldDictionary), origin: .local, in: session)
            } else {
                try AnyRecord.delete(conflict.kind, id: conflict.recordID, origin: .local, in: session)
            }
            return
        }
        guard let current = try AnyRecord.find(conflict.kind, id: conflict.recordID, in: session) else { return }
        var fields = try AnyRecord.fields(current)
        fields[conflict.field] = local
        try AnyRecord.save(try AnyRecord.record(conflict.kind, fields: fields), origin: .local, in: session)
    }
}

extension VaultSession {
    /// The sync conflicts waiting for the user.
    public var conflicts: ConflictStore { ConflictStore(session: self) }
}

extension JSON {
    /// An object of `fields`, members sorted by name.
    init(fields: [String: JSON]) {
        self = .object(JSONObject(fields.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }))
    }

    /// An object's members by name (empty for anything else).
    var fieldDictionary: [String: JSON] {
        var fields: [String: JSON] = [:]
        for (key, value) in objectValue ?? JSONObject() { fields[key] = value }
        return fields
    }
}
