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
            digest.threads = try database.query("""
                SELECT t.id, t.subject, t.correspondent, t.last_activity_at FROM thread t
                WHERE t.profile_id = ? AND EXISTS (SELECT 1 FROM message m WHERE m.thread_id = t.id AND m.is_read = 0)
                ORDER BY t.last_activity_at DESC, t.id LIMIT ?
                """, [profile, rows]) {
                HomeDigest.Item(kind: .thread, id: $0.string(0), title: $0.string(1), detail: $0.string(2),
                                date: Date(timeIntervalSince1970: $0.double(3)))
            }
        }
        try agenda(into: &digest, profile: profile, now: now)
        try accesses(into: &digest, profile: profile, since: since ?? now.addingTimeInterval(-30 * 86400))
        digest.pending = try database.queryFirst("SELECT count(*) FROM outbox WHERE profile_id = ?", [profile]) { $0.int(0) } ?? 0
        return digest
    }

    /// The next rendez-vous and the rappels due: the agenda's bodies are decoded only in a
    /// window of time (a week ahead, a month back for what is overdue), a page at a time.
    private func agenda(into digest: inout HomeDigest, profile: String, now: Date) throws {
        let nowSeconds = now.timeIntervalSince1970
        let page = 50
        var offset = 0
        while digest.nextAppointment == nil {
            let events = try database.query("""
                SELECT body FROM agenda_event WHERE profile_id = ? AND start_at >= ? ORDER BY start_at, id LIMIT ? OFFSET ?
                """, [profile, nowSeconds, page, offset]) { try decoder.decode(AgendaEvent.self, from: Data($0.blob(0))) }
            if let next = events.first(where: { $0.category == .appointment && $0.status == .planned }) {
                digest.nextAppointment = HomeDigest.Item(kind: .agendaEvent, id: next.id, title: next.title,
                                                         detail: next.location ?? next.practitioner?.name, date: next.start)
            }
            if events.count < page { break }
            offset += page
        }
        // Planned rendez-vous ahead (besides the next): counted in SQL over the bodies' fields.
        digest.upcomingAppointments = try database.queryFirst("""
            SELECT count(*) FROM agenda_event WHERE profile_id = ? AND start_at >= ?
            AND json_extract(CAST(body AS TEXT), '$.category') = 'appointment' AND json_extract(CAST(body AS TEXT), '$.status') = 'planned'
            """, [profile, nowSeconds]) { $0.int(0) } ?? 0
        let due = try database.query("""
            SELECT body FROM agenda_event WHERE profile_id = ? AND start_at BETWEEN ? AND ? ORDER BY start_at, id LIMIT 500
            """, [profile, nowSeconds - 30 * 86400, nowSeconds + 7 * 86400]) { try decoder.decode(AgendaEvent.self, from: Data($0.blob(0))) }
            .filter { $0.category != .appointment && $0.status == .planned }
        digest.dueReminders = due.count
        digest.reminders = due.prefix(HomeDigest.rowsPerBlock).map {
            HomeDigest.Item(kind: .agendaEvent, id: $0.id, title: $0.title, detail: $0.location, date: $0.start)
        }
    }

    /// Accesses by others since `since` (newest first).
    private func accesses(into digest: inout HomeDigest, profile: String, since: Date) throws {
        let entries = try database.query("""
            SELECT body FROM audit_entry WHERE profile_id = ? AND at > ? ORDER BY at DESC, id LIMIT 1000
            """, [profile, since.timeIntervalSince1970]) { try decoder.decode(AuditEntry.self, from: Data($0.blob(0))) }
            .filter(\.concernsSomeoneElse)
        digest.recentAccesses = entries.count
        digest.accesses = entries.prefix(HomeDigest.rowsPerBlock).map {
            HomeDigest.Item(kind: .auditEntry, id: $0.id, title: $0.actorName, detail: $0.targetTitle, date: $0.date)
        }
    }
}
