import Crypto

/// The on-disk layout of the vault's pages (DESIGN.md §6).
///
/// Every page is 8192 bytes and ends with 40 reserved bytes (SQLite's "reserved space", set when
/// the database is created) that hold the page's random 24-byte XChaCha20-Poly1305 nonce and its
/// 16-byte tag. The first 24 bytes of page 1 (format string, page size, file format versions,
/// reserved-byte count, payload fractions) stay clear so the file still reads as an SQLite
/// database with its geometry; they are authenticated as additional data.
enum PageFormat {
    static let pageSize = 8192
    static let nonceLength = XChaCha20Poly1305.nonceLength
    static let tagLength = XChaCha20Poly1305.tagLength
    static let reservedBytes = 40
    /// Bytes of page 1 left in clear: the SQLite header up to and including the payload fractions.
    static let clearHeaderLength = 24
    static let nonceOffset = pageSize - reservedBytes
    static let tagOffset = nonceOffset + nonceLength

    /// The WAL file's own header, and each frame's header, stay clear (SQLite's bookkeeping:
    /// page numbers, salts, checksums; no record content).
    static let walHeaderLength = 32
    static let walFrameHeaderLength = 24
    static let walFrameLength = walFrameHeaderLength + pageSize

    /// Big-endian page size as stored at offset 16 of page 1.
    static let pageSizeBytes: (UInt8, UInt8) = (UInt8(pageSize >> 8), UInt8(pageSize & 0xff))

    /// True when a plaintext page 1 declares this layout (page size and reserved bytes).
    static func headerDeclaresLayout(_ page: UnsafeRawBufferPointer) -> Bool {
        page.count >= clearHeaderLength
            && page[16] == pageSizeBytes.0 && page[17] == pageSizeBytes.1
            && Int(page[20]) == reservedBytes
    }
}

/// Seals and opens pages in place. The additional data binds each page to its page number
/// (and, for page 1, to the clear header), so a page copied to another position fails to open.
/// The page number is the same whether the page sits in a WAL frame or in the database file, so
/// a checkpoint moves ciphertext unchanged.
struct PageCipher: @unchecked Sendable {
    // @unchecked: SecureBytes is only read here; the vault wipes it after every file is closed.
    let key: SecureBytes

    /// Encrypts a plaintext page in place with a fresh random nonce.
    func seal(_ page: UnsafeMutableRawBufferPointer, pageNumber: UInt32) throws {
        precondition(page.count == PageFormat.pageSize)
        let nonce = UnsafeMutableRawBufferPointer(rebasing: page[PageFormat.nonceOffset..<PageFormat.tagOffset])
        Random.fill(nonce)
        try withAdditionalData(page, pageNumber: pageNumber) { additionalData in
            try XChaCha20Poly1305.encryptInPlace(
                body(page, pageNumber: pageNumber),
                tag: UnsafeMutableRawBufferPointer(rebasing: page[PageFormat.tagOffset...]),
                nonce: UnsafeRawBufferPointer(nonce), additionalData: additionalData, key: key)
        }
    }

    /// Verifies and decrypts a page in place. Throws `CryptoError.authenticationFailed` when the
    /// page was not written by this key at this position (damage or tampering).
    ///
    /// The reserved bytes of the plaintext are zeroed: SQLite keeps them as it read them, and the
    /// checksum of a WAL frame covers them, so they must read back as they were before sealing
    /// (SQLite zero-fills new pages and never writes reserved space).
    func open(_ page: UnsafeMutableRawBufferPointer, pageNumber: UInt32) throws {
        precondition(page.count == PageFormat.pageSize)
        try withAdditionalData(page, pageNumber: pageNumber) { additionalData in
            try XChaCha20Poly1305.decryptInPlace(
                body(page, pageNumber: pageNumber),
                tag: UnsafeRawBufferPointer(rebasing: page[PageFormat.tagOffset...]),
                nonce: UnsafeRawBufferPointer(rebasing: page[PageFormat.nonceOffset..<PageFormat.tagOffset]),
                additionalData: additionalData, key: key)
        }
        UnsafeMutableRawBufferPointer(rebasing: page[PageFormat.nonceOffset...]).initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// True when a plaintext page's reserved bytes are zero, as SQLite must hand them over.
    static func hasBlankReservedBytes(_ page: UnsafeRawBufferPointer) -> Bool {
        page[PageFormat.nonceOffset...].allSatisfy { $0 == 0 }
    }

    private func body(_ page: UnsafeMutableRawBufferPointer, pageNumber: UInt32) -> UnsafeMutableRawBufferPointer {
        let start = pageNumber == 1 ? PageFormat.clearHeaderLength : 0
        return UnsafeMutableRawBufferPointer(rebasing: page[start..<PageFormat.nonceOffset])
    }

    /// Additional data: the page number (4 bytes, big-endian), then page 1's clear header.
    private func withAdditionalData(
        _ page: UnsafeMutableRawBufferPointer, pageNumber: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let length = 4 + (pageNumber == 1 ? PageFormat.clearHeaderLength : 0)
        try withUnsafeTemporaryAllocation(byteCount: length, alignment: 4) { buffer in
            buffer.storeBytes(of: pageNumber.bigEndian, as: UInt32.self)
            if pageNumber == 1 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[4...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: page[..<PageFormat.clearHeaderLength]))
            }
            try body(UnsafeRawBufferPointer(buffer))
        }
    }
}
