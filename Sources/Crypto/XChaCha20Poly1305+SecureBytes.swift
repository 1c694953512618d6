extension XChaCha20Poly1305 {
    /// Seals a secret held in guarded memory (a key being wrapped) into
    /// `nonce ‖ ciphertext ‖ tag`, without copying it into an ordinary array first.
    public static func seal(_ secret: SecureBytes, additionalData: [UInt8] = [], key: SecureBytes) throws -> [UInt8] {
        var output = Random.bytes(nonceLength) + [UInt8](repeating: 0, count: secret.count + tagLength)
        let bodyRange = nonceLength..<(nonceLength + secret.count)
        try output.withUnsafeMutableBytes { (all: UnsafeMutableRawBufferPointer) in
            let body = UnsafeMutableRawBufferPointer(rebasing: all[bodyRange])
            secret.withUnsafeBytes { body.copyMemory(from: $0) }
            try additionalData.withUnsafeBytes { (ad: UnsafeRawBufferPointer) in
                try encryptInPlace(
                    body,
                    tag: UnsafeMutableRawBufferPointer(rebasing: all[bodyRange.upperBound...]),
                    nonce: UnsafeRawBufferPointer(rebasing: all[..<nonceLength]),
                    additionalData: ad, key: key)
            }
        }
        return output
    }
}
