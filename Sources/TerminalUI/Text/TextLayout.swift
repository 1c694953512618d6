/// Measuring, cutting and wrapping text by display columns (never by characters or bytes).
public enum TextLayout {
    /// The longest prefix of `text` that fits in `width` columns, ending with `ellipsis` when cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        // Blanks at the end (where a wrapped line broke) are never worth an ellipsis.
        if text.last == " " {
            var trimmed = Substring(text)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            if DisplayWidth.of(String(trimmed)) <= width { return String(trimmed) }
        }
        let room = width - DisplayWidth.of(ellipsis)
        guard room >= 0 else { return "" }
        return prefix(text, columns: room) + ellipsis
    }

    /// The longest prefix of `text` that takes at most `columns` columns.
    public static func prefix(_ text: String, columns: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = DisplayWidth.of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }

    /// `text` padded with spaces (or cut) to exactly `width` columns.
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: width)
        let fill = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
        return alignRight ? fill + cut : cut + fill
    }

    /// Word-wraps text to `width` columns, losing nothing: the lines joined give the text back
    /// (without its newlines). Newlines start new lines; the spaces where a line breaks stay at
    /// the end of that line (they are blank; only they may pass the width); a word longer than a
    /// line is broken. Never returns an empty array.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            wrapParagraph(paragraph, width: max(1, width), into: &lines)
        }
        return lines.isEmpty ? [""] : lines
    }

    private static func wrapParagraph(_ paragraph: Substring, width: Int, into lines: inout [String]) {
        var line = ""
        var used = 0
        var hasWord = false
        var index = paragraph.startIndex
        while index < paragraph.endIndex {
            // The next run of spaces, or of anything else.
            let isSpace = paragraph[index] == " "
            let end = paragraph[index...].firstIndex { ($0 == " ") != isSpace } ?? paragraph.endIndex
            var token = String(paragraph[index..<end])
            index = end
            var tokenWidth = DisplayWidth.of(token)
            if isSpace || used + tokenWidth <= width {
                line += token
                used += tokenWidth
                hasWord = hasWord || !isSpace
                continue
            }
            if hasWord || used > 0 {
                lines.append(line)
                (line, used, hasWord) = ("", 0, false)
            }
            while tokenWidth > width && token.count > 1 {
                // At least one character a line, even a wide one in a one-column width.
                let fitting = prefix(token, columns: width)
                let head = fitting.isEmpty ? String(token.prefix(1)) : fitting
                lines.append(head)
                token.removeFirst(head.count)
                tokenWidth = DisplayWidth.of(token)
            }
            (line, used, hasWord) = (token, tokenWidth, true)
        }
        lines.append(line)
    }
}
