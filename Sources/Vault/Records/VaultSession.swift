import Foundation
import HealthRecord
import SQLite

/// Access to the vault's content inside one transaction (`Vault.read` / `Vault.write`). Valid
/// only during the closure it was given to.
public final class VaultSession {
    let database: Database
    /// Nil in a read session (its connection is read-only).
    let changes: ChangeLog?
    let encoder = VaultSession.recordEncoder()

    /// How the vault encodes a record's body.
    static func recordEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// A record's body as the vault stores it, made outside a transaction (the sync encodes a
    /// page while the previous one is written) and given to `RecordStore.save(_:origin:encoded:)`.
    /// Documents, messages, threads, agenda events and measures are written by hand
    /// (`RecordBody`), the other kinds by `JSONEncoder`.
    public static func encodedBody(_ record: some Encodable) throws -> Data {
        if let body = RecordBody.encoded(record) { return body }
        return try recordEncoder().encode(record)
    }
    let decoder = JSONDecoder()
    /// Files documents under the MES categories as they are written (the vault's, see
    /// `Vault.useDocumentCategorizer`).
    let documentCategorizer: DocumentCategorizer?
    /// Whether the documents this session writes may be filed with `documentCategorizer`: the
    /// vault's filed documents were filed with the same catalogue (checked once per transaction).
    private var filingChecked: Bool?

    /// The reading connection's cache and the vault's version this read started at (nil in a
    /// write session and on a plain database).
    let readCache: ReadCache.Stamped?

    /// Runs the vault's schema and repositories on any connection (benchmarks compare them on a
    /// plain database). `writable` sessions record changes.
    public convenience init(database: Database, writable: Bool, documentCategorizer: DocumentCategorizer? = nil) {
        self.init(database: database, writable: writable, documentCategorizer: documentCategorizer, readCache: nil)
    }

    init(database: Database, writable: Bool, documentCategorizer: DocumentCategorizer?, readCache: ReadCache.Stamped?) {
        self.database = database
        self.changes = writable ? ChangeLog() : nil
        self.documentCategorizer = documentCategorizer
        self.readCache = readCache
    }

    /// The changes recorded so far (empty for a read session).
    public var pendingChange: VaultChange { changes?.change ?? VaultChange() }

    /// The store of one record type.
    public func records<Record: StoredRecord>(_ type: Record.Type) -> RecordStore<Record> {
        RecordStore(session: self)
    }

    public var profiles: RecordStore<Profile> { records(Profile.self) }
    public var documents: RecordStore<Document> { records(Document.self) }
    public var messages: RecordStore<Message> { records(Message.self) }
    public var threads: RecordStore<MessageThread> { records(MessageThread.self) }
    public var measurements: RecordStore<HealthMeasurement> { records(HealthMeasurement.self) }
    public var agenda: RecordStore<AgendaEvent> { records(AgendaEvent.self) }
    public var auditEntries: RecordStore<AuditEntry> { records(AuditEntry.self) }

    public var outbox: OutboxStore { OutboxStore(session: self) }
    public var syncState: SyncStateStore { SyncStateStore(session: self) }
    public var settings: VaultSettings { VaultSettings(session: self) }

    /// The catalogue to file a written document with: `documentCategorizer` when the vault's
    /// documents were filed with the same one (the first one to file records its fingerprint),
    /// else nil (the row waits for the next list, which refiles with its own catalogue).
    func filingCategorizer() throws -> DocumentCategorizer? {
        guard let categorizer = documentCategorizer else { return nil }
        if let filingChecked { return filingChecked ? categorizer : nil }
        let key = RecordStore<Document>.listCatalogueSetting
        let stored = try settings.value(key, as: String.self)
        if stored == nil { try settings.set(categorizer.fingerprint, for: key) }
        let same = stored == nil || stored == categorizer.fingerprint
        filingChecked = same
        return same ? categorizer : nil
    }

    func noteChange(_ body: (inout VaultChange) -> Void) {
        if let changes { body(&changes.change) }
    }

    /// Deletes a profile and every record of its space (no outbox entries: the server closes
    /// an account its own way).
    public func deleteProfileAndRecords(_ profileID: String) throws {
        for (kind, table) in StoredRecords.tables {
            let column = kind == .profile ? "id" : "profile_id"
            let ids = try database.query("DELETE FROM \(table) WHERE \(column) = ? RETURNING id", [profileID]) { $0.string(0) }
            for id in ids { noteChange { $0.record(kind, id: id, profile: profileID) } }
        }
        try database.run("""
            DELETE FROM document_content WHERE document_id NOT IN (SELECT id FROM document)
            """)
        try database.run("DELETE FROM search_index WHERE rowid IN (SELECT rowid FROM search_entry WHERE profile_id = ?)", profileID)
        try database.run("DELETE FROM search_entry WHERE profile_id = ?", profileID)
    }
}

/// Where a change comes from: a local edit is queued for the server; a change pulled from the
/// server is not sent back.
public enum ChangeOrigin: Sendable, Equatable {
    case local
    case remote
}
