import CSQLite

/// SQLite's `SQLITE_TRANSIENT`: makes SQLite copy bound text and blobs.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. Bind, step through rows, reset to reuse.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw database.error(sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    private static let emptyText: StaticString = ""

    /// Binds positional parameters (`?`), after clearing earlier bindings and resetting.
    public func bind(_ values: [any SQLBindable]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value.sqlValue {
            case .null: status = sqlite3_bind_null(handle, index)
            case .integer(let number): status = sqlite3_bind_int64(handle, index, number)
            case .real(let number): status = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                // With its byte count: a NUL inside the text is kept (a C string would end there).
                var text = text
                status = text.withUTF8 { buffer in
                    let bytes = UnsafeRawPointer(buffer.baseAddress ?? Self.emptyText.utf8Start).assumingMemoryBound(to: CChar.self)
                    return sqlite3_bind_text64(handle, index, bytes, UInt64(buffer.count), transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob64(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(buffer.count), transient)
                }
            }
            guard status == SQLITE_OK else { throw database.error(sql: sql) }
        }
    }

    /// Advances to the next row: true when a row is available, false when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    public func reset() {
        sqlite3_reset(handle)
    }

    /// The current row (valid until the next `step` or `reset`).
    public var row: Row { Row(statement: self) }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        String(cString: sqlite3_column_name(handle, Int32(index)))
    }
}

/// The columns of the current row of a statement.
public struct Row {
    let statement: Statement

    public func isNull(_ index: Int) -> Bool {
        sqlite3_column_type(statement.handle, Int32(index)) == SQLITE_NULL
    }

    public func int(_ index: Int) -> Int { Int(sqlite3_column_int64(statement.handle, Int32(index))) }
    public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(statement.handle, Int32(index)) }
    public func double(_ index: Int) -> Double { sqlite3_column_double(statement.handle, Int32(index)) }
    public func bool(_ index: Int) -> Bool { int64(index) != 0 }

    public func string(_ index: Int) -> String {
        guard let text = sqlite3_column_text(statement.handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(statement.handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func optionalString(_ index: Int) -> String? { isNull(index) ? nil : string(index) }
    public func optionalInt(_ index: Int) -> Int? { isNull(index) ? nil : int(index) }
    public func optionalDouble(_ index: Int) -> Double? { isNull(index) ? nil : double(index) }

    public func blob(_ index: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement.handle, Int32(index)))
        guard count > 0, let bytes = sqlite3_column_blob(statement.handle, Int32(index)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    public func value(_ index: Int) -> SQLValue {
        switch sqlite3_column_type(statement.handle, Int32(index)) {
        case SQLITE_INTEGER: .integer(int64(index))
        case SQLITE_FLOAT: .real(double(index))
        case SQLITE_TEXT: .text(string(index))
        case SQLITE_BLOB: .blob(blob(index))
        default: .null
        }
    }
}
