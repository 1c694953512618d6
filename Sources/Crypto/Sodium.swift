import CSodium

/// Errors from the cryptographic layer. None of them carries secret material.
public enum CryptoError: Error, Equatable, Sendable {
    /// libsodium could not be initialised (no entropy source, for instance).
    case initializationFailed
    /// Guarded memory could not be allocated or locked.
    case outOfMemory
    /// A ciphertext did not verify: wrong key, or the data was damaged or tampered with.
    case authenticationFailed
    /// Key derivation failed, usually because the memory limit could not be met.
    case keyDerivationFailed
    /// An input had the wrong length for the primitive.
    case invalidLength(expected: Int, actual: Int)
}

/// Process-wide libsodium initialisation. `sodium_init` is thread-safe and idempotent.
public enum Sodium {
    public static func initialize() throws(CryptoError) {
        if sodium_init() < 0 {
            throw .initializationFailed
        }
    }

    /// Compares two byte sequences in constant time (for tags, hashes and codes).
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { l in
            rhs.withUnsafeBytes { r in
                sodium_memcmp(l.baseAddress!, r.baseAddress!, lhs.count) == 0
            }
        }
    }

    /// Overwrites an array's storage with zeros (best effort for non-guarded buffers).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }
}

/// Randomness from the operating system's CSPRNG.
public enum Random {
    public static func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        fill(&result)
        return result
    }

    public static func fill(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
    }

    /// A uniformly distributed number in `0..<upperBound`, without modulo bias.
    public static func uniform(below upperBound: UInt32) -> UInt32 {
        randombytes_uniform(upperBound)
    }
}

extension Sodium {
    /// The version of the libsodium linked at run time (`mes --version`).
    public static var libraryVersion: String { String(cString: sodium_version_string()) }
}
