import SQLite

extension Vault {
    /// The version of the SQLite library linked at run time (`mes --version`).
    public static var sqliteVersion: String { Database.libraryVersion }
}
