import CSQLite
import SQLite

/// What can go wrong with a vault. None of the cases carries secret or health data.
public enum VaultError: Error, Equatable, Sendable {
    /// There is no vault in this directory (run `mes vault init`).
    case notFound
    /// A vault already exists in this directory.
    case alreadyExists
    /// The passphrase does not open the vault.
    case wrongPassphrase
    /// The recovery key does not open the vault.
    case wrongRecoveryKey
    /// The recovery key was mistyped (its check characters do not match).
    case malformedRecoveryKey
    /// The vault is locked: unlock it first.
    case locked
    /// A page or the key file failed verification: the vault is damaged or was tampered with.
    case damaged
    /// The directory is writable by other users, or not owned by this user: refused.
    case insecureDirectory(path: String)
    /// A file of the vault is a link, is someone else's, or others may read or write it: refused.
    case insecureFile(path: String)
    /// `vault.db` is here but `vault.keys` is not: without it the vault cannot be opened, and
    /// nothing may replace the database.
    case keysMissing
    /// The vault was written by a newer version of mes.
    case schemaTooNew
    /// A passphrase was empty.
    case emptyPassphrase

    /// The error SQLite reported, as a vault error when it means damage.
    static func from(_ error: Error) -> Error {
        if let sqlite = error as? SQLiteError, isDamage(sqlite) { return VaultError.damaged }
        if case MigrationError.schemaTooNew = error { return VaultError.schemaTooNew }
        return error
    }

    static func isDamage(_ error: SQLiteError) -> Bool {
        error.extendedCode == VFSResult.damaged || error.code == SQLITE_CORRUPT || error.code == SQLITE_NOTADB
    }
}

/// Runs `body`, reporting SQLite's damage codes as `VaultError.damaged`.
@discardableResult
func mappingDamage<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw VaultError.from(error)
    }
}
