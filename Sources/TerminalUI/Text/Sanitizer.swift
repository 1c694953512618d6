/// The one sanitiser every piece of text passes before it reaches a cell (DESIGN.md §9).
///
/// `CellBuffer` calls it on everything it is asked to draw, so text from outside (server,
/// files, messages) can never move the cursor, clear the screen, set the title, write the
/// clipboard or reorder what the user reads:
/// - invalid UTF-8 becomes U+FFFD (see `init(bytes:)`);
/// - C0 controls and DEL are shown in caret notation (`^[`, `^?`), C1 controls as `\u009B`, so
///   ESC, CSI, OSC and DCS sequences never pass, they are shown inert;
/// - bidi controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069) are removed;
/// - zero-width and invisible characters are shown as `\u200B`, and a combining mark with
///   nothing to combine with is shown on a dotted circle; fillers that draw blank space or
///   nothing (U+00AD, U+115F, U+1160, U+17B4, U+17B5, U+3164, U+FFA0) and tag characters
///   (U+E0000–U+E007F) are always shown, except tags inside an emoji flag sequence (🏴 + tags +
///   U+E007F, as in the flag of Scotland); in names (`.name`), every invisible character is
///   shown, even a joiner inside an emoji sequence.
public enum Sanitizer {
    public enum Policy: Sendable {
        /// Running text: keeps joiners and variation selectors inside a grapheme cluster.
        case text
        /// Names and identifiers, where an invisible character can only deceive.
        case name
    }

    /// The text, safe to draw. Plain text (printable ASCII, Latin letters, common punctuation:
    /// `DisplayWidth.isPlain`) comes back unchanged after one pass over its bytes.
    public static func sanitize(_ text: String, policy: Policy = .text) -> String {
        if isPlain(text) { return text }
        var cleaned = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F {
                cleaned.append("^")
                cleaned.append(Unicode.Scalar(UInt8(value == 0x7F ? 0x3F : value + 0x40)))
                changed = true
            } else if (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                cleaned.append(contentsOf: escaped(scalar).unicodeScalars)
                changed = true
            } else if isBidiControl(value) {
                changed = true
            } else if policy == .name && isInvisible(scalar) {
                cleaned.append(contentsOf: escaped(scalar).unicodeScalars)
                changed = true
            } else {
                cleaned.append(scalar)
            }
        }
        let result = changed ? String(cleaned) : text
        return showingZeroWidthClusters(result)
    }

    /// Decodes bytes from outside: invalid UTF-8 becomes U+FFFD, then the text is sanitised.
    public static func sanitize<Bytes: Collection<UInt8>>(bytes: Bytes, policy: Policy = .text) -> String {
        sanitize(String(decoding: bytes, as: UTF8.self), policy: policy)
    }

    /// Splits multi-line text from outside into sanitised lines: `\n`, `\r\n` and `\r` end a line,
    /// tabs become spaces up to the next multiple of `tabWidth` columns.
    public static func lines(_ text: String, tabWidth: Int = 4) -> [String] {
        var lines: [String] = []
        var current = ""
        var column = 0
        for character in text {
            // "\r\n" is one grapheme cluster, so each line ending is one character here.
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(sanitize(current))
                current = ""
                column = 0
            } else if character == "\t" {
                let spaces = tabWidth - column % tabWidth
                current += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                current.append(character)
                column += max(DisplayWidth.of(character), 1)
            }
        }
        lines.append(sanitize(current))
        return lines
    }

    /// `\u` notation for a character that must be shown rather than obeyed.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Whether the text is made only of plain code points, which the sanitiser leaves as they are.
    public static func isPlain(_ text: String) -> Bool { DisplayWidth.plainColumns(text) != nil }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    static func isBidiControl(_ value: UInt32) -> Bool {
        value == 0x061C || value == 0x200E || value == 0x200F
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// Characters that draw nothing: format characters, fillers, variation selectors, tags.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if [0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0].contains(value) { return true }
        if (0x180B...0x180F).contains(value) || (0xFE00...0xFE0F).contains(value) || (0xE0000...0xE0FFF).contains(value) {
            return true
        }
        return scalar.properties.generalCategory == .format
    }

    /// Fillers that look like nothing (or like a blank) in running text, where only deception
    /// needs them.
    static func isFiller(_ value: UInt32) -> Bool {
        [0x00AD, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0].contains(value)
    }

    static func isTag(_ value: UInt32) -> Bool { (0xE0000...0xE007F).contains(value) }

    /// The cluster with its fillers and stray tag characters in `\u` notation, or nil when it
    /// has none. Tags are kept only as an emoji tag sequence: U+1F3F4, tags U+E0020–U+E007E,
    /// then the cancel tag U+E007F.
    private static func showingHiddenScalars(_ character: Character) -> String? {
        let scalars = character.unicodeScalars
        guard scalars.contains(where: { isFiller($0.value) || isTag($0.value) }) else { return nil }
        let values = scalars.map(\.value)
        let isFlagSequence = values.count >= 3 && values.first == 0x1F3F4 && values.last == 0xE007F
            && values.dropFirst().dropLast().allSatisfy { (0xE0020...0xE007E).contains($0) }
        if isFlagSequence { return nil }
        var shown = ""
        for scalar in scalars {
            if isFiller(scalar.value) || isTag(scalar.value) { shown += escaped(scalar) } else { shown.unicodeScalars.append(scalar) }
        }
        return shown
    }

    /// Grapheme clusters that would take no column (a lone zero-width space, a mark with no base)
    /// are made visible, so nothing the user cannot see sits in the text.
    private static func showingZeroWidthClusters(_ text: String) -> String {
        var result = ""
        var changed = false
        for character in text {
            if let shown = showingHiddenScalars(character) {
                result += shown
                changed = true
                continue
            }
            if DisplayWidth.of(character) > 0 {
                result.append(character)
                continue
            }
            changed = true
            let first = character.unicodeScalars.first!
            switch first.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark:
                result += "◌" + String(character)
            default:
                for scalar in character.unicodeScalars {
                    if DisplayWidth.of(scalar) > 0 { result.unicodeScalars.append(scalar) } else { result += escaped(scalar) }
                }
            }
        }
        return changed ? result : text
    }
}
