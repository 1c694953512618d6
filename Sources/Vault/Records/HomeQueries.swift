import Foundation
import HealthRecord
import SQLite

extension VaultSession {
    /// The Accueil of a space: counts by SQL, and only the few top rows decoded, so it stays
    /// instant with tens of thousands of records (`mes-bench home`).
    public func homeDigest(profile: String, since: Date?, now: Date) throws -> HomeDigest {
        var digest = HomeDigest(since: since)
        let rows = HomeDigest.rowsPerBlock
        let sinceSeconds = since?.timeIntervalSince1970 ?? 0
        // Documents that arrived since the last visit and are still unread.
        digest.newDocuments = try database.queryFirst("""
            SELECT count(*) FROM document WHERE profile_id = ? AND is_read = 0 AND updated_at > ?
            """, [profile, sinceSeconds]) { $0.int(0) } ?? 0
        digest.documents = try database.query("""
            SELECT id, title, author, created_at FROM document WHERE profile_id = ? AND is_read = 0 AND updated_at > ?
            ORDER BY created_at DESC, id LIMIT ?
            """, [profile, sinceSeconds, rows]) {
            HomeDigest.Item(kind: .document, id: $0.string(0), title: $0.string(1), detail: $0.string(2),
                            date: Date(timeIntervalSince1970: $0.double(3)))
        }
        digest.unreadMessages = try database.queryFirst("SELECT count(*) FROM message WHERE profile_id = ? AND is_read = 0",
                                                        [profile]) { $0.int(0) } ?? 0
        if digest.unreadMessages > 0 {
            // The threads of the newest unread messages (the sent-at index read backwards).
            var threadIDs: [String] = []
            var offset = 0
            while threadIDs.count < rows {
                let page = try database.query("""
                    SELECT thread_id FROM message WHERE profile_id = ? AND is_read = 0 ORDER BY sent_at DESC LIMIT 100 OFFSET ?
                    """, [profile, offset]) { $0.string(0) }
                for id in page where !threadIDs.contains(id) && threadIDs.count < rows { threadIDs.append(id) }
                if page.count < 100 { break }
                offset += 100
            }
            digest.threads = try threadIDs.compactMap { id in
                try database.queryFirst("SELECT id, subject, correspondent, last_activity_at FROM thread WHERE id = ?", [id]) {
                    HomeDigest.Item(kind: .thread, id: $0.string(0), title: $0.string(1), detail: $0.string(2),
                                    date: Date(timeIntervalSince1970: $0.double(3)))
                }
            }
        }
        try agenda(into: &digest, profile: profile, now: now)
        try accesses(into: &digest, profile: profile, since: since ?? now.addingTimeInterval(-30 * 86400))
        digest.pending = try database.queryFirst("SELECT count(*) FROM outbox WHERE profile_id = ?", [profile]) { $0.int(0) } ?? 0
        return digest
    }

    /// The next rendez-vous and the rappels due: counted in SQL over the bodies' fields, in a
    /// window of time (what is ahead; a month back for what is overdue); only the top rows are
    /// decoded.
    private func agenda(into digest: inout HomeDigest, profile: String, now: Date) throws {
        let nowSeconds = now.timeIntervalSince1970
        let category = "json_extract(CAST(body AS TEXT), '$.category')", status = "json_extract(CAST(body AS TEXT), '$.status')"
        let appointments = "profile_id = ? AND start_at >= ? AND \(category) = 'appointment' AND \(status) = 'planned'"
        // Counted over the next 30 days (what the Accueil says), so the count stays bounded.
        digest.upcomingAppointments = try database.queryFirst("SELECT count(*) FROM agenda_event WHERE \(appointments) AND start_at < ?",
                                                              [profile, nowSeconds, nowSeconds + 30 * 86400]) { $0.int(0) } ?? 0
        digest.nextAppointment = try database.queryFirst("""
            SELECT body FROM agenda_event WHERE \(appointments) ORDER BY start_at, id LIMIT 1
            """, [profile, nowSeconds]) { try decoder.decode(AgendaEvent.self, from: Data($0.blob(0))) }.map { next in
            HomeDigest.Item(kind: .agendaEvent, id: next.id, title: next.title, detail: next.location ?? next.practitioner?.name, date: next.start)
        }
        let due = "profile_id = ? AND start_at BETWEEN ? AND ? AND \(category) != 'appointment' AND \(status) = 'planned'"
        let window: [any SQLBindable] = [profile, nowSeconds - 30 * 86400, nowSeconds + 7 * 86400]
        digest.dueReminders = try database.queryFirst("SELECT count(*) FROM agenda_event WHERE \(due)", window) { $0.int(0) } ?? 0
        digest.reminders = try database.query("SELECT body FROM agenda_event WHERE \(due) ORDER BY start_at, id LIMIT ?",
                                              window + [HomeDigest.rowsPerBlock]) { try decoder.decode(AgendaEvent.self, from: Data($0.blob(0))) }
            .map { HomeDigest.Item(kind: .agendaEvent, id: $0.id, title: $0.title, detail: $0.location, date: $0.start) }
    }

    /// Accesses by others since `since` (newest first): counted in SQL, the top rows decoded.
    private func accesses(into digest: inout HomeDigest, profile: String, since: Date) throws {
        let others = "profile_id = ? AND at > ? AND json_extract(CAST(body AS TEXT), '$.actorRole') != 'holder'"
        let values: [any SQLBindable] = [profile, since.timeIntervalSince1970]
        digest.recentAccesses = try database.queryFirst("SELECT count(*) FROM audit_entry WHERE \(others)", values) { $0.int(0) } ?? 0
        digest.accesses = try database.query("SELECT body FROM audit_entry WHERE \(others) ORDER BY at DESC, id LIMIT ?",
                                             values + [HomeDigest.rowsPerBlock]) { try decoder.decode(AuditEntry.self, from: Data($0.blob(0))) }
            .map { HomeDigest.Item(kind: .auditEntry, id: $0.id, title: $0.actorName, detail: $0.targetTitle, date: $0.date) }
    }
}
