import Crypto
import Foundation

/// Passphrases are compared as Unicode NFC: "Hélène" typed with a precomposed "é" (as most
/// keyboards do) and with "e" + combining acute (as some input methods and macOS file names do)
/// are the same passphrase.
enum Passphrase {
    /// `secret` in NFC. ASCII and bytes that are not UTF-8 come back as they are; otherwise a
    /// new guarded copy. (Foundation's normalisation works on `String`s, which cannot be wiped:
    /// for a non-ASCII passphrase, short-lived copies of it pass through ordinary memory.)
    static func normalized(_ secret: SecureBytes) throws -> SecureBytes {
        var bytes: [UInt8] = secret.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> [UInt8] in [UInt8](buffer) }
        defer { Sodium.wipe(&bytes) }
        guard bytes.contains(where: { $0 >= 0x80 }), let text = String(bytes: bytes, encoding: .utf8) else { return secret }
        var normalized = Array(text.precomposedStringWithCanonicalMapping.utf8)
        defer { Sodium.wipe(&normalized) }
        guard normalized != bytes else { return secret }
        return try SecureBytes(copying: normalized)
    }
}
