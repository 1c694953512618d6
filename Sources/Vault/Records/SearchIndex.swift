import HealthRecord
import SQLite

/// One result of a full-text search.
public struct SearchHit: Sendable, Equatable {
    public var kind: RecordKind
    public var recordID: String
    public var profileID: String
    /// The matching passage, the matched words between `[` and `]` (untrusted text).
    public var snippet: String
}

/// The FTS5 index inside the vault: titles, authors, types, message bodies, notes and the text
/// extracted from documents.
struct SearchIndex {
    let session: VaultSession
    private var database: Database { session.database }

    func update(kind: RecordKind, id: String, profile: String, text: SearchText) throws {
        // No UPSERT … RETURNING here: RETURNING runs as a trigger, so the statement opens a
        // statement journal, and every savepoint makes FTS5 flush its pending terms to a segment
        // of its own (a tenth of an initial sync, issue 20). Plain statements: the entry is
        // inserted when there is none (a new record, as in an initial sync: no lookup), else
        // looked up; it names the message's thread, so an inbox search reads no message row.
        try database.run("INSERT OR IGNORE INTO search_entry (kind, record_id, profile_id, thread_id) VALUES (?, ?, ?, ?)",
                         kind.rawValue, id, profile, text.thread)
        let rowid: Int64
        if database.changes == 1 {
            rowid = database.lastInsertRowID
        } else {
            guard let existing = try database.queryFirst("SELECT rowid, profile_id, thread_id FROM search_entry WHERE kind = ? AND record_id = ?",
                                                         [kind.rawValue, id], map: { ($0.int64(0), $0.string(1), $0.optionalString(2)) }) else { return }
            rowid = existing.0
            if existing.1 != profile || existing.2 != text.thread {
                try database.run("UPDATE search_entry SET profile_id = ?, thread_id = ? WHERE rowid = ?", profile, text.thread, rowid)
            }
            try database.run("DELETE FROM search_index WHERE rowid = ?", rowid)
        }
        try database.run("INSERT INTO search_index (rowid, title, authors, types, body) VALUES (?, ?, ?, ?, ?)",
                         rowid, text.title, text.authors, text.types, text.body)
    }

    func remove(kind: RecordKind, id: String) throws {
        // A lookup, then plain deletes (RETURNING would make FTS5 flush; see `update`).
        guard let rowid = try database.queryFirst("SELECT rowid FROM search_entry WHERE kind = ? AND record_id = ?",
                                                  [kind.rawValue, id], map: { $0.int64(0) }) else { return }
        try database.run("DELETE FROM search_entry WHERE rowid = ?", rowid)
        try database.run("DELETE FROM search_index WHERE rowid = ?", rowid)
    }

    /// A snippet on one line: line breaks, tabs and runs of spaces of the indexed text become one
    /// space (a snippet is a passage to glance at, never drawn as `^J`).
    static func oneLine(_ snippet: String) -> String {
        snippet.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Turns what a user typed into an FTS5 query: every word must appear (as a prefix), and
    /// nothing typed is read as FTS5 syntax.
    static func query(from text: String) -> String? {
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }
}

extension VaultSession {
    /// Full-text search over the records of one profile (or all), best matches first.
    public func search(_ text: String, profile: String? = nil, kinds: Set<RecordKind>? = nil, limit: Int = 50) throws -> [SearchHit] {
        guard let query = SearchIndex.query(from: text) else { return [] }
        var sql = """
            SELECT e.kind, e.record_id, e.profile_id, snippet(search_index, -1, '[', ']', '…', 16)
            FROM search_index JOIN search_entry e ON e.rowid = search_index.rowid
            WHERE search_index MATCH ?
            """
        var values: [any SQLBindable] = [query]
        if let profile {
            sql += " AND e.profile_id = ?"
            values.append(profile)
        }
        if let kinds {
            sql += " AND e.kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
            values += kinds.map(\.rawValue).sorted()
        }
        sql += " ORDER BY rank LIMIT \(max(1, limit))"
        return try database.query(sql, values) { row in
            guard let kind = RecordKind(rawValue: row.string(0)) else { return nil }
            return SearchHit(kind: kind, recordID: row.string(1), profileID: row.string(2), snippet: SearchIndex.oneLine(row.string(3)))
        }.compactMap { $0 }
    }
}
