import FHIR
import Foundation
import SQLite

/// A resource row: its current version (or tombstone) and what authorization needs.
struct StoredResource: Sendable {
    var type: String
    var id: String
    var patient: String
    var version: Int
    var updated: String
    var seq: Int64
    var deleted: Bool
    var json: [UInt8]
    var flags: VisibilityFlags
    var authors: String

    var reference: String { "\(type)/\(id)" }
    var etag: String { "W/\"\(version)\"" }

    func resource() throws -> Resource { try Resource(parsing: json) }
}

/// SQL over the `resources` table. Callers hold the right connection (the writer for changes).
enum ResourceRepository {
    /// The columns `row` reads, from `resources` (the JSON body is fetched per output row).
    static let columns = """
        type, id, patient, version, updated, seq, deleted,
        (SELECT json FROM bodies WHERE bodies.key = resources.type || '/' || resources.id), flags, authors
        """
    /// The same without the body, for inner queries that filter and sort.
    static let indexColumns = "type, id, patient, version, updated, seq, deleted, flags, authors, date"

    static func row(_ row: Row) -> StoredResource {
        StoredResource(type: row.string(0), id: row.string(1), patient: row.string(2), version: row.int(3),
                       updated: row.string(4), seq: row.int64(5), deleted: row.bool(6), json: row.blob(7),
                       flags: VisibilityFlags(rawValue: row.int(8)), authors: row.string(9))
    }

    static func fetch(_ db: Database, type: String, id: String) throws -> StoredResource? {
        try db.queryFirst("SELECT \(columns) FROM resources WHERE type = ? AND id = ?", [type, id], map: row)
    }

    /// Writes a new version of `resource` (its meta set here) and gives it the next sequence number.
    @discardableResult
    static func save(_ db: Database, _ resource: inout Resource, index: ResourceIndex, now: Date) throws -> StoredResource {
        guard let id = resource.id else { throw APIError.unprocessable("the resource has no id") }
        let previous = try db.queryFirst("SELECT version, flags FROM resources WHERE type = ? AND id = ?", [resource.resourceType, id]) {
            ($0.int(0), $0.int(1))
        }
        let version = (previous?.0 ?? 0) + 1
        let updated = FHIRDateTime.instant(now)
        resource.versionId = String(version)
        resource.lastUpdated = updated
        let seq = try nextSequence(db)
        let bytes = resource.serialized()
        try db.run("""
            INSERT OR REPLACE INTO resources (type, id, patient, version, updated, seq, deleted, date, status, tokens, search_text, flags, authors, prior_flags)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)
            """, [resource.resourceType, id, index.patient, version, updated, seq, index.date, index.status,
                  index.tokenColumn, index.text, index.flags.rawValue, index.authorColumn, previous?.1 ?? index.flags.rawValue])
        try db.run("INSERT OR REPLACE INTO bodies (key, json) VALUES (?, ?)", ["\(resource.resourceType)/\(id)", bytes])
        try saveTokens(db, type: resource.resourceType, id: id, patient: index.patient, date: index.date, tokens: index.searchTokens)
        return StoredResource(type: resource.resourceType, id: id, patient: index.patient, version: version, updated: updated,
                              seq: seq, deleted: false, json: bytes, flags: index.flags, authors: index.authorColumn)
    }

    /// The side table of token parameters: one row per resource and token.
    static func saveTokens(_ db: Database, type: String, id: String, patient: String, date: String?, tokens: [String]) throws {
        try db.run("DELETE FROM resource_tokens WHERE type = ? AND id = ?", [type, id])
        for token in Set(tokens) {
            // A primary key column is never NULL: a resource without a date is keyed by "".
            try db.run("INSERT OR IGNORE INTO resource_tokens (patient, type, token, date, id) VALUES (?, ?, ?, ?, ?)", [patient, type, token, date ?? "", id])
        }
    }

    /// Rebuilds the token side table from the `tokens` and `status` columns (migration).
    static func reindexTokens(_ db: Database) throws {
        let rows = try db.query("SELECT type, id, patient, date, tokens, status FROM resources WHERE deleted = 0") {
            ($0.string(0), $0.string(1), $0.string(2), $0.optionalString(3), $0.string(4), $0.optionalString(5))
        }
        for (type, id, patient, date, tokens, status) in rows {
            let list = tokens.split(separator: " ").map(String.init) + (status.map { ["status=\($0)"] } ?? [])
            try saveTokens(db, type: type, id: id, patient: patient, date: date, tokens: list)
        }
    }

    /// Turns the resource into a tombstone (a new version, kept for the changes feed).
    static func markDeleted(_ db: Database, _ stored: StoredResource, now: Date) throws -> StoredResource {
        let seq = try nextSequence(db)
        let updated = FHIRDateTime.instant(now)
        try db.run("""
            UPDATE resources SET version = version + 1, updated = ?, seq = ?, deleted = 1,
            tokens = ' ', search_text = '', prior_flags = flags WHERE type = ? AND id = ?
            """, [updated, seq, stored.type, stored.id])
        try db.run("DELETE FROM resource_tokens WHERE type = ? AND id = ?", [stored.type, stored.id])
        try db.run("DELETE FROM bodies WHERE key = ?", [stored.reference])
        if stored.type == "Binary" { try db.run("DELETE FROM binaries WHERE id = ?", [stored.id]) }
        var tombstone = stored
        tombstone.version += 1
        tombstone.seq = seq
        tombstone.deleted = true
        tombstone.json = []
        tombstone.updated = updated
        return tombstone
    }

    static func nextSequence(_ db: Database) throws -> Int64 {
        if case .integer(let last) = try db.scalar("SELECT MAX(seq) FROM resources") { return last + 1 }
        return 1
    }

    /// The current sequence number (0 for an empty store).
    static func lastSequence(_ db: Database) throws -> Int64 {
        if case .integer(let last) = try db.scalar("SELECT MAX(seq) FROM resources") { return last }
        return 0
    }

    // MARK: - Binary content

    static func saveContent(_ db: Database, id: String, contentType: String, data: [UInt8]) throws {
        try db.run("INSERT OR REPLACE INTO binaries (id, content_type, data) VALUES (?, ?, ?)", [id, contentType, data])
    }

    static func content(_ db: Database, id: String) throws -> (contentType: String, data: [UInt8])? {
        try db.queryFirst("SELECT content_type, data FROM binaries WHERE id = ?", [id]) { ($0.string(0), $0.blob(1)) }
    }
}
