import Foundation

/// A rough estimate of how hard a passphrase is to guess, to advise while it is typed: the
/// characters' variety times the length, or, for a phrase of several words, the words.
/// Not a promise: it only tells a weak choice from a good one, in words, with advice.
public enum PassphraseStrength: Int, Comparable, Sendable {
    /// Refused: fewer than 10 characters or under about 45 bits.
    case tooWeak
    case fair
    case good
    case strong

    public static func < (left: Self, right: Self) -> Bool { left.rawValue < right.rawValue }

    /// Estimates from the UTF-8 bytes of the passphrase (read in place, never copied to a String).
    public static func estimate(_ bytes: UnsafeRawBufferPointer) -> PassphraseStrength {
        var characters = 0, lower = false, upper = false, digit = false, symbol = false, other = false
        var words = 0, inWord = false
        for byte in bytes {
            if byte & 0xC0 != 0x80 { characters += 1 }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): lower = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): upper = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = true
            case 0x80...: other = true
            case UInt8(ascii: " "): break
            default: symbol = true
            }
            let isSpace = byte == UInt8(ascii: " ")
            if !isSpace && !inWord { words += 1 }
            inWord = !isSpace
        }
        let pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 60 : 0)
        var bits = Double(characters) * log2(Double(max(pool, 1)))
        // A phrase of words picked at random: about 11 bits a word (diceware), whatever the letters.
        if words >= 3 { bits = max(bits * 0.5, Double(words) * 11) }
        guard characters >= 10, bits >= 45 else { return .tooWeak }
        if bits < 60 { return .fair }
        if bits < 80 { return .good }
        return .strong
    }
}
