import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == AgendaEvent {
    /// The items of a space starting in `[from, to)`, earliest first (the `start_at` index).
    public func starting(profile: String, from: Date, to: Date, limit: Int? = nil) throws -> [AgendaEvent] {
        var sql = "SELECT body FROM agenda_event WHERE profile_id = ? AND start_at >= ? AND start_at < ? ORDER BY start_at, id"
        if let limit { sql += " LIMIT \(limit)" }
        return try session.database.query(sql, [profile, from.timeIntervalSince1970, to.timeIntervalSince1970]) {
            try session.decoder.decode(AgendaEvent.self, from: Data($0.blob(0)))
        }
    }

    /// The iCalendar UIDs the items of a space were imported with (to recognise duplicates).
    public func externalUIDs(profile: String) throws -> Set<String> {
        Set(try all(profile: profile).compactMap(\.externalUID))
    }
}

extension RecordStore where Record == AgendaEvent {
    /// The items of a space that plan or mark a prevention step (their body names the step).
    public func preventionMarks(profile: String) throws -> [AgendaEvent] {
        try session.database.query("""
            SELECT body FROM agenda_event WHERE profile_id = ? AND instr(CAST(body AS TEXT), '"preventionStep"') > 0 ORDER BY start_at, id
            """, [profile]) { try session.decoder.decode(AgendaEvent.self, from: Data($0.blob(0))) }.filter { $0.preventionStep != nil }
    }
}
