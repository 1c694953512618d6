import CSodium

/// The cost of one Argon2id computation. Stored next to whatever it protects, so that
/// the cost can be raised later without breaking older key slots or password hashes.
public struct Argon2idParameters: Codable, Equatable, Sendable {
    /// Number of passes over memory (libsodium's `opslimit`).
    public var iterations: UInt64
    /// Memory in bytes (libsodium's `memlimit`).
    public var memoryBytes: Int

    public init(iterations: UInt64, memoryBytes: Int) {
        self.iterations = iterations
        self.memoryBytes = memoryBytes
    }

    /// libsodium's interactive preset (64 MiB, 2 passes): the floor DESIGN.md sets.
    public static let interactive = Argon2idParameters(
        iterations: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
    /// libsodium's moderate preset (256 MiB, 3 passes).
    public static let moderate = Argon2idParameters(
        iterations: UInt64(crypto_pwhash_OPSLIMIT_MODERATE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_MODERATE))
    /// The cheapest parameters libsodium accepts. For tests only: they protect nothing.
    public static let minimumForTests = Argon2idParameters(
        iterations: UInt64(crypto_pwhash_OPSLIMIT_MIN), memoryBytes: Int(crypto_pwhash_MEMLIMIT_MIN))
}

/// Argon2id key derivation and password hashing.
public enum Argon2id {
    public static let saltLength = Int(crypto_pwhash_SALTBYTES)

    /// Derives `length` bytes of key from a secret and a salt.
    public static func deriveKey(
        length: Int, from secret: SecureBytes, salt: [UInt8], parameters: Argon2idParameters
    ) throws(CryptoError) -> SecureBytes {
        guard salt.count == saltLength else { throw .invalidLength(expected: saltLength, actual: salt.count) }
        let key = try SecureBytes(count: length)
        let status = key.withUnsafeMutableBytes { output in
            secret.withUnsafeBytes { input in
                crypto_pwhash(
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(length),
                    input.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(input.count),
                    salt, parameters.iterations, parameters.memoryBytes, crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        if status != 0 { throw .keyDerivationFailed }
        return key
    }

    /// A self-describing password hash (`$argon2id$v=19$m=…`), for storing account passwords.
    public static func hashPassword(_ password: SecureBytes, parameters: Argon2idParameters) throws(CryptoError) -> String {
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let status = password.withUnsafeBytes { input in
            crypto_pwhash_str_alg(
                &output, input.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(input.count),
                parameters.iterations, parameters.memoryBytes, crypto_pwhash_ALG_ARGON2ID13)
        }
        if status != 0 { throw .keyDerivationFailed }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Checks a password against a hash from `hashPassword`, in constant time.
    public static func verifyPassword(_ password: SecureBytes, hash: String) -> Bool {
        var stored = Array(hash.utf8CString)
        return password.withUnsafeBytes { input in
            crypto_pwhash_str_verify(&stored, input.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(input.count)) == 0
        }
    }
}
