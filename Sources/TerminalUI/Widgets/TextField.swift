import L10n

/// A one-line text entry: typing, Backspace, Delete, ←/→, Home/End. Letters and digits are
/// typed, not taken as commands, while it has the focus.
///
/// Edits by grapheme cluster (what the user sees as one character): Backspace after "é" erases
/// "é" whether it was typed as one code point or as "e" and a combining accent.
public struct TextField: TextEditing, Hashable {
    public var text: String {
        didSet { cursor = min(cursor, text.count) }
    }
    /// The insertion point, in characters from the start.
    public var cursor: Int
    /// Shown dimmed while the field is empty (a hint such as `JJ/MM/AAAA`).
    public var placeholder: String
    public var maximumLength: Int?

    public init(_ text: String = "", placeholder: String = "", maximumLength: Int? = nil) {
        self.text = text
        self.cursor = text.count
        self.placeholder = placeholder
        self.maximumLength = maximumLength
    }

    /// Handles an editing key. Returns false for keys a text field does not use.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            if let maximumLength, text.count >= maximumLength { return true }
            let index = text.index(text.startIndex, offsetBy: cursor)
            // A combining mark joins the character before it: count again rather than add one.
            let before = String(text[..<index]) + String(character)
            text = before + String(text[index...])
            cursor = before.count
        case .backspace:
            guard cursor > 0 else { return true }
            // The cursor moves first: removing clamps it to the new length, and a decrement
            // after that put it one character too far left (issue 11: "aéb", ⌫ ⌫ left "é").
            let index = text.index(text.startIndex, offsetBy: cursor - 1)
            cursor -= 1
            text.remove(at: index)
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text = ""
            cursor = 0
        default:
            return false
        }
        return true
    }

    /// Draws the field on `area`'s first row, scrolled so the insertion point shows.
    /// Returns where the hardware cursor goes (the insertion point).
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        let width = area.width
        let style = focused ? context.style(.input).adding(.bold) : context.style(.input)
        buffer.fill(Rect(x: area.x, y: area.y, width: width, height: 1), style: style)
        guard width > 0 else { return area.origin }
        if text.isEmpty {
            buffer.put(placeholder, at: area.origin, style: context.style(.muted).adding(.underline), maxWidth: width)
            return area.origin
        }
        let characters = Array(text)
        let beforeCursor = DisplayWidth.of(String(characters[..<cursor]))
        // Scroll so the cursor sits inside the field, keeping one free column after it.
        var start = 0
        var hidden = 0
        while beforeCursor - hidden >= width, start < characters.count {
            hidden += DisplayWidth.of(characters[start])
            start += 1
        }
        buffer.put(String(characters[start...]), at: area.origin, style: style, maxWidth: width)
        return Point(x: area.x + beforeCursor - hidden, y: area.y)
    }
}
