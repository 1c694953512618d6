import CSQLite
import Crypto
import Glibc
import Synchronization

/// The encrypting VFS: a shim over SQLite's default "unix" VFS that seals every page of the main
/// database and of its WAL (see `PageFormat` and `EncryptedFile`). It opens nothing else: temporary
/// files, rollback and statement journals are refused, so nothing unencrypted can reach the disk
/// (the vault keeps `temp_store=MEMORY` and runs in WAL mode, which need none of them).
///
/// A connection names its key with the URI parameter `mes_key` (a token from `KeyRegistry`); the
/// WAL file of a connection finds its database file through `sqlite3_filename_database`.
enum EncryptedVFS {
    static let name = "mes-vault"

    /// Registers the VFS with SQLite once per process (not as the default).
    static func register() {
        _ = registration
    }

    private static let registration: Void = {
        // Before anything initialises SQLite: freed memory (the page cache of a closed
        // connection) is zeroed. Refused (harmlessly) when SQLite was initialised already.
        _ = mes_sqlite_zero_freed_memory()
        guard let underlying = sqlite3_vfs_find("unix") else { fatalError("SQLite has no unix VFS") }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: sqlite3_vfs())
        vfs.pointee.iVersion = 2
        vfs.pointee.szOsFile = Int32(fileHeaderSize) + underlying.pointee.szOsFile
        vfs.pointee.mxPathname = underlying.pointee.mxPathname
        vfs.pointee.zName = UnsafePointer(strdup(name))
        vfs.pointee.pAppData = UnsafeMutableRawPointer(underlying)
        vfs.pointee.xOpen = { vfs, name, file, flags, outFlags in
            EncryptedVFS.open(vfs: vfs!, name: name, file: file!, flags: flags, outFlags: outFlags)
        }
        vfs.pointee.xDelete = { vfs, name, syncDirectory in
            let real = underlyingVFS(vfs)
            return real.pointee.xDelete(real, name, syncDirectory)
        }
        vfs.pointee.xAccess = { vfs, name, flags, result in
            let real = underlyingVFS(vfs)
            return real.pointee.xAccess(real, name, flags, result)
        }
        vfs.pointee.xFullPathname = { vfs, name, count, output in
            let real = underlyingVFS(vfs)
            return real.pointee.xFullPathname(real, name, count, output)
        }
        vfs.pointee.xDlOpen = { vfs, name in
            let real = underlyingVFS(vfs)
            return real.pointee.xDlOpen(real, name)
        }
        vfs.pointee.xDlError = { vfs, count, message in
            let real = underlyingVFS(vfs)
            real.pointee.xDlError(real, count, message)
        }
        vfs.pointee.xDlSym = { vfs, handle, symbol in
            let real = underlyingVFS(vfs)
            return real.pointee.xDlSym(real, handle, symbol)
        }
        vfs.pointee.xDlClose = { vfs, handle in
            let real = underlyingVFS(vfs)
            real.pointee.xDlClose(real, handle)
        }
        vfs.pointee.xRandomness = { vfs, count, output in
            let real = underlyingVFS(vfs)
            return real.pointee.xRandomness(real, count, output)
        }
        vfs.pointee.xSleep = { vfs, microseconds in
            let real = underlyingVFS(vfs)
            return real.pointee.xSleep(real, microseconds)
        }
        vfs.pointee.xCurrentTime = { vfs, time in
            let real = underlyingVFS(vfs)
            return real.pointee.xCurrentTime(real, time)
        }
        vfs.pointee.xGetLastError = { vfs, count, message in
            let real = underlyingVFS(vfs)
            return real.pointee.xGetLastError(real, count, message)
        }
        vfs.pointee.xCurrentTimeInt64 = { vfs, time in
            let real = underlyingVFS(vfs)
            return real.pointee.xCurrentTimeInt64(real, time)
        }
        sqlite3_vfs_register(vfs, 0)
    }()

    /// Our part of each `sqlite3_file`: SQLite's base struct (the methods pointer), then the
    /// retained `EncryptedFile`; the underlying VFS's file follows.
    static let fileHeaderSize = 2 * MemoryLayout<UnsafeRawPointer>.stride

    private static func stateSlot(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<UnsafeMutableRawPointer?> {
        (UnsafeMutableRawPointer(file) + MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }

    static func underlyingFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + fileHeaderSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    static func state(_ file: UnsafeMutablePointer<sqlite3_file>?) -> EncryptedFile {
        Unmanaged<EncryptedFile>.fromOpaque(stateSlot(file!).pointee!).takeUnretainedValue()
    }

    private static func open(
        vfs: UnsafeMutablePointer<sqlite3_vfs>, name: UnsafePointer<CChar>?, file: UnsafeMutablePointer<sqlite3_file>,
        flags: Int32, outFlags: UnsafeMutablePointer<Int32>?
    ) -> Int32 {
        file.pointee.pMethods = nil
        guard let name else { return SQLITE_CANTOPEN }
        let role: EncryptedFile.Role
        let cipher: PageCipher
        var database: EncryptedFile?
        if flags & SQLITE_OPEN_MAIN_DB != 0 {
            role = .database
            guard let token = sqlite3_uri_parameter(name, "mes_key"),
                  let key = KeyRegistry.cipher(for: String(cString: token)) else { return SQLITE_CANTOPEN }
            cipher = key
        } else if flags & SQLITE_OPEN_WAL != 0 {
            role = .wal
            guard let databaseName = sqlite3_filename_database(name),
                  let partner = OpenDatabases.file(named: databaseName) else { return SQLITE_CANTOPEN }
            database = partner
            cipher = partner.cipher
        } else {
            return SQLITE_CANTOPEN  // no journal or temporary file may reach the disk
        }
        let real = underlyingVFS(vfs)
        let underlying = underlyingFile(file)
        let status = real.pointee.xOpen(real, name, underlying, flags, outFlags)
        guard status == SQLITE_OK else { return status }
        let state: EncryptedFile
        do {
            state = try EncryptedFile(role: role, cipher: cipher, real: underlying,
                                      databaseName: role == .database ? name : nil, database: database)
        } catch {
            _ = underlying.pointee.pMethods?.pointee.xClose(underlying)
            return SQLITE_NOMEM
        }
        stateSlot(file).pointee = Unmanaged.passRetained(state).toOpaque()
        if role == .database { OpenDatabases.add(state, named: name) }
        file.pointee.pMethods = UnsafePointer(ioMethods)
        return SQLITE_OK
    }

    private static func close(_ file: UnsafeMutablePointer<sqlite3_file>?) -> Int32 {
        let slot = stateSlot(file!)
        let state = Unmanaged<EncryptedFile>.fromOpaque(slot.pointee!)
        let encrypted = state.takeUnretainedValue()
        if let name = encrypted.databaseName { OpenDatabases.remove(named: name) }
        encrypted.close()
        let status = encrypted.real.pointee.pMethods?.pointee.xClose(encrypted.real) ?? SQLITE_OK
        slot.pointee = nil
        state.release()
        return status
    }

    /// The I/O methods of our files: version 2 (no xFetch), so SQLite never memory-maps the
    /// file and every page goes through xRead.
    nonisolated(unsafe) private static let ioMethods: UnsafeMutablePointer<sqlite3_io_methods> = {
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods())
        methods.pointee.iVersion = 2
        methods.pointee.xClose = { file in EncryptedVFS.close(file) }
        methods.pointee.xRead = { file, buffer, amount, offset in
            EncryptedVFS.state(file).read(UnsafeMutableRawBufferPointer(start: buffer, count: Int(amount)), at: offset)
        }
        methods.pointee.xWrite = { file, buffer, amount, offset in
            EncryptedVFS.state(file).write(UnsafeRawBufferPointer(start: buffer, count: Int(amount)), at: offset)
        }
        methods.pointee.xTruncate = { file, size in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xTruncate(real, size)
        }
        methods.pointee.xSync = { file, flags in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xSync(real, flags)
        }
        methods.pointee.xFileSize = { file, size in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xFileSize(real, size)
        }
        methods.pointee.xLock = { file, lock in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xLock(real, lock)
        }
        methods.pointee.xUnlock = { file, lock in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xUnlock(real, lock)
        }
        methods.pointee.xCheckReservedLock = { file, result in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xCheckReservedLock(real, result)
        }
        methods.pointee.xFileControl = { file, operation, argument in
            let state = EncryptedVFS.state(file)
            if operation == SQLITE_FCNTL_CKPT_START { state.checkpointing = true }
            if operation == SQLITE_FCNTL_CKPT_DONE { state.checkpointing = false }
            return state.real.pointee.pMethods.pointee.xFileControl(state.real, operation, argument)
        }
        methods.pointee.xSectorSize = { file in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xSectorSize(real)
        }
        methods.pointee.xDeviceCharacteristics = { file in
            // Powersafe overwrite: SQLite then never pads the WAL with partial frames, so every
            // page reaches us whole.
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xDeviceCharacteristics(real) | SQLITE_IOCAP_POWERSAFE_OVERWRITE
        }
        methods.pointee.xShmMap = { file, region, size, extend, address in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xShmMap(real, region, size, extend, address)
        }
        methods.pointee.xShmLock = { file, offset, count, flags in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xShmLock(real, offset, count, flags)
        }
        methods.pointee.xShmBarrier = { file in
            let real = EncryptedVFS.state(file).real
            real.pointee.pMethods.pointee.xShmBarrier(real)
        }
        methods.pointee.xShmUnmap = { file, delete in
            let real = EncryptedVFS.state(file).real
            return real.pointee.pMethods.pointee.xShmUnmap(real, delete)
        }
        return methods
    }()
}

