import Foundation
import HealthRecord
import SQLite

extension RecordStore where Record == Document {
    /// The summaries of a profile's documents that `viewer` may see, for lists of any size: read
    /// from the table's columns, no record body is decoded. Documents marked `INVISIBLE_PATIENT`
    /// never come back for the patient's own viewers.
    public func summaries(profile: String, viewer: Document.Viewer = .patient,
                          categorizer: DocumentCategorizer) throws -> [DocumentSummary] {
        try session.database.query("""
            SELECT id, title, type_code, class_code, category, author, organization, created_at, format, size, origin, is_read,
                   visibility, author_rpps
            FROM document WHERE profile_id = ?
            """, [profile]) { row -> DocumentSummary? in
            let labels = Self.visibilityLabels(row.string(12))
            guard labels.isEmpty || Document.isVisible(visibility: labels, authorRPPS: row.optionalString(13), to: viewer) else { return nil }
            let typeCode = row.string(2), classCode = row.string(3)
            return DocumentSummary(
                id: row.string(0), title: row.string(1), typeCode: typeCode, classCode: classCode,
                category: categorizer.category(explicit: row.optionalString(4).flatMap(Document.Category.init(rawValue:)),
                                               typeCode: typeCode, classCode: classCode),
                authorName: row.string(5), organization: row.optionalString(6),
                date: Date(timeIntervalSince1970: row.double(7)), format: row.string(8), size: row.int(9),
                origin: Document.Origin(rawValue: row.string(10)) ?? .professional,
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

    /// The ids of every document of a profile a full-text search finds, in no order and without
    /// snippets (what a list filters on; visibility is the list's business). Fast for any count.
    public func matchingIDs(_ text: String, profile: String) throws -> Set<String> {
        guard let query = SearchIndex.query(from: text) else { return [] }
        return Set(try session.database.query(Self.matchingDocuments, [query, profile, RecordKind.document.rawValue]) { $0.string(0) })
    }

    /// The passage of one document that matches a search, the matched words between `[` and `]`.
    public func snippet(_ text: String, of id: String) throws -> String? {
        guard let query = SearchIndex.query(from: text) else { return nil }
        return try session.database.queryFirst("""
            SELECT snippet(search_index, -1, '[', ']', '…', 16) FROM search_index
            WHERE search_index MATCH ? AND rowid = (SELECT rowid FROM search_entry WHERE kind = ? AND record_id = ?)
            """, [query, RecordKind.document.rawValue, id]) { SearchIndex.oneLine($0.string(0)) }
    }

    /// Ids of the documents of a profile that `viewer` may not see (only labelled ones are looked at).
    public func hiddenIDs(profile: String, viewer: Document.Viewer) throws -> Set<String> {
        Set(try session.database.query("""
            SELECT id, visibility, author_rpps FROM document WHERE profile_id = ? AND visibility != ''
            """, [profile]) { row -> String? in
            Document.isVisible(visibility: Self.visibilityLabels(row.string(1)), authorRPPS: row.optionalString(2), to: viewer) ? nil : row.string(0)
        }.compactMap { $0 })
    }

    /// The labels of the `visibility` column (codes separated by spaces).
    private static func visibilityLabels(_ column: String) -> Set<VisibilityLabel> {
        column.isEmpty ? [] : Set(column.split(separator: " ").compactMap { VisibilityLabel(rawValue: String($0)) })
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
