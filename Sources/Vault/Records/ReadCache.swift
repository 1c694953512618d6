import SQLite

/// What the vault's reading connection keeps from one read transaction to the next, valid
/// while nothing was committed to the vault since it was read: SQLite's `PRAGMA data_version`
/// changes on that connection whenever any other connection (the vault's writer, another
/// process) commits, and the reading connection never writes. A new connection (after a lock)
/// starts with an empty cache.
///
/// It holds what a search being typed would otherwise read again at every keystroke: the
/// documents a list shows in its order and the list's total before any filter (the walk of the
/// list index was most of a keystroke at 30,000 documents and more).
///
/// Reached only inside the reader's mutex (`Vault.read`), hence `@unchecked Sendable`.
final class ReadCache: @unchecked Sendable {
    /// A value read at one version of the vault, for one question (`key`: its SQL and values).
    struct Kept<Value> {
        let key: String
        let dataVersion: Int64
        let value: Value
    }

    var documentList: Kept<DocumentsInOrder>?
    var documentTotal: Kept<Int>?

    /// The cache as one read transaction sees it: `dataVersion` was taken before the
    /// transaction read anything, so what it stores is never older than that version.
    struct Stamped {
        let cache: ReadCache
        let dataVersion: Int64

        /// The value kept in `slot` for `key` at this version, else `read()`'s, kept.
        func value<Value>(_ slot: ReferenceWritableKeyPath<ReadCache, Kept<Value>?>, key: String, read: () throws -> Value) rethrows -> Value {
            if let kept = cache[keyPath: slot], kept.key == key, kept.dataVersion == dataVersion { return kept.value }
            let value = try read()
            cache[keyPath: slot] = Kept(key: key, dataVersion: dataVersion, value: value)
            return value
        }
    }

    static func dataVersion(of database: Database) throws -> Int64 {
        guard case .integer(let version) = try database.scalar("PRAGMA data_version") else { return -1 }
        return version
    }

    /// The key of a question asked in SQL.
    static func key(_ sql: String, _ values: [any SQLBindable]) -> String {
        ([sql] + values.map { String(reflecting: $0) }).joined(separator: "\u{1F}")
    }
}
