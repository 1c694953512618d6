import SQLite

/// Secondary indexes an initial sync builds once, after it has filled their table, instead of
/// keeping them row by row (issue 20): thousands of documents arrive in no order of date, title
/// or author, so every page of changes rewrote most pages of those indexes, and the WAL carried
/// (and the VFS encrypted) them again at every commit. Building an index afterwards sorts the
/// keys once and writes each of its pages once; the table's pages it scans stay in a page cache
/// raised for the build, so the table is read and decrypted once for all of them.
///
/// The indexes are dropped only while their table is empty, and their definitions (SQLite's own
/// text from `sqlite_master`) are kept in the vault's settings in the same transaction, so a
/// crash mid-sync loses nothing: the next pull that ends builds them. Queries give the same
/// results without them, only slower. The unique index on the record's id stays: the sync's
/// upserts and lookups use it.
public struct DeferredIndexes {
    let session: VaultSession
    static let settingKey = "vault.deferred-indexes"
    /// The indexes deferred, by table: every secondary index of the documents (profile, type,
    /// class, read flag, date, and the lists' date, title and author orders; the sync itself
    /// reads none of them).
    static let deferrable: [(table: String, indexes: Set<String>)] = [
        ("document", ["document_profile", "document_type_code", "document_class_code", "document_is_read",
                      "document_created_at", "document_list_date", "document_list_title", "document_list_author"]),
    ]

    /// Drops the deferrable indexes of the tables that are empty; true when indexes wait to be
    /// built (dropped now, or by an earlier pull that did not end).
    public func deferIfEmpty() throws -> Bool {
        var pending = try session.settings.value(Self.settingKey, as: [String].self) ?? []
        for (table, deferrable) in Self.deferrable {
            guard try session.database.scalar("SELECT EXISTS (SELECT 1 FROM \(table))") == .integer(0) else { continue }
            let indexes = try session.database.query("""
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name
                """, [table]) { ($0.string(0), $0.string(1)) }
            for (name, sql) in indexes where deferrable.contains(name) {
                pending.append(sql)
                try session.database.execute("DROP INDEX \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
            }
        }
        if !pending.isEmpty { try session.settings.set(pending, for: Self.settingKey) }
        return !pending.isEmpty
    }

    /// Builds the deferred indexes (each as SQLite wrote its definition) and forgets them.
    ///
    /// Each index is built from a scan of its whole table: the page cache is raised for the
    /// build (up to `buildCacheKiB`), so the table is read and decrypted once rather than once
    /// per index when it is larger than the vault's usual cache, then set back.
    public func build() throws {
        guard let pending = try session.settings.value(Self.settingKey, as: [String].self) else { return }
        let cache = try session.database.scalar("PRAGMA cache_size")
        // A negative cache_size is in KiB, a positive one in pages.
        if case .integer(let size) = cache, (size < 0 ? -size : size * Int64(PageFormat.pageSize / 1024)) < Self.buildCacheKiB {
            try session.database.execute("PRAGMA cache_size = -\(Self.buildCacheKiB)")
        }
        defer { if case .integer(let size) = cache { try? session.database.execute("PRAGMA cache_size = \(size)") } }
        for sql in pending {
            guard sql.hasPrefix("CREATE INDEX ") else { continue }
            try session.database.execute("CREATE INDEX IF NOT EXISTS " + sql.dropFirst("CREATE INDEX ".count))
        }
        try session.settings.remove(Self.settingKey)
    }

    /// The page cache while deferred indexes are built, in KiB (the pages a scan decrypts stay
    /// in memory, as every page the vault reads does; none reaches the disk in clear).
    static let buildCacheKiB: Int64 = 65_536

    /// True when indexes wait to be built.
    public var arePending: Bool {
        get throws { try session.settings.value(Self.settingKey, as: [String].self) != nil }
    }
}

extension VaultSession {
    public var deferredIndexes: DeferredIndexes { DeferredIndexes(session: self) }

    /// The tables and indexes of the schema with their SQL (tests compare them after a sync).
    public func schemaEntries() throws -> [(type: String, name: String, table: String, sql: String)] {
        try database.query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") {
            (type: $0.string(0), name: $0.string(1), table: $0.string(2), sql: $0.string(3))
        }
    }
}

