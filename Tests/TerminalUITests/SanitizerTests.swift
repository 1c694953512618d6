@testable import TerminalUI
import XCTest

/// Hostile text from outside never reaches the terminal as anything but visible characters.
final class SanitizerTests: XCTestCase {
    func testPlainTextIsUnchanged() {
        XCTAssertEqual(Sanitizer.sanitize("Compte rendu du 22/11/2026"), "Compte rendu du 22/11/2026")
        XCTAssertEqual(Sanitizer.sanitize("Dr Hélène Dupré-Ngô 医生 👍🏽"), "Dr Hélène Dupré-Ngô 医生 👍🏽")
    }

    func testClearScreenSequenceIsShownInert() {
        let cleaned = Sanitizer.sanitize("avant\u{1B}[2Japrès")
        XCTAssertEqual(cleaned, "avant^[[2Japrès")
        XCTAssertFalse(cleaned.unicodeScalars.contains { $0.value < 0x20 })
    }

    func testOSC52ClipboardWriteAndOSC0TitleNeverPass() {
        let clipboard = Sanitizer.sanitize("\u{1B}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u{07}lu")
        XCTAssertEqual(clipboard, "^[]52;c;Y3VybCBldmlsLnNoIHwgc2g=^Glu")
        let title = Sanitizer.sanitize("\u{1B}]0;pwned\u{1B}\\")
        XCTAssertEqual(title, "^[]0;pwned^[\\")
    }

    func testC1ControlsIncludingEightBitCSIAreEscaped() {
        XCTAssertEqual(Sanitizer.sanitize("a\u{9B}31mb\u{85}c\u{9D}0;x"), "a\\u009B31mb\\u0085c\\u009D0;x")
    }

    func testDeleteAndOtherC0ControlsUseCaretNotation() {
        XCTAssertEqual(Sanitizer.sanitize("a\u{7F}b\u{00}c\u{08}d\td"), "a^?b^@c^Hd^Id")
    }

    func testBidiOverridesAndIsolatesAreRemoved() {
        // "RIGHT-TO-LEFT OVERRIDE" could show "exe.pdf" for "fdp.exe".
        XCTAssertEqual(Sanitizer.sanitize("facture\u{202E}fdp.exe"), "facturefdp.exe")
        XCTAssertEqual(Sanitizer.sanitize("\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{200E}\u{200F}\u{061C}\u{202A}\u{202B}\u{202C}\u{202D}"), "abc")
    }

    func testZeroWidthCharactersInANameAreShown() {
        XCTAssertEqual(Sanitizer.sanitize("Dr\u{200B} Martin", policy: .name), "Dr\\u200B Martin")
        XCTAssertEqual(Sanitizer.sanitize("Ma\u{200D}rtin", policy: .name), "Ma\\u200Drtin")
        XCTAssertEqual(Sanitizer.sanitize("Jean\u{FEFF}\u{2060}", policy: .name), "Jean\\uFEFF\\u2060")
        // A joiner inside an emoji sequence is shown too in a name: nothing invisible in a name.
        XCTAssertEqual(Sanitizer.sanitize("👨\u{200D}⚕️", policy: .name), "👨\\u200D⚕\\uFE0F")
    }

    func testInRunningTextEmojiSequencesStayAndLoneInvisiblesShow() {
        XCTAssertEqual(Sanitizer.sanitize("👨‍👩‍👧 famille"), "👨‍👩‍👧 famille")
        XCTAssertEqual(Sanitizer.sanitize("a\u{200B}b"), "a\\u200Bb")
        XCTAssertEqual(Sanitizer.sanitize("\u{301}e"), "◌\u{301}e")
    }

    func testInvalidUTF8BecomesReplacementCharacters() {
        let bytes: [UInt8] = [0x61, 0xC3, 0x28, 0x62, 0xFF, 0x1B, 0x5B, 0x32, 0x4A]
        XCTAssertEqual(Sanitizer.sanitize(bytes: bytes), "a\u{FFFD}(b\u{FFFD}^[[2J")
    }

    func testLinesSplitsAndExpandsTabs() {
        XCTAssertEqual(Sanitizer.lines("a\tb\r\nc\u{1B}d\re"), ["a   b", "c^[d", "e"])
    }

    func testTheCellBufferSanitisesEverythingItIsGiven() {
        var buffer = CellBuffer(size: Size(width: 30, height: 1))
        buffer.put("x\u{1B}]0;title\u{07}\u{202E}y", at: Point(x: 0, y: 0))
        XCTAssertEqual(buffer.text(row: 0).trimmingCharacters(in: .whitespaces), "x^[]0;title^Gy")
        XCTAssertFalse(buffer.cells.contains { $0.character.unicodeScalars.contains { $0.value < 0x20 || (0x80...0x9F).contains($0.value) } })
    }

    /// Fillers that draw a blank or nothing, and tag characters, are shown in running text too
    /// (they reached the terminal invisibly); a flag's tag sequence stays a flag.
    func testFillersAndTagsAreShownInRunningText() {
        XCTAssertEqual(Sanitizer.sanitize("pay\u{00AD}pal"), "pay\\u00ADpal")
        XCTAssertEqual(Sanitizer.sanitize("a\u{3164}b"), "a\\u3164b")
        XCTAssertEqual(Sanitizer.sanitize("\u{115F}\u{1160}x"), "\\u115F\\u1160x")
        XCTAssertEqual(Sanitizer.sanitize("x\u{FFA0}y"), "x\\uFFA0y")
        let hidden = "ok\u{E0049}\u{E0047}\u{E004E}\u{E004F}\u{E0052}\u{E0045}"
        XCTAssertEqual(Sanitizer.sanitize(hidden), "ok\\uE0049\\uE0047\\uE004E\\uE004F\\uE0052\\uE0045")
        XCTAssertEqual(Sanitizer.sanitize("\u{E0001}seul"), "\\uE0001seul")
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"
        XCTAssertEqual(Sanitizer.sanitize("Écosse \(scotland)"), "Écosse \(scotland)")
        for text in [hidden, "a\u{3164}b", "pay\u{00AD}pal", "\u{115F}x"] {
            XCTAssertFalse(Sanitizer.sanitize(text).unicodeScalars.contains { Sanitizer.isFiller($0.value) || Sanitizer.isTag($0.value) }, text)
        }
    }
}