private func underlyingVFS(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?) -> UnsafeMutablePointer<sqlite3_vfs> {
    vfs!.pointee.pAppData.assumingMemoryBound(to: sqlite3_vfs.self)
}

/// Main database files currently open through the VFS, by the name pointer SQLite gave `xOpen`
/// (the WAL's name lives in the same allocation: `sqlite3_filename_database` leads back to it).
enum OpenDatabases {
    private static let files = Mutex<[UInt: EncryptedFile]>([:])

    static func add(_ file: EncryptedFile, named name: UnsafePointer<CChar>) {
        files.withLock { $0[UInt(bitPattern: name)] = file }
    }

    static func remove(named name: UnsafePointer<CChar>) {
        files.withLock { _ = $0.removeValue(forKey: UInt(bitPattern: name)) }
    }

    static func file(named name: UnsafePointer<CChar>) -> EncryptedFile? {
        files.withLock { $0[UInt(bitPattern: name)] }
    }
}

/// The data keys of the vaults unlocked in this process, by a random token each connection names
/// in its URI. A token is an index, not a secret; the key itself stays in guarded memory.
enum KeyRegistry {
    private static let ciphers = Mutex<[String: PageCipher]>([:])

    /// Registers a key and returns its token.
    static func register(_ key: SecureBytes) -> String {
        let token = Hex.encode(Random.bytes(16))
        ciphers.withLock { $0[token] = PageCipher(key: key) }
        return token
    }

    static func unregister(_ token: String) {
        ciphers.withLock { _ = $0.removeValue(forKey: token) }
    }

    static func cipher(for token: String) -> PageCipher? {
        ciphers.withLock { $0[token] }
    }
}
