import CSQLite

/// An error reported by SQLite, with its extended result code and message.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_IOERR_READ`, …).
    public var extendedCode: Int32
    public var message: String
    /// The SQL that failed, when known (statements only: never bound values).
    public var sql: String?

    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code (`SQLITE_CONSTRAINT`, `SQLITE_IOERR`, `SQLITE_CORRUPT`, …).
    public var code: Int32 { extendedCode & 0xff }

    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    public var description: String {
        "SQLite error \(extendedCode): \(message)" + (sql.map { " in «\($0)»" } ?? "")
    }
}
