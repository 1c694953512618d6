import Crypto

extension SecretField {
    /// How hard what was typed is to guess (read in place).
    public var strength: PassphraseStrength {
        withTypedBytes { PassphraseStrength.estimate($0) }
    }

    /// Whether `other` holds exactly the same passphrase (compared in place, in constant time
    /// for equal lengths).
    public func matches(_ other: SecretField) -> Bool {
        guard byteCount == other.byteCount else { return false }
        return withTypedBytes { mine in
            other.withTypedBytes { theirs in
                var difference: UInt8 = 0
                for index in 0..<mine.count { difference |= mine[index] ^ theirs[index] }
                return difference == 0
            }
        }
    }
}
