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

    /// The fast path (`DisplayWidth.isPlain`: measured, sanitised and drawn one code point a
    /// cell) must agree with the full rules for every code point it takes: one column, left as
    /// it is by the sanitiser under both policies, a grapheme cluster of its own beside letters
    /// and beside itself, and no mark, format or control character.
    func testPlainCodePointsFollowTheFullRules() {
        var plain = 0
        for value in UInt32(0)...0x2FFFF where DisplayWidth.isPlain(value) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            plain += 1
            let text = String(Character(scalar))
            XCTAssertEqual(DisplayWidth.of(Character(scalar)), 1, "U+\(String(value, radix: 16))")
            // A control in front takes the sanitiser off its fast path, to the full rules.
            XCTAssertEqual(Sanitizer.sanitize("\u{1}" + text), "^A" + text, "U+\(String(value, radix: 16))")
            XCTAssertEqual(Sanitizer.sanitize("\u{1}" + text, policy: .name), "^A" + text, "U+\(String(value, radix: 16))")
            XCTAssertEqual(("a" + text + "a").count, 3, "U+\(String(value, radix: 16))")
            XCTAssertEqual((text + text).count, 2, "U+\(String(value, radix: 16))")
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .format, .control, .lineSeparator, .paragraphSeparator:
                XCTFail("U+\(String(value, radix: 16)) is a \(scalar.properties.generalCategory)")
            default:
                break
            }
            XCTAssertFalse(scalar.properties.isEmojiPresentation, "U+\(String(value, radix: 16))")
        }
        XCTAssertGreaterThan(plain, 1000)
        for value: UInt32 in [0x00, 0x1F, 0x7F, 0x80, 0x9F, 0xAD, 0x300, 0x200B, 0x200D, 0x2028, 0x202E, 0x25FD, 0xFE0F] {
            XCTAssertFalse(DisplayWidth.isPlain(value), "U+\(String(value, radix: 16))")
        }
    }

    /// Text on the fast path is measured, cut and drawn as the full rules would.
    func testPlainTextIsMeasuredCutAndDrawnAsTheFullRulesWould() {
        let samples = ["Résultats de biologie", "Centre d’imagerie…", "« Hélène » — 12 €", "↑ ─│┌ ▏█", "", "ASCII only",
                       "Dr Hélène Dupré\u{301}", "e\u{301}té", "医生 Hélène", "a\u{200B}b"]
        for text in samples {
            var expected = 0
            for character in text { expected += DisplayWidth.of(character) }
            XCTAssertEqual(DisplayWidth.of(text), expected, text)
            XCTAssertEqual(DisplayWidth.plainColumns(text) != nil, text.unicodeScalars.allSatisfy { DisplayWidth.isPlain($0.value) }, text)
            for columns in 0...8 {
                let cut = TextLayout.prefix(text, columns: columns)
                XCTAssertLessThanOrEqual(DisplayWidth.of(cut), columns, text)
                XCTAssertTrue(text.hasPrefix(cut), text)
                XCTAssertEqual(TextLayout.truncated(text, to: columns).columns, DisplayWidth.of(TextLayout.truncate(text, to: columns)), text)
            }
        }
        var buffer = CellBuffer(size: Size(width: 12, height: 2))
        buffer.put("医生", at: Point(x: 0, y: 0))
        buffer.put("Hélène ‘x’", at: Point(x: 1, y: 0), maxWidth: 8)
        XCTAssertEqual(buffer.text(row: 0), " Hélène ‘   ", "the wide character cut at the left is blanked")
        XCTAssertEqual(buffer.cells[0].width, 1)
        TextLayout.drawPadded("Compte rendu", width: 8, alignRight: true, at: Point(x: 0, y: 1), style: Style(attributes: .bold), into: &buffer)
        TextLayout.drawPadded("Ko", width: 4, alignRight: true, at: Point(x: 8, y: 1), style: .plain, into: &buffer)
        XCTAssertEqual(buffer.text(row: 1), "Compte …  Ko")
        XCTAssertEqual(buffer[7, 1].style, Style(attributes: .bold))
    }
}
