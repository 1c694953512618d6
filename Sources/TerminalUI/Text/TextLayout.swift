/// Measuring, cutting and wrapping text by display columns (never by characters or bytes).
public enum TextLayout {
    /// The longest prefix of `text` that fits in `width` columns, ending with `ellipsis` when cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        truncated(text, to: width, ellipsis: ellipsis).text
    }

    /// `truncate`, with the columns the result takes (measured once).
    public static func truncated(_ text: String, to width: Int, ellipsis: String = "…") -> (text: String, columns: Int) {
        guard width > 0 else { return ("", 0) }
        let columns = DisplayWidth.of(text)
        if columns <= width { return (text, columns) }
        // Blanks at the end (where a wrapped line broke) are never worth an ellipsis.
        if text.last == " " {
            var trimmed = Substring(text)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            let kept = String(trimmed)
            let keptColumns = DisplayWidth.of(kept)
            if keptColumns <= width { return (kept, keptColumns) }
        }
        let ellipsisColumns = DisplayWidth.of(ellipsis)
        let room = width - ellipsisColumns
        guard room >= 0 else { return ("", 0) }
        let head = prefix(text, columns: room)
        return (head + ellipsis, DisplayWidth.of(head) + ellipsisColumns)
    }

    /// The longest prefix of `text` that takes at most `columns` columns.
    public static func prefix(_ text: String, columns: Int) -> String {
        if DisplayWidth.plainColumns(text) != nil {
            // One column per code point.
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: text.unicodeScalars.prefix(max(0, columns)))
            return String(scalars)
        }
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

    /// Draws `text` cut to `width` columns (with the ellipsis) and padded with blanks in `style`
    /// to exactly `width`: `pad(truncate(text))` without building the padded string.
    public static func drawPadded(_ text: String, width: Int, alignRight: Bool = false, ellipsis: String = "…",
                                  at point: Point, style: Style, into buffer: inout CellBuffer) {
        guard width > 0 else { return }
        let (cut, columns) = truncated(text, to: width, ellipsis: ellipsis)
        buffer.fill(Rect(x: point.x, y: point.y, width: width, height: 1), style: style)
        let x = alignRight ? point.x + max(0, width - columns) : point.x
        buffer.put(cut, at: Point(x: x, y: point.y), style: style, maxWidth: width - (x - point.x))
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
