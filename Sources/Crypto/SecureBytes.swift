import CSodium

/// A fixed-size secret (a key, a passphrase) held in libsodium's guarded memory:
/// locked so it is never swapped, surrounded by guard pages, and zeroed when freed or wiped.
///
/// The bytes are reachable only inside `withUnsafeBytes`, so secrets do not leak into
/// ordinary Swift arrays by accident.
public final class SecureBytes: @unchecked Sendable {
    // @unchecked: the buffer is written only during initialisation and by `wipe()`, which
    // callers use when they own the value exclusively (locking a vault, for instance).
    public let count: Int
    private let pointer: UnsafeMutableRawPointer

    /// Allocates `count` zeroed bytes of guarded memory.
    public init(count: Int) throws(CryptoError) {
        try Sodium.initialize()
        guard let memory = sodium_malloc(max(count, 1)) else { throw .outOfMemory }
        sodium_memzero(memory, max(count, 1))
        self.count = count
        self.pointer = memory
    }

    /// Fresh random secret bytes.
    public convenience init(randomCount count: Int) throws(CryptoError) {
        try self.init(count: count)
        randombytes_buf(pointer, count)
    }

    /// Copies `bytes` into guarded memory. The caller should wipe its own copy.
    public convenience init(copying bytes: some Collection<UInt8>) throws(CryptoError) {
        try self.init(count: bytes.count)
        let destination = pointer.assumingMemoryBound(to: UInt8.self)
        for (index, byte) in bytes.enumerated() { destination[index] = byte }
    }

    deinit {
        sodium_free(pointer)
    }

    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Zeroes the secret now, without waiting for deallocation.
    public func wipe() {
        sodium_memzero(pointer, count)
    }

    /// Constant-time comparison with another secret.
    public func isEqual(to other: SecureBytes) -> Bool {
        count == other.count && sodium_memcmp(pointer, other.pointer, count) == 0
    }
}
