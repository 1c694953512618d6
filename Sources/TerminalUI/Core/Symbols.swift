/// The non-ASCII characters the toolkit draws with, and their ASCII fallbacks for terminals whose
/// locale is not UTF-8 (the Linux console in the C locale, a vt100).
public struct Symbols: Hashable, Sendable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    /// Marks the selected row of a list (besides its style: never colour alone).
    public var pointer: String
    public var checked: String
    public var unchecked: String
    public var radioOn: String
    public var radioOff: String
    public var ellipsis: String
    public var arrowUp: String
    public var arrowDown: String
    public var arrowLeft: String
    public var arrowRight: String
    public var barFull: String
    public var barEmpty: String
    /// Sparkline levels, lowest first.
    public var levels: [String]
    public var chartPoint: String
    public var upperHalf: String
    public var lowerHalf: String
    public var fullBlock: String
    public var separator: String
    public var isUnicode: Bool

    public static let unicode = Symbols(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        pointer: "▸", checked: "[x]", unchecked: "[ ]", radioOn: "(•)", radioOff: "( )", ellipsis: "…",
        arrowUp: "↑", arrowDown: "↓", arrowLeft: "←", arrowRight: "→", barFull: "█", barEmpty: "░",
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], chartPoint: "•",
        upperHalf: "▀", lowerHalf: "▄", fullBlock: "█", separator: "│", isUnicode: true)

    public static let ascii = Symbols(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        pointer: ">", checked: "[x]", unchecked: "[ ]", radioOn: "(*)", radioOff: "( )", ellipsis: "~",
        arrowUp: "^", arrowDown: "v", arrowLeft: "<-", arrowRight: "->", barFull: "#", barEmpty: ".",
        levels: ["_", ".", "-", "~", "=", "+", "*", "#"], chartPoint: "*",
        upperHalf: "\"", lowerHalf: ",", fullBlock: "#", separator: "|", isUnicode: false)

    public static func forLocale(utf8: Bool) -> Symbols { utf8 ? .unicode : .ascii }
}
