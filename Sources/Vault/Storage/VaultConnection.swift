import Foundation
import SQLite

/// Opens SQLite connections on a vault's database through the encrypting VFS, with the pragmas
/// the vault depends on.
enum VaultConnection {
    /// Opens a connection; `create` lays out a new, empty database first.
    static func open(path: String, keyToken: String, create: Bool = false) throws -> Database {
        EncryptedVFS.register()
        let uri = "file:" + percentEncoded(path) + "?mes_key=" + keyToken
        var options: Database.OpenOptions = [.readWrite, .uri, .noFollow]
        if create { options.insert(.create) }
        return try mappingDamage {
            let database = try Database(path: uri, options: options, vfs: EncryptedVFS.name)
            if create { try layOut(database) }
            try configure(database)
            return database
        }
    }

    /// Fixes the page geometry of a new database: 8192-byte pages with 40 reserved bytes for
    /// nonce and tag, then WAL mode. The journal is off while page 1 is first written, so no
    /// rollback journal (which the VFS refuses) is ever needed.
    private static func layOut(_ database: Database) throws {
        try database.execute("PRAGMA journal_mode = OFF")
        try database.execute("PRAGMA page_size = \(PageFormat.pageSize)")
        try database.setReservedBytesPerPage(PageFormat.reservedBytes)
        try database.execute("PRAGMA journal_mode = WAL")
    }

    /// Pragmas of every connection:
    /// - temporary tables, indices and statement journals in memory (never a temp file);
    /// - no memory-mapped I/O (every page passes through the VFS to be verified);
    /// - `synchronous = FULL`: each commit syncs the WAL, so a committed transaction survives a
    ///   power cut, and only the last transaction of a WAL can ever be torn (which is how the
    ///   VFS tells a torn frame from a tampered one);
    /// - a page cache per connection, 8 MiB until the vault's own setting is read (see
    ///   `VaultSettings.pageCacheKiB`): every miss costs a page's authentication and decryption;
    /// - foreign keys on, untrusted schema off, extra cell checks.
    private static func configure(_ database: Database) throws {
        database.setBusyTimeout(milliseconds: 5000)
        try database.execute("""
            PRAGMA temp_store = MEMORY;
            PRAGMA mmap_size = 0;
            PRAGMA synchronous = FULL;
            PRAGMA cache_size = -\(VaultSettings.defaultPageCacheKiB);
            PRAGMA foreign_keys = ON;
            PRAGMA trusted_schema = OFF;
            PRAGMA cell_size_check = ON;
            """)
        guard try database.scalar("PRAGMA journal_mode") == .text("wal"),
              try database.scalar("PRAGMA page_size") == .integer(Int64(PageFormat.pageSize)),
              try database.reservedBytesPerPage() == PageFormat.reservedBytes else {
            throw VaultError.damaged
        }
    }

    /// Sets the connection's page cache (`kib` already checked).
    static func setPageCache(kib: Int, _ database: Database) throws {
        try database.execute("PRAGMA cache_size = -\(kib)")
    }

    /// A path as the `file:` URI SQLite parses: everything but unreserved characters and `/`
    /// percent-encoded.
    static func percentEncoded(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
