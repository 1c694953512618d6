import Foundation
import HealthRecord
import SQLite

/// One line of the inbox: the thread, its unread count and its last message, read with a few
/// queries whatever the number of threads (no message body is decoded).
public struct ThreadSummaryRow: Sendable, Equatable {
    public var thread: MessageThread
    public var unread: Int
    public var messageCount: Int
    /// The start of the last message (untrusted text).
    public var lastPreview: String
    public var lastSender: String
    public var lastFromPatientSide: Bool
}

extension RecordStore where Record == MessageThread {
    /// Every thread of a profile with its counts and last message, newest activity first.
    public func summaries(profile: String) throws -> [ThreadSummaryRow] {
        let database = session.database
        var counts: [String: (unread: Int, total: Int)] = [:]
        _ = try database.query("""
            SELECT thread_id, sum(CASE WHEN is_read = 0 AND json_extract(CAST(body AS TEXT), '$.sender.role') != 'patient' THEN 1 ELSE 0 END), count(*)
            FROM message WHERE profile_id = ? GROUP BY thread_id
            """, [profile]) { row in counts[row.string(0)] = (row.int(1), row.int(2)) }
        var last: [String: (String, String, Bool)] = [:]
        // SQLite takes the bare columns from the row that holds the max.
        _ = try database.query("""
            SELECT thread_id, max(sent_at), substr(json_extract(CAST(body AS TEXT), '$.body'), 1, 240),
                   json_extract(CAST(body AS TEXT), '$.sender.name'), json_extract(CAST(body AS TEXT), '$.sender.role')
            FROM message WHERE profile_id = ? GROUP BY thread_id
            """, [profile]) { row in
            last[row.string(0)] = (row.optionalString(2) ?? "", row.optionalString(3) ?? "", row.optionalString(4) == "patient")
        }
        return try database.query("SELECT body FROM thread WHERE profile_id = ? ORDER BY last_activity_at DESC, id", [profile]) { row in
            let thread = try session.decoder.decode(MessageThread.self, from: Data(row.blob(0)))
            let count = counts[thread.id] ?? (0, 0)
            let latest = last[thread.id] ?? ("", "", false)
            return ThreadSummaryRow(thread: thread, unread: count.unread, messageCount: count.total, lastPreview: latest.0,
                                    lastSender: latest.1, lastFromPatientSide: latest.2)
        }
    }

    /// The threads of a profile whose subject, correspondents or messages a full-text search finds.
    public func matchingIDs(_ text: String, profile: String) throws -> Set<String> {
        guard let query = SearchIndex.query(from: text) else { return [] }
        let matches = "SELECT rowid FROM search_index WHERE search_index MATCH ?"
        let threads = try session.database.query("""
            SELECT record_id FROM search_entry WHERE rowid IN (\(matches)) AND profile_id = ? AND kind = ?
            """, [query, profile, RecordKind.thread.rawValue]) { $0.string(0) }
        let viaMessages = try session.database.query("""
            SELECT DISTINCT m.thread_id FROM search_entry e JOIN message m ON m.id = e.record_id
            WHERE e.rowid IN (\(matches)) AND e.profile_id = ? AND e.kind = ?
            """, [query, profile, RecordKind.message.rawValue]) { $0.string(0) }
        return Set(threads + viaMessages)
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
