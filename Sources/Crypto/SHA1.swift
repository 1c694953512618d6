/// SHA-1 (FIPS 180-4), only because FHIR R4 defines `Attachment.hash` as the SHA-1 of the data
/// (IHE XDS's document hash). Not for security: mes checks the SHA-256 as well.
public enum SHA1 {
    public static let digestLength = 20

    /// The digest of `bytes`.
    public static func hash(_ bytes: some ContiguousBytesCollection) -> [UInt8] {
        bytes.withContiguousBytes { buffer in
            var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
            var message = Array(buffer)
            let bitLength = UInt64(message.count) * 8
            message.append(0x80)
            while message.count % 64 != 56 { message.append(0) }
            for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
            var words = [UInt32](repeating: 0, count: 80)
            for block in stride(from: 0, to: message.count, by: 64) {
                for index in 0..<16 {
                    let offset = block + index * 4
                    words[index] = UInt32(message[offset]) << 24 | UInt32(message[offset + 1]) << 16
                        | UInt32(message[offset + 2]) << 8 | UInt32(message[offset + 3])
                }
                for index in 16..<80 {
                    let value = words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]
                    words[index] = value << 1 | value >> 31
                }
                var (a, b, c, d, e) = state
                for index in 0..<80 {
                    let (f, k): (UInt32, UInt32)
                    switch index {
                    case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                    }
                    let temporary = (a << 5 | a >> 27) &+ f &+ e &+ k &+ words[index]
                    (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temporary)
                }
                state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
            }
            var digest: [UInt8] = []
            digest.reserveCapacity(digestLength)
            for word in [state.0, state.1, state.2, state.3, state.4] {
                for shift in stride(from: 24, through: 0, by: -8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
            }
            return digest
        }
    }
}
