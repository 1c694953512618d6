import CSodium

extension Random {
    /// Fills raw memory with random bytes, without allocating (for per-page nonces).
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
    }
}
