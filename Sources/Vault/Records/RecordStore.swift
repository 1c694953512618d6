import Foundation
import HealthRecord
import SQLite

/// Reads and writes one record type. Saving a record from a local edit also appends its
/// outbox entry, in the same transaction.
public struct RecordStore<Record: StoredRecord> {
    let session: VaultSession
    private var table: RecordTable<Record> { Record.table }
    private var database: Database { session.database }

    public func find(_ id: String) throws -> Record? {
        try database.queryFirst(table.selectByIDSQL, [id]) { try decode($0.blob(0)) }
    }

    /// Records of one profile (or of every profile), sorted on one of the table's columns.
    public func all(profile: String? = nil, orderedBy column: String = "id", descending: Bool = false,
                    limit: Int? = nil) throws -> [Record] {
        precondition(table.sortableColumns.contains(column), "not a column of \(table.name): \(column)")
        var sql = "SELECT body FROM \(table.name)"
        var values: [any SQLBindable] = []
        if let profile {
            sql += " WHERE profile_id = ?"
            values.append(profile)
        }
        sql += " ORDER BY \(column) \(descending ? "DESC" : "ASC"), id"
        if let limit { sql += " LIMIT \(limit)" }
        return try database.query(sql, values) { try decode($0.blob(0)) }
    }

    /// Records whose indexed `column` equals `value` (a thread's messages, unread documents…).
    public func filter(profile: String? = nil, _ column: String, equals value: any SQLBindable,
                       orderedBy order: String = "id", descending: Bool = false) throws -> [Record] {
        precondition(table.sortableColumns.contains(column) && table.sortableColumns.contains(order))
        var sql = "SELECT body FROM \(table.name) WHERE \(column) = ?"
        var values: [any SQLBindable] = [value]
        if let profile {
            sql += " AND profile_id = ?"
            values.append(profile)
        }
        sql += " ORDER BY \(order) \(descending ? "DESC" : "ASC"), id"
        return try database.query(sql, values) { try decode($0.blob(0)) }
    }

    public func count(profile: String? = nil) throws -> Int {
        let value = if let profile {
            try database.scalar("SELECT count(*) FROM \(table.name) WHERE profile_id = ?", [profile])
        } else {
            try database.scalar("SELECT count(*) FROM \(table.name)")
        }
        if case .integer(let count) = value { return Int(count) }
        return 0
    }

    /// Inserts or replaces the record, updates its search entry and, for a local edit, queues
    /// it for the server.
    /// `encoded`, when given, is `VaultSession.encodedBody(record)` made by the caller.
    public func save(_ record: Record, origin: ChangeOrigin = .local, encoded: Data? = nil) throws {
        let body = try encoded ?? session.encoder.encode(record)
        var values: [any SQLBindable] = [record.id, record.profileID]
        let context = ColumnContext(documentCategorizer: Record.kind == .document ? try session.filingCategorizer() : nil)
        values += table.columns.map { $0.value(record, context) }
        values += [Date().timeIntervalSince1970, Array(body)]
        let unread = try UnreadCounts(database: database).before(saving: record)
        try database.run(table.upsertSQL, values)
        try unread?.keep()
        if var text = table.searchText?(record) {
            // A document's entry keeps the text of its content when its metadata changes.
            if Record.kind == .document {
                let extracted = try database.queryFirst("SELECT extracted_text FROM document_content WHERE document_id = ?",
                                                        [record.id]) { $0.optionalString(0) }
                text.appendBody(extracted ?? nil)
            }
            try SearchIndex(session: session).update(kind: Record.kind, id: record.id, profile: record.profileID, text: text)
        }
        if origin == .local {
            try session.outbox.append(profile: record.profileID, kind: Record.kind, recordID: record.id,
                                      operation: .upsert, payload: Array(body))
        }
        session.noteChange { $0.record(Record.kind, id: record.id, profile: record.profileID) }
    }

    /// Deletes the record (and its search entry; for a document, its content). Returns false when
    /// there was none.
    @discardableResult
    public func delete(_ id: String, origin: ChangeOrigin = .local) throws -> Bool {
        let unread = try UnreadCounts(database: database).before(deleting: Record.kind, id: id)
        guard let profile = try database.queryFirst(table.deleteSQL, [id], map: { $0.string(0) }) else { return false }
        try unread?.keep()
        try SearchIndex(session: session).remove(kind: Record.kind, id: id)
        if Record.kind == .document {
            try database.run("DELETE FROM document_content WHERE document_id = ?", id)
        }
        if origin == .local {
            try session.outbox.append(profile: profile, kind: Record.kind, recordID: id, operation: .delete, payload: nil)
        }
        session.noteChange { $0.record(Record.kind, id: id, profile: profile) }
        return true
    }

    private func decode(_ body: [UInt8]) throws -> Record {
        try session.decoder.decode(Record.self, from: Data(body))
    }
}

extension RecordStore where Record == Document {
    /// Stores a document's content (at most `DocumentContent.maximumSize` bytes) and indexes its
    /// extracted text. Content is not queued for sync: the document's metadata carries it.
    public func saveContent(_ content: DocumentContent) throws {
        guard content.bytes.count <= DocumentContent.maximumSize else { throw DocumentContentError.tooLarge(content.bytes.count) }
        guard let document = try find(content.documentID) else { throw DocumentContentError.unknownDocument }
        try database.run("""
            INSERT INTO document_content (document_id, bytes, extracted_text) VALUES (?, ?, ?)
            ON CONFLICT(document_id) DO UPDATE SET bytes = excluded.bytes, extracted_text = excluded.extracted_text
            """, content.documentID, content.bytes, content.extractedText)
        if var text = Document.table.searchText?(document) {
            text.appendBody(content.extractedText)
            try SearchIndex(session: session).update(kind: .document, id: document.id, profile: document.profileID, text: text)
        }
        session.noteChange { $0.record(.document, id: document.id, profile: document.profileID) }
    }

    /// The stored content of a document, or nil when it was not fetched yet.
    public func content(of documentID: String) throws -> DocumentContent? {
        try database.queryFirst("SELECT bytes, extracted_text FROM document_content WHERE document_id = ?", [documentID]) { row in
            DocumentContent(documentID: documentID, bytes: row.blob(0), extractedText: row.optionalString(1))
        }
    }

    /// Ids of the documents whose content is stored.
    public func idsWithContent(profile: String) throws -> Set<String> {
        Set(try database.query("""
            SELECT c.document_id FROM document_content c JOIN document d ON d.id = c.document_id WHERE d.profile_id = ?
            """, [profile]) { $0.string(0) })
    }
}

extension RecordStore where Record == Message {
    /// The messages of a thread, oldest first.
    public func inThread(_ threadID: String) throws -> [Message] {
        try filter("thread_id", equals: threadID, orderedBy: "sent_at")
    }
}

public enum DocumentContentError: Error, Equatable, Sendable {
    case tooLarge(Int)
    case unknownDocument
}
