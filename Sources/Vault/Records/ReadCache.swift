import HealthRecord
import SQLite

/// What the vault's reading connection keeps from one read transaction to the next, valid
/// while nothing was committed to the vault since it was read: SQLite's `PRAGMA data_version`
/// changes on that connection whenever any other connection (the vault's writer, another
/// process) commits, and the reading connection never writes. A new connection (after a lock)
/// starts with an empty cache.
///
/// It holds the documents a list shows in its order, search aside: each keystroke of a search
/// then filters it by the full-text matches instead of walking the list index again (the walk
/// was most of a keystroke at 30,000 documents and more).
///
/// Reached only inside the reader's mutex (`Vault.read`), hence `@unchecked Sendable`.
final class ReadCache: @unchecked Sendable {
    /// The documents of one list (its conditions and order as SQL and values), search aside.
    struct DocumentList {
        let key: String
        let dataVersion: Int64
        let ids: [String]
        let categories: [Document.Category]
    }

    var documentList: DocumentList?

    /// The cache as one read transaction sees it: `dataVersion` was taken before the
    /// transaction read anything, so what it stores is never older than that version.
    struct Stamped {
        let cache: ReadCache
        let dataVersion: Int64
    }

    static func dataVersion(of database: Database) throws -> Int64 {
        guard case .integer(let version) = try database.scalar("PRAGMA data_version") else { return -1 }
        return version
    }
}
