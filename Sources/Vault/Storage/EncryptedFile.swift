import CSQLite
import Crypto

/// SQLite's result codes the shim returns (extended codes built from their documented values).
enum VFSResult {
    static let ok = SQLITE_OK
    /// A page failed authentication: the vault is damaged or was tampered with.
    static let damaged: Int32 = SQLITE_IOERR | (32 << 8)  // SQLITE_IOERR_DATA
    static let shortRead: Int32 = SQLITE_IOERR | (2 << 8)  // SQLITE_IOERR_SHORT_READ
    static let readError: Int32 = SQLITE_IOERR | (1 << 8)  // SQLITE_IOERR_READ
    static let writeError: Int32 = SQLITE_IOERR | (3 << 8)  // SQLITE_IOERR_WRITE
}

/// The state of one file the encrypting VFS opened: the main database or its WAL.
///
/// SQLite uses each `sqlite3_file` from one connection at a time, so the mutable state here
/// (the scratch buffer, the checkpoint flag) needs no lock.
final class EncryptedFile: @unchecked Sendable {
    enum Role { case database, wal }

    let role: Role
    let cipher: PageCipher
    /// The underlying file of the wrapped VFS, which lives right after our header in SQLite's
    /// allocation.
    let real: UnsafeMutablePointer<sqlite3_file>
    /// For the main database: the name pointer SQLite gave `xOpen` (WAL files find their
    /// database through it). Nil for a WAL.
    let databaseName: UnsafePointer<CChar>?
    /// For a WAL: the main database file of the same connection (its checkpoint flag).
    let database: EncryptedFile?
    /// True between `SQLITE_FCNTL_CKPT_START` and `CKPT_DONE` on a database file: pages read from
    /// the WAL and written here are moved as ciphertext.
    var checkpointing = false
    /// The last frame header written to a WAL: its offset and page number.
    private var lastFrameHeader: (offset: Int64, pageNumber: UInt32)?
    /// One WAL frame of guarded memory, for sealing copies of pages and for partial reads.
    private let scratch: SecureBytes

    init(role: Role, cipher: PageCipher, real: UnsafeMutablePointer<sqlite3_file>,
         databaseName: UnsafePointer<CChar>?, database: EncryptedFile?) throws {
        self.role = role
        self.cipher = cipher
        self.real = real
        self.databaseName = databaseName
        self.database = database
        self.scratch = try SecureBytes(count: PageFormat.walFrameLength)
    }

    // MARK: Calls to the wrapped file

    private var methods: sqlite3_io_methods { real.pointee.pMethods.pointee }

    func realRead(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int32 {
        methods.xRead(real, buffer.baseAddress, Int32(buffer.count), offset)
    }

    func realWrite(_ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        methods.xWrite(real, buffer.baseAddress, Int32(buffer.count), offset)
    }

    func realFileSize() -> Int64? {
        var size: Int64 = 0
        return methods.xFileSize(real, &size) == SQLITE_OK ? size : nil
    }

    // MARK: Reads and writes

    func read(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int32 {
        let status = role == .database ? readDatabase(buffer, at: offset) : readWAL(buffer, at: offset)
        if status != VFSResult.ok && status != VFSResult.shortRead { buffer.initializeMemory(as: UInt8.self, repeating: 0) }
        return status
    }

    func write(_ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        role == .database ? writeDatabase(buffer, at: offset) : writeWAL(buffer, at: offset)
    }

    /// Wipes the scratch buffer (it may hold a plaintext page).
    func close() {
        scratch.wipe()
    }

    // MARK: Database file

    private static let pageSize = Int64(PageFormat.pageSize)

    private func readDatabase(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int32 {
        if buffer.count == PageFormat.pageSize && offset % Self.pageSize == 0 {
            return readDatabasePage(buffer, at: offset)
        }
        // A partial read (the 100-byte header when SQLite opens the file, a field of page 1):
        // authenticate and decrypt each page it touches, then copy the bytes asked for.
        var status = VFSResult.ok
        var done = 0
        while done < buffer.count {
            let position = offset + Int64(done)
            let pageStart = position - position % Self.pageSize
            let within = Int(position - pageStart)
            let length = min(buffer.count - done, PageFormat.pageSize - within)
            let pageStatus = scratch.withUnsafeMutableBytes { frame in
                let page = UnsafeMutableRawBufferPointer(rebasing: frame[..<PageFormat.pageSize])
                let result = readDatabasePage(page, at: pageStart)
                UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + length)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: page[within..<(within + length)]))
                page.initializeMemory(as: UInt8.self, repeating: 0)
                return result
            }
            if pageStatus == VFSResult.shortRead {
                status = VFSResult.shortRead
            } else if pageStatus != VFSResult.ok {
                return pageStatus
            }
            done += length
        }
        return status
    }

