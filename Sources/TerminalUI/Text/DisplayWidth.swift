/// How many terminal columns text takes, measured per grapheme cluster (what a user sees as one
/// character): combining marks take none, CJK and emoji two, East-Asian ambiguous characters one.
///
/// libc's `wcwidth` measures code points one at a time and disagrees for emoji sequences; the
/// ncurses backend reconciles the two (see `GlyphPlan`) so columns never shift.
public enum DisplayWidth {
    /// The columns one grapheme cluster takes: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue {
            return ascii >= 0x20 && ascii != 0x7F ? 1 : 0
        }
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isRegionalIndicator(first) {
            return scalars.count >= 2 ? 2 : 1
        }
        if scalars.count > 1 {
            var isEmojiSequence = false
            for scalar in scalars {
                let value = scalar.value
                // VS16 asks for emoji presentation; a skin tone or ZWJ joins an emoji sequence.
                if (value == 0xFE0F && first.properties.isEmoji) || (0x1F3FB...0x1F3FF).contains(value)
                    || (value == 0x200D && first.properties.isEmoji && scalar != first) {
                    isEmojiSequence = true
                    break
                }
            }
            if isEmojiSequence { return 2 }
        }
        return of(first)
    }

    /// The columns one code point takes on its own: 0 (marks, format and control characters), 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .lineSeparator, .paragraphSeparator:
            return 0
        default:
            break
        }
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }  // Hangul medial and final jamo
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// The columns a whole string takes.
    public static func of(_ text: String) -> Int {
        if let columns = plainColumns(text) { return columns }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// Whether a code point is plain: safe to draw as it is (the sanitiser leaves it), one
    /// column wide, and a grapheme cluster on its own when every code point around it is plain
    /// too (no mark, joiner or selector can attach to it). Printable ASCII, Latin-1 and the
    /// Latin extensions (U+00A0–U+02FF but the soft hyphen), the dashes, quotes, bullets and
    /// ellipsis of U+2010–U+2027, arrows (U+2190–U+21FF) and box drawing, blocks and geometric
    /// shapes (U+2500–U+25FC). `DisplayWidthTests` checks every one against the full rules.
    @inline(__always)
    public static func isPlain(_ value: UInt32) -> Bool {
        if value < 0x7F { return value >= 0x20 }
        if value < 0x300 { return value >= 0xA0 && value != 0xAD }
        return (0x2010...0x2027).contains(value) || (0x2190...0x21FF).contains(value) || (0x2500...0x25FC).contains(value)
    }

    /// The columns of a text made only of plain code points (one each), else nil: the fast path
    /// of measuring, sanitising and drawing, taken by nearly all French and English text.
    @inline(__always)
    public static func plainColumns(_ text: String) -> Int? {
        if let count = text.utf8.withContiguousStorageIfAvailable({ bytes -> Int? in
            var index = 0, columns = 0
            let end = bytes.count
            while index < end {
                let lead = bytes[index]
                if lead < 0x80 {
                    guard lead >= 0x20 && lead != 0x7F else { return nil }
                    index += 1
                } else if lead & 0xE0 == 0xC0, index + 1 < end {
                    // Two bytes: U+0080–U+07FF.
                    let value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                    guard isPlain(value) else { return nil }
                    index += 2
                } else if lead & 0xF0 == 0xE0, index + 2 < end {
                    let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                    guard isPlain(value) else { return nil }
                    index += 3
                } else {
                    return nil
                }
                columns += 1
            }
            return columns
        }) {
            return count
        }
        // A bridged or otherwise non-contiguous string: by code points.
        var columns = 0
        for scalar in text.unicodeScalars {
            guard isPlain(scalar.value) else { return nil }
            columns += 1
        }
        return columns
    }

    public static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15), emoji aside (they are tested by property).
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x16FF0...0x16FF1, 0x17000...0x18CFF, 0x18D00...0x18D08, 0x1AFF0...0x1B2FF, 0x1F200...0x1F202,
        0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound { high = middle - 1 } else if value > range.upperBound { low = middle + 1 } else { return true }
        }
        return false
    }
}
