import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == MessageThread {
    /// Every thread of a profile with its unread count and last message, newest activity first.
    public func summaries(profile: String) throws -> [ThreadSummaryRow] {
        let database = session.database
        var unread: [String: Int] = [:]
        _ = try database.query("SELECT thread_id, count(*) FROM message WHERE profile_id = ? AND is_read = 0 GROUP BY thread_id",
                               [profile]) { row in unread[row.string(0)] = row.int(1) }
        return try database.query("""
            SELECT id, subject, correspondent, profession, is_closed, is_archived, last_activity_at, last_preview, last_sender, last_from_patient
            FROM thread WHERE profile_id = ? ORDER BY last_activity_at DESC, id
            """, [profile]) { row in
            ThreadSummaryRow(id: row.string(0), subject: row.string(1), correspondent: row.string(2), profession: row.optionalString(3),
                             isClosed: row.bool(4), isArchived: row.bool(5), lastActivity: Date(timeIntervalSince1970: row.double(6)),
                             unread: unread[row.string(0)] ?? 0, lastPreview: row.string(7), lastSender: row.string(8),
                             lastFromPatientSide: row.bool(9))
        }
    }

    /// The threads of a profile whose subject, correspondents or messages a full-text search finds.
    public func matchingIDs(_ text: String, profile: String) throws -> Set<String> {
        guard let query = SearchIndex.query(from: text) else { return [] }
        // One pass over the full-text index for threads and messages (a message stands for its
        // thread): a short prefix matches most messages, and it was run twice (issue 20).
        let thread = RecordKind.thread.rawValue, message = RecordKind.message.rawValue
        let ids = try session.database.query("""
            SELECT DISTINCT CASE e.kind WHEN ? THEN e.record_id ELSE m.thread_id END
            FROM search_entry e LEFT JOIN message m ON e.kind = ? AND m.id = e.record_id
            WHERE e.rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH ?) AND e.profile_id = ? AND e.kind IN (?, ?)
            """, [thread, message, query, profile, thread, message]) { $0.optionalString(0) }
        return Set(ids.compactMap { $0 })
    }
}

extension RecordStore where Record == MessageThread {
    /// Runs the query's full-text search once (nil when it has none): the threads whose own
    /// entry matches and those of the messages that match.
    public func listMatches(_ query: ThreadListQuery) throws -> ListMatches? {
        guard let search = query.search else { return nil }
        let ids = Array(try matchingIDs(search, profile: query.profile))
        let data = (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8)
        return ListMatches(json: String(decoding: data, as: UTF8.self))
    }

    /// How many threads the query shows.
    public func listCount(_ query: ThreadListQuery, matches: ListMatches? = nil) throws -> Int {
        let (conditions, values) = Self.conditions(query, matches: matches)
        guard case .integer(let count) = try session.database.scalar("SELECT count(*) FROM thread WHERE \(conditions)", values) else { return 0 }
        return Int(count)
    }

    /// Rows `offset..<offset+limit` of the query's threads, in its order, each with its unread count.
    public func listPage(_ query: ThreadListQuery, offset: Int, limit: Int, matches: ListMatches? = nil) throws -> [ThreadSummaryRow] {
        let (conditions, values) = Self.conditions(query, matches: matches)
        let sql = """
            SELECT id, subject, correspondent, profession, is_closed, is_archived, last_activity_at, last_preview, last_sender,
                   last_from_patient, (SELECT count(*) FROM message m WHERE m.thread_id = thread.id AND m.is_read = 0)
            FROM thread WHERE \(conditions) ORDER BY \(query.oldestFirst ? "last_activity_at ASC, id DESC" : "last_activity_at DESC, id ASC")
            LIMIT ? OFFSET ?
            """
        let bound: [any SQLBindable] = values + [limit, max(0, offset)]
        return try session.database.query(sql, bound) { row -> ThreadSummaryRow in
            ThreadSummaryRow(id: row.string(0), subject: row.string(1), correspondent: row.string(2), profession: row.optionalString(3),
                             isClosed: row.bool(4), isArchived: row.bool(5), lastActivity: Date(timeIntervalSince1970: row.double(6)),
                             unread: row.int(10), lastPreview: row.string(7), lastSender: row.string(8), lastFromPatientSide: row.bool(9))
        }
    }

    /// The rank of a thread in the query's order; nil when the query does not show it.
    public func listPosition(of id: String, _ query: ThreadListQuery, matches: ListMatches? = nil) throws -> Int? {
        let (conditions, values) = Self.conditions(query, matches: matches)
        guard let at = try session.database.queryFirst("SELECT last_activity_at FROM thread WHERE \(conditions) AND id = ?", values + [id],
                                                       map: { $0.double(0) }) else { return nil }
        let before = query.oldestFirst ? "(last_activity_at < ? OR (last_activity_at = ? AND id > ?))"
            : "(last_activity_at > ? OR (last_activity_at = ? AND id < ?))"
        let bound: [any SQLBindable] = values + [at, at, id]
        guard case .integer(let rank) = try session.database.scalar("SELECT count(*) FROM thread WHERE \(conditions) AND \(before)", bound)
        else { return nil }
        return Int(rank)
    }

    /// Messages to read in the inbox (or the archives), filters and search aside.
    public func unreadCount(profile: String, archived: Bool) throws -> Int {
        let count = try session.database.scalar("""
            SELECT count(*) FROM message m JOIN thread t ON t.id = m.thread_id
            WHERE m.profile_id = ? AND m.is_read = 0 AND t.is_archived = ?
            """, [profile, archived ? 1 : 0])
        guard case .integer(let unread) = count else { return 0 }
        return Int(unread)
    }

    static func conditions(_ query: ThreadListQuery, matches: ListMatches? = nil) -> (String, [any SQLBindable]) {
        var conditions = ["profile_id = ?", "is_archived = ?"]
        var values: [any SQLBindable] = [query.profile, query.archived ? 1 : 0]
        if query.unreadOnly {
            conditions.append("EXISTS (SELECT 1 FROM message m WHERE m.thread_id = thread.id AND m.is_read = 0)")
        }
        if query.search != nil, let matches {
            conditions.append("id IN (SELECT value FROM json_each(?))")
            values.append(matches.json)
        } else if let search = query.search {
            if let match = SearchIndex.query(from: search) {
                // The threads whose own entry matches, and those of the messages that match.
                let matches = "SELECT rowid FROM search_index WHERE search_index MATCH ?"
                conditions.append("""
                    (id IN (SELECT record_id FROM search_entry WHERE rowid IN (\(matches)) AND kind = ?) \
                    OR id IN (SELECT m.thread_id FROM search_entry e JOIN message m ON m.id = e.record_id \
                    WHERE e.rowid IN (\(matches)) AND e.kind = ?))
                    """)
                values += [match, RecordKind.thread.rawValue, match, RecordKind.message.rawValue]
            } else {
                conditions.append("0")
            }
        }
        return (conditions.joined(separator: " AND "), values)
    }
}

extension RecordStore where Record == Message {
    /// Marks every message of a thread read on this device (not sent: the wire has no such field).
    @discardableResult
    public func markThreadRead(_ threadID: String) throws -> Int {
        var changed = 0
        for var message in try inThread(threadID) where !message.isRead {
            message.isRead = true
            try save(message, origin: .remote)
            changed += 1
        }
        return changed
    }
}
