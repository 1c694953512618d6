/// Digits three rows high, drawn with `_` and `|` like a seven-segment display (ASCII, so they
/// read the same on every terminal): for a code someone reads out or copies from the screen.
public enum BigDigits {
    private static let glyphs: [Character: [String]] = [
        "0": [" _ ", "| |", "|_|"], "1": ["   ", "  |", "  |"], "2": [" _ ", " _|", "|_ "], "3": [" _ ", " _|", " _|"],
        "4": ["   ", "|_|", "  |"], "5": [" _ ", "|_ ", " _|"], "6": [" _ ", "|_ ", "|_|"], "7": [" _ ", "  |", "  |"],
        "8": [" _ ", "|_|", "|_|"], "9": [" _ ", "|_|", " _|"], " ": ["  ", "  ", "  "],
    ]

    /// The three lines showing `text` (digits and spaces; anything else is left out).
    public static func lines(_ text: String) -> [String] {
        (0..<3).map { row in text.compactMap { glyphs[$0]?[row] }.joined(separator: " ") }
    }

    /// The width `text` takes.
    public static func width(_ text: String) -> Int { lines(text)[0].count }

    /// Draws `text` at `origin` if it fits in `width` columns; returns whether it was drawn.
    @discardableResult
    public static func render(_ text: String, at origin: Point, width: Int, into buffer: inout CellBuffer, style: Style) -> Bool {
        let rows = lines(text)
        guard rows[0].count <= width else { return false }
        for (offset, line) in rows.enumerated() {
            buffer.put(line, at: Point(x: origin.x, y: origin.y + offset), style: style, maxWidth: width)
        }
        return true
    }
}
