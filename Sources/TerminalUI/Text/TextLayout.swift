/// Measuring, cutting and wrapping text by display columns (never by characters or bytes).
public enum TextLayout {
    /// The longest prefix of `text` that fits in `width` columns, ending with `ellipsis` when cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
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

    /// Word-wraps text to `width` columns. Newlines start new lines; a word longer than a line
    /// is broken. Never returns an empty array.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [""] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var wordWidth = DisplayWidth.of(word)
                if lineWidth > 0 && lineWidth + 1 + wordWidth <= width {
                    line += " " + word
                    lineWidth += 1 + wordWidth
                    continue
                }
                if lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                while wordWidth > width && word.count > 1 {
                    // At least one character a line, even a wide one in a one-column width.
                    let fitting = prefix(word, columns: width)
                    let head = fitting.isEmpty ? String(word.prefix(1)) : fitting
                    lines.append(head)
                    word.removeFirst(head.count)
                    wordWidth = DisplayWidth.of(word)
                }
                line = word
                lineWidth = wordWidth
            }
            lines.append(line)
        }
        return lines.isEmpty ? [""] : lines
    }
}
