import TerminalUI
import TestSupport
import XCTest

/// Widths per grapheme cluster, and the ncurses reconciliation that keeps columns in place.
final class DisplayWidthTests: XCTestCase {
    func testAccentsPrecomposedAndCombiningTakeOneColumn() {
        XCTAssertEqual(DisplayWidth.of("é"), 1)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.of("Hélène"), 6)
        XCTAssertEqual(DisplayWidth.of("He\u{301}le\u{300}ne"), 6)
        XCTAssertEqual(DisplayWidth.of("q\u{323}\u{307}"), 1)
    }

    func testCJKAndFullwidthTakeTwo() {
        XCTAssertEqual(DisplayWidth.of("医生"), 4)
        XCTAssertEqual(DisplayWidth.of("한국어"), 6)
        XCTAssertEqual(DisplayWidth.of("ＡＢ"), 4)
        XCTAssertEqual(DisplayWidth.of("カタカナ"), 8)
    }

    func testEmojiSequencesTakeTwo() {
        XCTAssertEqual(DisplayWidth.of("👍"), 2)
        XCTAssertEqual(DisplayWidth.of("👍🏽"), 2, "skin tone modifier")
        XCTAssertEqual(DisplayWidth.of("👨‍👩‍👧"), 2, "ZWJ family")
        XCTAssertEqual(DisplayWidth.of("👩‍⚕️"), 2, "ZWJ with VS16")
        XCTAssertEqual(DisplayWidth.of("❤️"), 2, "VS16 asks for emoji presentation")
        XCTAssertEqual(DisplayWidth.of("❤"), 1, "text presentation by default")
        XCTAssertEqual(DisplayWidth.of("🇫🇷"), 2, "regional indicator pair")
        XCTAssertEqual(DisplayWidth.of("1️⃣"), 2, "keycap")
    }

    func testAmbiguousCharactersAreNarrow() {
        XCTAssertEqual(DisplayWidth.of("±°§×·"), 5)
        XCTAssertEqual(DisplayWidth.of("αβγ"), 3)
        XCTAssertEqual(DisplayWidth.of("─│┌"), 3)
    }

    func testControlsAndZeroWidthTakeNothing() {
        XCTAssertEqual(DisplayWidth.of(Character("\u{200B}")), 0)
        XCTAssertEqual(DisplayWidth.of(Character("\u{1B}")), 0)
    }

    func testTheBufferPlacesWideCharactersOnTwoCells() {
        var buffer = CellBuffer(size: Size(width: 10, height: 1))
        let written = buffer.put("a医👍🏽b", at: Point(x: 0, y: 0))
        XCTAssertEqual(written, 6)
        XCTAssertEqual(buffer[1, 0].character, "医")
        XCTAssertEqual(buffer[1, 0].width, 2)
        XCTAssertTrue(buffer[2, 0].isContinuation)
        XCTAssertEqual(buffer[3, 0].character, "👍🏽")
        XCTAssertEqual(buffer[5, 0].character, "b")
    }

    func testAWideCharacterThatDoesNotFitBecomesABlank() {
        var buffer = CellBuffer(size: Size(width: 4, height: 1))
        buffer.put("abc医", at: Point(x: 0, y: 0))
        XCTAssertEqual(buffer.text(row: 0), "abc ")
        XCTAssertFalse(buffer.cells.contains { $0.isContinuation })
    }

    func testOverwritingHalfAWideCharacterClearsTheOtherHalf() {
        var buffer = CellBuffer(size: Size(width: 6, height: 1))
        buffer.put("医生", at: Point(x: 0, y: 0))
        buffer.put("x", at: Point(x: 1, y: 0))
        XCTAssertEqual(buffer.text(row: 0), " x生  ")
        buffer.put("y", at: Point(x: 2, y: 0))
        XCTAssertEqual(buffer.text(row: 0), " xy   ")
    }

    func testTruncateAndWrapCountColumns() {
        XCTAssertEqual(TextLayout.truncate("Partage et confidentialité", to: 10), "Partage e…")
        XCTAssertEqual(TextLayout.truncate("医生医生", to: 5), "医生…")
        XCTAssertEqual(TextLayout.wrap("Compte rendu d’hospitalisation du service", width: 16),
                       ["Compte rendu ", "d’hospitalisatio", "n du service"], "the break's space stays at the end of its line")
        XCTAssertEqual(TextLayout.pad("é", to: 3), "é  ")
        XCTAssertEqual(TextLayout.wrap("医生", width: 1), ["医", "生"], "never stuck on a character wider than the line")
        XCTAssertEqual(TextLayout.wrap("", width: 10), [""])
        XCTAssertEqual(TextLayout.truncate("Compte rendu ", to: 12), "Compte rendu", "a break's blank is never worth an ellipsis")
        XCTAssertEqual(TextLayout.wrap("la copie exportée n’est pas chiffrée", width: 24),
                       ["la copie exportée n’est ", "pas chiffrée"])
    }

    /// Wrapping never loses a character: for random strings (accents, combining marks, wide
    /// characters, emoji, runs of spaces, newlines) and widths, the lines joined give the text
    /// back without its newlines, and each line fits its width once its break blanks are set aside.
    func testWrappingIsLossless() {
        var generator = SeededGenerator(seed: 11)
        let pieces = ["a", "é", "e\u{301}", "mot", "Compte", "医", "生", "👍🏽", "🇫🇷", " ", "  ", "\n", "—", "x", "chiffrée", "’"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let width = Int.random(in: 1...30, using: &generator)
            let lines = TextLayout.wrap(text, width: width)
            XCTAssertEqual(lines.joined(), text.filter { !$0.isNewline }, "width \(width): \(text.debugDescription)")
            for line in lines {
                var visible = line
                while visible.last == " " { visible.removeLast() }
                XCTAssertTrue(DisplayWidth.of(visible) <= max(width, 2) || visible.count == 1,
                              "\(line.debugDescription) is wider than \(width)")
            }
        }
    }

    /// libc measures one code point at a time: where it disagrees, the cell is drawn with what it
    /// agrees on and padded, so the next column is where the buffer says.
    func testGlyphPlanReconcilesWithLibcWidths() {
        let libc: (UInt32) -> Int = { value in
            switch value {
            case 0x200D, 0xFE0F, 0x301, 0x1F3FB...0x1F3FF: 0
            case 0x2764: 1
            case 0x1F468, 0x1F469, 0x1F467, 0x1F44D: 2
            case 0x20...0x7E, 0xE9: 1
            default: -1
            }
        }
        XCTAssertEqual(GlyphPlan.make("e\u{301}", width: 1, libcWidth: libc), GlyphPlan(scalars: [0x65, 0x301], padding: 0))
        XCTAssertEqual(GlyphPlan.make("👍🏽", width: 2, libcWidth: libc), GlyphPlan(scalars: [0x1F44D, 0x1F3FD], padding: 0))
        XCTAssertEqual(GlyphPlan.make("❤️", width: 2, libcWidth: libc), GlyphPlan(scalars: [0x2764], padding: 1))
        XCTAssertEqual(GlyphPlan.make("👨‍👩‍👧", width: 2, libcWidth: libc).padding, 0)
        // Not representable in this locale: the bare letter, or a question mark, padded.
        XCTAssertEqual(GlyphPlan.make("ê", width: 1, libcWidth: libc), GlyphPlan(scalars: [0x65], padding: 0))
        XCTAssertEqual(GlyphPlan.make("医", width: 2, libcWidth: libc), GlyphPlan(scalars: [0x3F], padding: 1))
    }
}