    /// Reads one whole page: a page beyond the end of the file reads as zeros (short read, as
    /// SQLite expects); anything else must authenticate.
    private func readDatabasePage(_ page: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int32 {
        let status = realRead(page, at: offset)
        if status == VFSResult.shortRead {
            return page.allSatisfy({ $0 == 0 }) ? status : VFSResult.damaged
        }
        guard status == VFSResult.ok else { return status }
        do {
            try cipher.open(page, pageNumber: UInt32(offset / Self.pageSize + 1))
            return VFSResult.ok
        } catch {
            return VFSResult.damaged
        }
    }

    private func writeDatabase(_ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        if checkpointing {
            // A checkpoint copies WAL frames, read as ciphertext: they are already sealed for
            // this page number.
            return realWrite(buffer, at: offset)
        }
        guard buffer.count == PageFormat.pageSize, offset % Self.pageSize == 0 else { return VFSResult.writeError }
        let pageNumber = UInt32(offset / Self.pageSize + 1)
        // Refuse a database whose pages do not reserve room for nonce and tag.
        if pageNumber == 1 && !PageFormat.headerDeclaresLayout(buffer) { return VFSResult.writeError }
        return sealAndWrite(buffer, pageNumber: pageNumber, at: offset)
    }

    /// Seals a copy of a page (SQLite's buffer is its live page cache) and writes it.
    private func sealAndWrite(_ buffer: UnsafeRawBufferPointer, pageNumber: UInt32, at offset: Int64) -> Int32 {
        scratch.withUnsafeMutableBytes { frame in
            let page = UnsafeMutableRawBufferPointer(rebasing: frame[..<PageFormat.pageSize])
            page.copyMemory(from: buffer)
            do {
                try cipher.seal(page, pageNumber: pageNumber)
            } catch {
                page.initializeMemory(as: UInt8.self, repeating: 0)
                return VFSResult.writeError
            }
            return realWrite(UnsafeRawBufferPointer(page), at: offset)
        }
    }

    // MARK: WAL file

    /// Where an offset falls in the WAL: the frame's start and the position within the frame.
    private func walPosition(_ offset: Int64) -> (frameOffset: Int64, within: Int64)? {
        guard offset >= PageFormat.walHeaderLength else { return nil }
        let relative = offset - Int64(PageFormat.walHeaderLength)
        let within = relative % Int64(PageFormat.walFrameLength)
        return (offset - within, within)
    }

    private func readWAL(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int32 {
        let end = offset + Int64(buffer.count)
        guard let (frameOffset, within) = walPosition(offset) else {
            // The WAL header.
            return end <= PageFormat.walHeaderLength ? realRead(buffer, at: offset) : VFSResult.readError
        }
        let header = Int64(PageFormat.walFrameHeaderLength)
        if within == header && buffer.count == PageFormat.pageSize {
            if database?.checkpointing == true { return realRead(buffer, at: offset) }
            return readFramePage(buffer, frameOffset: frameOffset)
        }
        if within == 0 && buffer.count == PageFormat.walFrameLength {
            return readWholeFrame(buffer, frameOffset: frameOffset)
        }
        if end <= frameOffset + header {
            return realRead(buffer, at: offset)  // frame header fields
        }
        return VFSResult.readError  // SQLite reads pages whole; anything else is refused
    }

    /// A page of a committed frame, as a reader fetches it: it must authenticate.
    private func readFramePage(_ buffer: UnsafeMutableRawBufferPointer, frameOffset: Int64) -> Int32 {
        scratch.withUnsafeMutableBytes { frame in
            let status = realRead(frame, at: frameOffset)
            guard status == VFSResult.ok else { return status == VFSResult.shortRead ? VFSResult.damaged : status }
            let page = UnsafeMutableRawBufferPointer(rebasing: frame[PageFormat.walFrameHeaderLength...])
            do {
                try cipher.open(page, pageNumber: Self.pageNumber(in: UnsafeRawBufferPointer(frame)))
            } catch {
                return VFSResult.damaged
            }
            buffer.copyMemory(from: UnsafeRawBufferPointer(page))
            page.initializeMemory(as: UInt8.self, repeating: 0)
            return VFSResult.ok
        }
    }

    /// A whole frame, as SQLite reads it when it rebuilds the WAL index after a crash (and when
    /// it rewrites checksums of frames it just wrote).
    ///
    /// A frame that fails authentication is either torn (a crash while it was written; SQLite's
    /// own checksum would end the log there) or tampered with. With `synchronous=FULL` every
    /// transaction but the last one was synced before the next began, so only the final
    /// transaction can be torn: there the page reads as random bytes, its checksum fails and
    /// SQLite drops the uncommitted tail, as it would without encryption. Anywhere earlier the
    /// failure is reported as damage.
    private func readWholeFrame(_ buffer: UnsafeMutableRawBufferPointer, frameOffset: Int64) -> Int32 {
        let status = realRead(buffer, at: frameOffset)
        guard status == VFSResult.ok else { return status }
        let page = UnsafeMutableRawBufferPointer(rebasing: buffer[PageFormat.walFrameHeaderLength...])
        do {
            try cipher.open(page, pageNumber: Self.pageNumber(in: UnsafeRawBufferPointer(buffer)))
            return VFSResult.ok
        } catch {
            guard isInFinalTransaction(frameHeader: UnsafeRawBufferPointer(rebasing: buffer[..<PageFormat.walFrameHeaderLength]),
                                       frameOffset: frameOffset) else { return VFSResult.damaged }
            Random.fill(page)
            return VFSResult.ok
        }
    }

    /// True when SQLite would not count this frame as part of a committed transaction followed
    /// by another: its salts are not the log's current ones, or at most one commit frame of the
    /// current log lies at or after it.
    private func isInFinalTransaction(frameHeader: UnsafeRawBufferPointer, frameOffset: Int64) -> Bool {
        var walHeader = [UInt8](repeating: 0, count: PageFormat.walHeaderLength)
        let headerStatus = walHeader.withUnsafeMutableBytes { realRead($0, at: 0) }
        guard headerStatus == VFSResult.ok, let size = realFileSize() else { return false }
        let salts = Array(walHeader[16..<24])
        guard Array(frameHeader[8..<16]) == salts else { return true }
        var commits = 0
        var position = frameOffset
        var header = [UInt8](repeating: 0, count: PageFormat.walFrameHeaderLength)
        while position + Int64(PageFormat.walFrameLength) <= size {
            guard header.withUnsafeMutableBytes({ realRead($0, at: position) }) == VFSResult.ok else { return false }
            if Array(header[8..<16]) == salts && header[4..<8].contains(where: { $0 != 0 }) {
                commits += 1
                if commits > 1 { return false }
            }
            position += Int64(PageFormat.walFrameLength)
        }
        return true
    }

    private func writeWAL(_ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        guard let (frameOffset, within) = walPosition(offset) else {
            return offset + Int64(buffer.count) <= PageFormat.walHeaderLength ? realWrite(buffer, at: offset) : VFSResult.writeError
        }
        if within == 0 && buffer.count == PageFormat.walFrameHeaderLength {
            lastFrameHeader = (frameOffset, Self.pageNumber(in: buffer))
            return realWrite(buffer, at: offset)
        }
        // The frame's checksum, already in its header, covers the page's reserved bytes as SQLite
        // handed them over: they must be zero, as reads return them, or recovery would end here.
        guard within == Int64(PageFormat.walFrameHeaderLength) && buffer.count == PageFormat.pageSize,
              PageCipher.hasBlankReservedBytes(buffer) else {
            return VFSResult.writeError
        }
        // The frame's header was written just before (or, when SQLite rewrites a page of the
        // transaction in place, earlier): it holds the page number the seal binds to.
        let pageNumber: UInt32
        if let last = lastFrameHeader, last.offset == frameOffset {
            pageNumber = last.pageNumber
        } else {
            var header = [UInt8](repeating: 0, count: 4)
            guard header.withUnsafeMutableBytes({ realRead($0, at: frameOffset) }) == VFSResult.ok else { return VFSResult.writeError }
            pageNumber = header.withUnsafeBytes { Self.pageNumber(in: $0) }
        }
        return sealAndWrite(buffer, pageNumber: pageNumber, at: offset)
    }

    /// The big-endian page number at the start of a WAL frame header.
    private static func pageNumber(in frameHeader: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(frameHeader[0]) << 24 | UInt32(frameHeader[1]) << 16 | UInt32(frameHeader[2]) << 8 | UInt32(frameHeader[3])
    }
}
