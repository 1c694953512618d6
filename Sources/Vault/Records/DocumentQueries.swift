import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == Document {
    /// The summaries of a profile's documents that `viewer` may see, for lists of any size: the
    /// fields are read inside SQLite (`json_extract`), no record body is decoded in Swift.
    /// Documents marked `INVISIBLE_PATIENT` never come back for the patient's own viewers.
    public func summaries(profile: String, viewer: Document.Viewer = .patient,
                          categorizer: DocumentCategorizer) throws -> [DocumentSummary] {
        let sql = """
            SELECT id, json_extract(j, '$.title'), type_code, class_code, json_extract(j, '$.category'),
                   json_extract(j, '$.author.name'), json_extract(j, '$.author.organization'), created_at,
                   json_extract(j, '$.format'), json_extract(j, '$.size'), json_extract(j, '$.origin'), is_read,
                   json_extract(j, '$.visibility'), json_extract(j, '$.author.rpps')
            FROM (SELECT id, type_code, class_code, created_at, is_read, CAST(body AS TEXT) AS j FROM document WHERE profile_id = ?)
            """
        return try session.database.query(sql, [profile]) { row -> DocumentSummary? in
            let labels = Self.visibilityLabels(row.optionalString(12))
            guard Document.isVisible(visibility: labels, authorRPPS: row.optionalString(13), to: viewer) else { return nil }
            let typeCode = row.string(2), classCode = row.string(3)
            return DocumentSummary(
                id: row.string(0), title: row.optionalString(1) ?? "", typeCode: typeCode, classCode: classCode,
                category: categorizer.category(explicit: row.optionalString(4).flatMap(Document.Category.init(rawValue:)),
                                               typeCode: typeCode, classCode: classCode),
                authorName: row.optionalString(5) ?? "", organization: row.optionalString(6),
                date: Date(timeIntervalSince1970: row.double(7)), format: row.optionalString(8) ?? "",
                size: row.optionalInt(9) ?? 0, origin: row.optionalString(10).flatMap(Document.Origin.init(rawValue:)) ?? .professional,
                isRead: row.bool(11), isMasked: labels.contains(.maskedFromProfessionals))
        }.compactMap { $0 }
    }

    /// Marks a document read on this device. The mark is not sent to the server (the wire has
    /// no such field), so no outbox entry is written.
    public func markRead(_ id: String) throws {
        guard var document = try find(id), !document.isRead else { return }
        document.isRead = true
        try save(document, origin: .remote)
    }

    /// The documents of a profile that a full-text search finds (titles, authors, types, notes
    /// and extracted text), best first, leaving out those `viewer` may not see.
    public func search(_ text: String, profile: String, viewer: Document.Viewer = .patient, limit: Int = 10_000) throws -> [SearchHit] {
        let hits = try session.search(text, profile: profile, kinds: [.document], limit: limit)
        guard !hits.isEmpty else { return hits }
        let hidden = try hiddenIDs(profile: profile, viewer: viewer)
        return hidden.isEmpty ? hits : hits.filter { !hidden.contains($0.recordID) }
    }

    /// Ids of the documents of a profile that `viewer` may not see. Only bodies with visibility
    /// labels are decoded (a byte search finds them), so this stays cheap on large spaces.
    public func hiddenIDs(profile: String, viewer: Document.Viewer) throws -> Set<String> {
        let labelled = try session.database.query("""
            SELECT body FROM document WHERE profile_id = ? AND instr(body, CAST('"visibility":[]' AS BLOB)) = 0
            """, [profile]) { row in try session.decoder.decode(Document.self, from: Data(row.blob(0))) }
        return Set(labelled.filter { !$0.isVisible(to: viewer) }.map(\.id))
    }

    private static func visibilityLabels(_ json: String?) -> Set<VisibilityLabel> {
        guard let json, json.count > 2 else { return [] }
        return Set(VisibilityLabel.allCases.filter { json.contains("\"\($0.rawValue)\"") })
    }
}

extension RecordStore where Record == AuditEntry {
    /// The activity about one record (a document's history), newest first.
    public func about(_ targetID: String, profile: String) throws -> [AuditEntry] {
        try session.database.query("""
            SELECT body FROM audit_entry WHERE profile_id = ? AND json_extract(CAST(body AS TEXT), '$.targetID') = ?
            ORDER BY at DESC, id
            """, [profile, targetID]) { row in
            try session.decoder.decode(AuditEntry.self, from: Data(row.blob(0)))
        }
    }
}
