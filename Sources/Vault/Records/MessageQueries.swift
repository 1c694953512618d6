import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == MessageThread {
    /// Every thread of a profile with its unread count and last message, newest activity first.
    public func summaries(profile: String) throws -> [ThreadSummaryRow] {
        try session.database.query("""
            SELECT \(Self.summaryColumns) FROM thread WHERE profile_id = ? ORDER BY last_activity_at DESC, id
            """, [profile], map: Self.summary)
    }

    /// What a row of the inbox shows, with the unread count the thread keeps (`UnreadCounts`).
    static let summaryColumns = """
        id, subject, correspondent, profession, is_closed, is_archived, last_activity_at, last_preview, last_sender, last_from_patient, \
        unread_count
        """

    static func summary(_ row: Row) -> ThreadSummaryRow {
        ThreadSummaryRow(id: row.string(0), subject: row.string(1), correspondent: row.string(2), profession: row.optionalString(3),
                         isClosed: row.bool(4), isArchived: row.bool(5), lastActivity: Date(timeIntervalSince1970: row.double(6)),
                         unread: row.int(10), lastPreview: row.string(7), lastSender: row.string(8), lastFromPatientSide: row.bool(9))
    }

    /// The threads of a profile whose subject, correspondents or messages a full-text search finds.
    public func matchingIDs(_ text: String, profile: String) throws -> Set<String> {
        guard let query = SearchIndex.query(from: text) else { return [] }
        let values: [any SQLBindable] = [query, profile, RecordKind.thread.rawValue, RecordKind.message.rawValue]
        return Set(try session.database.query(Self.matchingThreads, values) { $0.optionalString(0) }.compactMap { $0 })
    }

    /// The threads of the entries that match (bound: the FTS5 query, the profile, the thread and
    /// message kinds), in one pass over the full-text index for threads and messages (a message
    /// stands for its thread): a short prefix matches most messages (issue 20). The matches
    /// lead, each entry is read by its rowid and names its thread (schema version 6): no message
    /// row is read, and the entries that do not match are never scanned (issue 14).
    static let matchingThreads = """
        SELECT e.thread_id FROM search_index s CROSS JOIN search_entry e ON e.rowid = s.rowid
        WHERE search_index MATCH ? AND e.profile_id = ? AND e.kind IN (?, ?)
        """
}

/// A searched inbox's threads, found once for every read of it (`Messenger.readInbox`): the ids
/// the query shows, in its order. The count, a thread's rank and a page then come from this
/// list, instead of three more passes over the matches.
public struct ThreadMatches: Sendable {
    let ids: [String]
}

extension RecordStore where Record == MessageThread {
    /// Runs the query's full-text search once (nil when it has none): the threads whose own
    /// entry matches and those of the messages that match, in the order of the list index. The
    /// matches go into a Swift set and the list's ids are filtered through it: with a short
    /// prefix (5,000 threads found) that is three times faster than SQLite's `IN (subquery)`,
    /// whose temporary index of 5,000 strings cost more than the search itself.
    public func listMatches(_ query: ThreadListQuery) throws -> ThreadMatches? {
        guard let search = query.search else { return nil }
        let matching = try matchingIDs(search, profile: query.profile)
        guard !matching.isEmpty else { return ThreadMatches(ids: []) }
        var list = query
        list.search = nil
        let (conditions, values) = Self.conditions(list)
        let ids = try session.database.query("SELECT id FROM thread WHERE \(conditions) ORDER BY \(Self.order(query))", values) { $0.string(0) }
        return ThreadMatches(ids: ids.filter(matching.contains))
    }

    static func order(_ query: ThreadListQuery) -> String {
        query.oldestFirst ? "last_activity_at ASC, id DESC" : "last_activity_at DESC, id ASC"
    }

    /// How many threads the query shows.
    public func listCount(_ query: ThreadListQuery, matches: ThreadMatches? = nil) throws -> Int {
        if let matches { return matches.ids.count }
        let (conditions, values) = Self.conditions(query)
        guard case .integer(let count) = try session.database.scalar("SELECT count(*) FROM thread WHERE \(conditions)", values) else { return 0 }
        return Int(count)
    }

    /// Rows `offset..<offset+limit` of the query's threads, in its order, each with its unread count.
    public func listPage(_ query: ThreadListQuery, offset: Int, limit: Int, matches: ThreadMatches? = nil) throws -> [ThreadSummaryRow] {
        if let matches {
            let ids = matches.ids.dropFirst(max(0, offset)).prefix(max(0, limit))
            return try ids.compactMap { id in
                try session.database.queryFirst("SELECT \(Self.summaryColumns) FROM thread WHERE id = ?", [id], map: Self.summary)
            }
        }
        let (conditions, values) = Self.conditions(query)
        let sql = """
            SELECT \(Self.summaryColumns) FROM thread WHERE \(conditions) ORDER BY \(Self.order(query)) LIMIT ? OFFSET ?
            """
        let bound: [any SQLBindable] = values + [limit, max(0, offset)]
        return try session.database.query(sql, bound, map: Self.summary)
    }

