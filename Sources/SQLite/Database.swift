import CSQLite

/// One SQLite connection. Not thread-safe by itself: keep each connection in one isolation domain
/// (an actor, or a mutex's critical section).
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statementCache: [String: Statement] = [:]

    public struct OpenOptions: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let readOnly = OpenOptions(rawValue: SQLITE_OPEN_READONLY)
        public static let readWrite = OpenOptions(rawValue: SQLITE_OPEN_READWRITE)
        public static let create = OpenOptions(rawValue: SQLITE_OPEN_CREATE)
        public static let memory = OpenOptions(rawValue: SQLITE_OPEN_MEMORY)
        public static let uri = OpenOptions(rawValue: SQLITE_OPEN_URI)
        public static let noFollow = OpenOptions(rawValue: SQLITE_OPEN_NOFOLLOW)
    }

    /// Opens (or creates) the database at `path` through the named VFS (nil: the default).
    /// Connections use SQLite's full-mutex mode off: each belongs to one isolation domain.
    public init(path: String, options: OpenOptions = [.readWrite, .create], vfs: String? = nil) throws(SQLiteError) {
        var connection: OpaquePointer?
        let flags = options.rawValue | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite3_open_v2(path, &connection, flags, vfs)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            if let connection { sqlite3_close_v2(connection) }
            throw SQLiteError(extendedCode: status, message: message)
        }
        self.handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A new prepared statement, owned by the caller.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement reused across calls with the same SQL (reset and rebound each time).
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows.
    public func run(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) {
        try run(sql, values)
    }

    public func run(_ sql: String, _ values: [any SQLBindable]) throws(SQLiteError) {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Runs a query and maps every row.
    public func query<T>(_ sql: String, _ values: [any SQLBindable] = [], map: (Row) throws -> T) throws -> [T] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var results: [T] = []
        while try statement.step() {
            results.append(try map(statement.row))
        }
        return results
    }

    /// The first row of a query, mapped, or nil when there is none.
    public func queryFirst<T>(_ sql: String, _ values: [any SQLBindable] = [], map: (Row) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? map(statement.row) : nil
    }

    /// The first column of the first row, or `.null`.
    public func scalar(_ sql: String, _ values: [any SQLBindable] = []) throws(SQLiteError) -> SQLValue {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? statement.row.value(0) : .null
    }

    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls run inside the outer transaction through a savepoint.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if !isAutocommit {
            let name = "nested_\(savepointDepth)"
            savepointDepth += 1
            defer { savepointDepth -= 1 }
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }
    private var savepointDepth = 0

    /// True outside any transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// How long a connection waits for a lock held by another one before reporting busy.
    public func setBusyTimeout(milliseconds: Int) {
        sqlite3_busy_timeout(handle, Int32(milliseconds))
    }

    /// `PRAGMA user_version`: the schema version migrations maintain.
    public var userVersion: Int {
        get throws(SQLiteError) {
            if case .integer(let version) = try scalar("PRAGMA user_version") { return Int(version) }
            return 0
        }
    }

    func error(sql: String?) -> SQLiteError {
        SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// The SQLite library version, e.g. "3.40.1".
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}
