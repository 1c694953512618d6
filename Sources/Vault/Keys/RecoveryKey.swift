import Crypto

/// The recovery key: a random code shown once at `mes vault init`, written down by the user,
/// that opens the vault when the passphrase is lost.
///
/// 28 characters of Crockford's base32 (no I, L, O or U: nothing to confuse), shown in seven
/// groups of four: 24 random characters (120 bits) and 4 check characters that catch typing
/// mistakes before the slow key derivation runs.
public final class RecoveryKey: Sendable {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let randomLength = 24
    static let checkLength = 4
    static let groupLength = 4

    /// The 24 random characters (ASCII), in guarded memory: the secret the slot derives from.
    let secret: SecureBytes

    private init(secret: SecureBytes) {
        self.secret = secret
    }

    /// A fresh random recovery key.
    public static func generate() throws -> RecoveryKey {
        let secret = try SecureBytes(count: randomLength)
        secret.withUnsafeMutableBytes { bytes in
            for index in bytes.indices { bytes[index] = alphabet[Int(Random.uniform(below: UInt32(alphabet.count)))] }
        }
        return RecoveryKey(secret: secret)
    }

    /// Reads a recovery key as typed: case, spaces and dashes do not matter; O reads as 0 and
    /// I or L as 1. Throws `VaultError.malformedRecoveryKey` when it is not a well-formed key.
    public static func parse(_ typed: SecureBytes) throws -> RecoveryKey {
        let total = randomLength + checkLength
        let normalized = try SecureBytes(count: total)
        let count = try typed.withUnsafeBytes { input throws(VaultError) -> Int in
            try normalized.withUnsafeMutableBytes { output throws(VaultError) -> Int in
                var count = 0
                for byte in input {
                    guard let character = canonical(byte) else {
                        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
                        throw .malformedRecoveryKey
                    }
                    guard count < total else { throw .malformedRecoveryKey }
                    output[count] = character
                    count += 1
                }
                return count
            }
        }
        guard count == total else { throw VaultError.malformedRecoveryKey }
        let secret = try SecureBytes(count: randomLength)
        let valid = normalized.withUnsafeBytes { all in
            secret.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[..<randomLength])) }
            return Array(all[randomLength...]) == checkCharacters(UnsafeRawBufferPointer(rebasing: all[..<randomLength]))
        }
        guard valid else { throw VaultError.malformedRecoveryKey }
        return RecoveryKey(secret: secret)
    }

    /// The key as the user writes it down: `ABCD-EFGH-…` (7 groups of 4).
    public var grouped: String {
        let characters = secret.withUnsafeBytes { Array($0) + Self.checkCharacters($0) }
        var text = ""
        for (index, character) in characters.enumerated() {
            if index > 0 && index % Self.groupLength == 0 { text.append("-") }
            text.append(Character(Unicode.Scalar(character)))
        }
        return text
    }

    private static func canonical(_ byte: UInt8) -> UInt8? {
        var character = byte
        if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(character) { character -= 32 }
        switch character {
        case UInt8(ascii: "O"): return UInt8(ascii: "0")
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
        default: return alphabet.contains(character) ? character : nil
        }
    }

    /// 20 bits of SHA-256 over the random characters, as 4 characters.
    static func checkCharacters(_ random: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array("mes-recovery-key-v1:".utf8))
        hasher.update(random)
        let digest = hasher.finalize()
        let bits = UInt32(digest[0]) << 12 | UInt32(digest[1]) << 4 | UInt32(digest[2]) >> 4
        return (0..<checkLength).reversed().map { alphabet[Int((bits >> (5 * UInt32($0))) & 31)] }
    }
}
