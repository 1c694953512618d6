import Foundation

/// Text for a terminal that can only show ASCII (the Linux console in the C locale, a vt100):
/// every character becomes ASCII that keeps its meaning — accents dropped ("élevé" → "eleve"),
/// symbols turned into ASCII or words ("≤" → "<=", "▲" → "(haut)"), never a bare "?" that
/// says nothing. What has no equivalent is shown in `\u` notation.
public enum AsciiFallback {
    /// The ASCII form of `text`.
    public static func ascii(_ text: String) -> String {
        if Sanitizer.isPrintableASCII(text) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if let ascii = character.asciiValue, ascii >= 0x20, ascii != 0x7F {
                result.append(character)
            } else {
                result += ascii(character)
            }
        }
        return result
    }

    static func ascii(_ character: Character) -> String {
        if let mapped = symbols[character] { return mapped }
        // A letter with accents: its base letter (the decomposition's ASCII part).
        let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }
        if !base.isEmpty { return String(String.UnicodeScalarView(base)) }
        if let ligature = ligatures[character] { return ligature }
        return character.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined()
    }

    private static let ligatures: [Character: String] = [
        "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "ł": "l", "Ł": "L",
    ]

    /// The symbols the app draws, and typographic marks found in documents.
    private static let symbols: [Character: String] = [
        "≤": "<=", "≥": ">=", "≠": "!=", "±": "+/-", "×": "x", "÷": "/", "−": "-", "√": "sqrt", "∞": "inf",
        "▲": "(haut)", "▼": "(bas)", "△": "(haut)", "▽": "(bas)",
        "↑": "^", "↓": "v", "←": "<-", "→": "->", "↔": "<->", "⇒": "=>",
        "▸": ">", "►": ">", "◂": "<", "•": "*", "·": ".", "◦": "o", "●": "*", "○": "o",
        "…": "...", "–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "‚": ",", "“": "\"", "”": "\"", "„": "\"",
        "«": "\"", "»": "\"", "‹": "<", "›": ">",
        "\u{00A0}": " ", "\u{202F}": " ", "\u{2009}": " ", "\u{2007}": " ",
        "│": "|", "─": "-", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+",
        "█": "#", "░": ".", "▒": ":", "▓": "#", "▀": "\"", "▄": ",", "▁": "_", "▂": ".", "▃": "-", "▅": "=", "▆": "+", "▇": "*",
        "✓": "v", "✔": "v", "✗": "x", "✘": "x", "⚠": "!",
        "°": " deg", "µ": "u", "²": "2", "³": "3", "½": "1/2", "¼": "1/4", "¾": "3/4",
        "€": "EUR", "£": "GBP", "©": "(c)", "®": "(R)", "™": "(TM)", "§": "S.", "¶": "P.",
        "\u{FFFD}": "\\uFFFD",
    ]
}