    /// The rank of a thread in the query's order; nil when the query does not show it.
    public func listPosition(of id: String, _ query: ThreadListQuery, matches: ThreadMatches? = nil) throws -> Int? {
        if let matches { return matches.ids.firstIndex(of: id) }
        let (conditions, values) = Self.conditions(query)
        guard let at = try session.database.queryFirst("SELECT last_activity_at FROM thread WHERE \(conditions) AND id = ?", values + [id],
                                                       map: { $0.double(0) }) else { return nil }
        let before = query.oldestFirst ? "(last_activity_at < ? OR (last_activity_at = ? AND id > ?))"
            : "(last_activity_at > ? OR (last_activity_at = ? AND id < ?))"
        let bound: [any SQLBindable] = values + [at, at, id]
        guard case .integer(let rank) = try session.database.scalar("SELECT count(*) FROM thread WHERE \(conditions) AND \(before)", bound)
        else { return nil }
        return Int(rank)
    }

    /// Messages to read in the inbox (or the archives), filters and search aside: the counts the
    /// threads keep, summed over the list index.
    public func unreadCount(profile: String, archived: Bool) throws -> Int {
        let count = try session.database.scalar("""
            SELECT coalesce(sum(unread_count), 0) FROM thread WHERE profile_id = ? AND is_archived = ?
            """, [profile, archived ? 1 : 0])
        guard case .integer(let unread) = count else { return 0 }
        return Int(unread)
    }

    static func conditions(_ query: ThreadListQuery) -> (String, [any SQLBindable]) {
        var conditions = ["profile_id = ?", "is_archived = ?"]
        var values: [any SQLBindable] = [query.profile, query.archived ? 1 : 0]
        if query.unreadOnly {
            conditions.append("unread_count > 0")
        }
        if let search = query.search {
            if let match = SearchIndex.query(from: search) {
                // The threads whose own entry matches, and those of the messages that match.
                conditions.append("id IN (\(matchingThreads))")
                values += [match, query.profile, RecordKind.thread.rawValue, RecordKind.message.rawValue]
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

/// The unread count each thread row keeps (schema version 6), kept in step with its messages in
/// the transaction that writes them, so the inbox reads it instead of recounting 50,000 messages
/// at each page and each keystroke (issue 14). Plain statements rather than a trigger: a
/// trigger's statement journal would make FTS5 flush its pending terms at every message of a
/// sync (see `SearchIndex.update`). A count is recounted, never adjusted, so it cannot drift.
struct UnreadCounts {
    let database: Database

    /// Threads to recount once the write is done.
    struct Recount {
        let counts: UnreadCounts
        let threads: [String]

        func keep() throws {
            for thread in threads { try counts.recount(thread) }
        }
    }

    /// Before a record is saved: a new unread message, or one whose read state or thread
    /// changes, recounts its thread (and the one it left); a thread recounts itself, since its
    /// messages may have arrived before it.
    func before<Record: StoredRecord>(saving record: Record) throws -> Recount? {
        switch Record.kind {
        case .thread:
            return Recount(counts: self, threads: [record.id])
        case .message:
            guard let message = record as? Message else { return nil }
            let stored = try state(ofMessage: message.id)
            guard let stored else { return message.isRead ? nil : Recount(counts: self, threads: [message.threadID]) }
            if stored.thread == message.threadID && stored.unread == !message.isRead { return nil }
            let left = stored.thread != message.threadID && stored.unread ? [stored.thread] : []
            return Recount(counts: self, threads: [message.threadID] + left)
        default:
            return nil
        }
    }

    /// Before a record is deleted: an unread message recounts its thread.
    func before(deleting kind: RecordKind, id: String) throws -> Recount? {
        guard kind == .message, let stored = try state(ofMessage: id), stored.unread else { return nil }
        return Recount(counts: self, threads: [stored.thread])
    }

    private func state(ofMessage id: String) throws -> (thread: String, unread: Bool)? {
        try database.queryFirst("SELECT thread_id, is_read FROM message WHERE id = ?", [id]) { ($0.string(0), !$0.bool(1)) }
    }

    /// Counts the thread's unread messages through the `message_unread` index; the row is
    /// written only when its count changes (a thread saved again mostly keeps it).
    func recount(_ thread: String) throws {
        let count = try database.queryFirst("SELECT count(*) FROM message WHERE thread_id = ? AND is_read = 0", [thread]) { $0.int(0) } ?? 0
        try database.run("UPDATE thread SET unread_count = ? WHERE id = ? AND unread_count != ?", count, thread, count)
    }
}
