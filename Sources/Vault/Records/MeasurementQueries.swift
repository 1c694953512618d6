import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == HealthMeasurement {
    /// Per measure type of a space: how many measures it holds and its `recent` newest ones
    /// (oldest first). SQLite counts and picks the rows (a window over the `type` index); only
    /// the rows returned are decoded, so a profile with 10,000 measures opens at once.
    public func overview(profile: String, recent: Int) throws -> [MeasurementType: (count: Int, recent: [HealthMeasurement])] {
        let database = session.database, decoder = session.decoder
        var result: [MeasurementType: (count: Int, recent: [HealthMeasurement])] = [:]
        for (type, count) in try database.query("SELECT type, count(*) FROM measurement WHERE profile_id = ? GROUP BY type", [profile],
                                                 map: { ($0.string(0), $0.int(1)) }) {
            guard let type = MeasurementType(rawValue: type) else { continue }
            result[type] = (count, [])
        }
        let rows = try database.query("""
            SELECT m.type, m.body FROM measurement m JOIN (
                SELECT id, row_number() OVER (PARTITION BY type ORDER BY effective_at DESC, id DESC) AS n
                FROM measurement WHERE profile_id = ?
            ) r ON r.id = m.id
            WHERE r.n <= ? ORDER BY m.type, m.effective_at, m.id
            """, [profile, recent]) { row in (row.string(0), try decoder.decode(HealthMeasurement.self, from: Data(row.blob(1)))) }
        for (type, measure) in rows {
            guard let type = MeasurementType(rawValue: type) else { continue }
            result[type, default: (0, [])].recent.append(measure)
        }
        return result
    }
}
