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
