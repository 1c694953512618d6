import CSodium

/// XChaCha20-Poly1305 (IETF), libsodium's misuse-resistant AEAD with 192-bit random nonces.
public enum XChaCha20Poly1305 {
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// Encrypts `buffer` in place, writing the authentication tag to `tag`.
    /// The nonce must be fresh for every call with the same key (draw it with `Random`).
    public static func encryptInPlace(
        _ buffer: UnsafeMutableRawBufferPointer,
        tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        key: SecureBytes
    ) throws(CryptoError) {
        try checkLengths(tag: tag.count, nonce: nonce.count, key: key.count)
        var empty: UInt8 = 0
        let data = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? withUnsafeMutablePointer(to: &empty) { $0 }
        key.withUnsafeBytes { keyBytes in
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
                data, tag.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                data, UInt64(buffer.count),
                additionalData.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(additionalData.count),
                nil, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Verifies `tag` and decrypts `buffer` in place. On failure the buffer is left as ciphertext
    /// and `CryptoError.authenticationFailed` is thrown: never unauthenticated plaintext.
    public static func decryptInPlace(
        _ buffer: UnsafeMutableRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        key: SecureBytes
    ) throws(CryptoError) {
        try checkLengths(tag: tag.count, nonce: nonce.count, key: key.count)
        var empty: UInt8 = 0
        let data = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? withUnsafeMutablePointer(to: &empty) { $0 }
        let status = key.withUnsafeBytes { keyBytes in
            crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                data, nil,
                data, UInt64(buffer.count),
                tag.baseAddress!.assumingMemoryBound(to: UInt8.self),
                additionalData.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(additionalData.count),
                nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        if status != 0 { throw .authenticationFailed }
    }

    /// Seals `plaintext` into `nonce ‖ ciphertext ‖ tag` with a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], additionalData: [UInt8] = [], key: SecureBytes) throws -> [UInt8] {
        var output = Random.bytes(nonceLength) + plaintext + [UInt8](repeating: 0, count: tagLength)
        let bodyRange = nonceLength..<(nonceLength + plaintext.count)
        try output.withUnsafeMutableBytes { (all: UnsafeMutableRawBufferPointer) in
            try additionalData.withUnsafeBytes { (ad: UnsafeRawBufferPointer) in
                try encryptInPlace(
                    UnsafeMutableRawBufferPointer(rebasing: all[bodyRange]),
                    tag: UnsafeMutableRawBufferPointer(rebasing: all[bodyRange.upperBound...]),
                    nonce: UnsafeRawBufferPointer(rebasing: all[..<nonceLength]),
                    additionalData: ad, key: key)
            }
        }
        return output
    }

    /// Opens what `seal` produced into guarded memory (the result is usually a key).
    public static func open(_ sealed: [UInt8], additionalData: [UInt8] = [], key: SecureBytes) throws -> SecureBytes {
        guard sealed.count >= nonceLength + tagLength else {
            throw CryptoError.invalidLength(expected: nonceLength + tagLength, actual: sealed.count)
        }
        let bodyCount = sealed.count - nonceLength - tagLength
        let plaintext = try SecureBytes(count: bodyCount)
        try sealed.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            try plaintext.withUnsafeMutableBytes { (body: UnsafeMutableRawBufferPointer) in
                if bodyCount > 0 {
                    body.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[nonceLength..<(nonceLength + bodyCount)]))
                }
                try additionalData.withUnsafeBytes { (ad: UnsafeRawBufferPointer) in
                    try decryptInPlace(
                        body,
                        tag: UnsafeRawBufferPointer(rebasing: all[(nonceLength + bodyCount)...]),
                        nonce: UnsafeRawBufferPointer(rebasing: all[..<nonceLength]),
                        additionalData: ad, key: key)
                }
            }
        }
        return plaintext
    }

    private static func checkLengths(tag: Int, nonce: Int, key: Int) throws(CryptoError) {
        guard tag == tagLength else { throw .invalidLength(expected: tagLength, actual: tag) }
        guard nonce == nonceLength else { throw .invalidLength(expected: nonceLength, actual: nonce) }
        guard key == keyLength else { throw .invalidLength(expected: keyLength, actual: key) }
    }
}
