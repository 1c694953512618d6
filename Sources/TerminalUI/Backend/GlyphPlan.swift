import Foundation

/// What to hand ncurses for one cell so that it takes exactly the columns our measure gave it.
///
/// ncurses measures with libc `wcwidth`, one code point at a time. Where that disagrees with the
/// grapheme cluster's width (an emoji sequence, a character the locale cannot show), the cell is
/// drawn with what libc agrees on and padded with blanks, so columns never shift.
public struct GlyphPlan: Equatable, Sendable {
    /// The code points of one ncurses cell: a spacing character then up to four zero-width ones.
    public var scalars: [UInt32]
    /// Blank cells to write after it.
    public var padding: Int

    public init(scalars: [UInt32], padding: Int) {
        self.scalars = scalars
        self.padding = padding
    }

    /// The most code points ncurses keeps in one cell (`CCHARW_MAX`).
    static let maximumScalars = 5

    public static func make(_ character: Character, width: Int, libcWidth: (UInt32) -> Int) -> GlyphPlan {
        let scalars = character.unicodeScalars.map(\.value)
        guard let base = scalars.first else { return GlyphPlan(scalars: [0x20], padding: max(0, width - 1)) }
        let baseWidth = libcWidth(base)
        if baseWidth == width {
            let rest = scalars.dropFirst()
            if rest.count < maximumScalars, rest.allSatisfy({ libcWidth($0) == 0 }) {
                return GlyphPlan(scalars: scalars, padding: 0)
            }
            return GlyphPlan(scalars: [base], padding: 0)
        }
        if baseWidth >= 1, baseWidth < width {
            return GlyphPlan(scalars: [base], padding: width - baseWidth)
        }
        return GlyphPlan(scalars: [substitute(for: character, libcWidth: libcWidth)], padding: width - 1)
    }

    /// A one-column stand-in: the letter without its accents when the locale has it, else `?`.
    static func substitute(for character: Character, libcWidth: (UInt32) -> Int) -> UInt32 {
        let stripped = String(character).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        if let first = stripped.unicodeScalars.first, libcWidth(first.value) == 1 { return first.value }
        return 0x3F
    }
}
