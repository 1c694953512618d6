import L10n

/// A multi-line text entry: Enter starts a new line, arrows move, Backspace joins lines.
/// Edits by grapheme cluster, as `TextField`.
public struct TextArea: TextEditing, Hashable {
    public private(set) var lines: [String]
    public private(set) var row = 0
    public private(set) var column = 0

    public init(_ text: String = "") {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.isEmpty { lines = [""] }
        row = lines.count - 1
        column = lines[row].count
    }

    public var text: String { lines.joined(separator: "\n") }

    /// Handles an editing key; returns false for keys a text area does not use (Tab, Esc…).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .enter:
            let line = Array(lines[row])
            lines[row] = String(line[..<column])
            lines.insert(String(line[column...]), at: row + 1)
            row += 1
            column = 0
        case .up:
            guard row > 0 else { return false }
            row -= 1
            column = min(column, lines[row].count)
        case .down:
            guard row + 1 < lines.count else { return false }
            row += 1
            column = min(column, lines[row].count)
        case .backspace where column == 0:
            guard row > 0 else { return true }
            column = lines[row - 1].count
            lines[row - 1] += lines[row]
            lines.remove(at: row)
            row -= 1
        case .delete where column == lines[row].count:
            guard row + 1 < lines.count else { return true }
            lines[row] += lines.remove(at: row + 1)
        default:
            var field = TextField(lines[row])
            field.cursor = column
            guard field.handle(key) else { return false }
            lines[row] = field.text
            column = field.cursor
        }
        return true
    }

    /// Draws the lines that fit, scrolled to keep the cursor's line visible. Returns the cursor.
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        let style = focused ? context.style(.input).adding(.bold) : context.style(.input)
        buffer.fill(area, style: style)
        guard area.height > 0 else { return area.origin }
        let first = max(0, row - area.height + 1)
        for (offset, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            buffer.put(line, at: Point(x: area.x, y: area.y + offset), style: style, maxWidth: area.width)
        }
        let before = DisplayWidth.of(String(Array(lines[row])[..<column]))
        return Point(x: area.x + min(before, max(0, area.width - 1)), y: area.y + row - first)
    }
}
