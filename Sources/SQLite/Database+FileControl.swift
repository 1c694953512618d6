import CSQLite

extension Database {
    /// `sqlite3_file_control`: sends `operation` to the VFS file of `schema` ("main" by default).
    /// Returns SQLite's result code.
    public func fileControl(_ operation: Int32, _ argument: UnsafeMutableRawPointer?, schema: String = "main") -> Int32 {
        sqlite3_file_control(handle, schema, operation, argument)
    }

    /// The number of bytes reserved at the end of every page (`SQLITE_FCNTL_RESERVE_BYTES`).
    public func reservedBytesPerPage() throws(SQLiteError) -> Int {
        var count: Int32 = -1
        let status = fileControl(SQLITE_FCNTL_RESERVE_BYTES, &count)
        guard status == SQLITE_OK else { throw SQLiteError(extendedCode: status, message: "SQLITE_FCNTL_RESERVE_BYTES") }
        return Int(count)
    }

    /// Sets the bytes reserved at the end of every page. Only possible before the database's
    /// first page is written (a new, empty database).
    public func setReservedBytesPerPage(_ count: Int) throws(SQLiteError) {
        var value = Int32(count)
        let status = fileControl(SQLITE_FCNTL_RESERVE_BYTES, &value)
        guard status == SQLITE_OK else { throw SQLiteError(extendedCode: status, message: "SQLITE_FCNTL_RESERVE_BYTES") }
        guard try reservedBytesPerPage() == count else {
            throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "reserved bytes can only be set on an empty database")
        }
    }

    public enum CheckpointMode: Sendable {
        case passive, full, restart, truncate

        var rawValue: Int32 {
            switch self {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .full: SQLITE_CHECKPOINT_FULL
            case .restart: SQLITE_CHECKPOINT_RESTART
            case .truncate: SQLITE_CHECKPOINT_TRUNCATE
            }
        }
    }

    /// Runs a WAL checkpoint on the main database. Returns the frames in the log and how many
    /// of them are now in the database file.
    @discardableResult
    public func checkpoint(_ mode: CheckpointMode = .passive) throws(SQLiteError) -> (logFrames: Int, checkpointed: Int) {
        var log: Int32 = 0
        var done: Int32 = 0
        let status = sqlite3_wal_checkpoint_v2(handle, "main", mode.rawValue, &log, &done)
        guard status == SQLITE_OK else { throw error(sql: nil) }
        return (Int(log), Int(done))
    }
}
