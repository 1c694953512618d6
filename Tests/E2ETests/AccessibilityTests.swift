import Foundation
import XCTest

/// Issue 7's end-to-end check: every section, help, language and theme switched at run time,
/// and with NO_COLOR not one colour escape in the raw output. Also the ASCII fallback.
final class AccessibilityTests: XCTestCase {
    func testEverySectionHelpLanguageAndThemeWithNoColor() throws {
        let session = try TerminalSession(environment: ["LANG": "C.UTF-8", "NO_COLOR": "1"], recordOutput: true)
        defer { session.close() }
        try session.lookAroundFirst()
        try session.waitFor("1 Accueil")
        let titles = ["Accueil", "Documents", "Profil médical", "Agenda", "Messagerie", "Partage et confidentialité",
                      "Aidants et profils", "Réglages"]
        for (index, title) in titles.enumerated() {
            try session.send(String(index + 1))
            try session.waitFor("\(title), section \(index + 1) sur 8")
        }
        try session.send("F1")
        try session.waitFor("Aide", "changer sa valeur")
        try session.send("Escape")
        try session.waitFor("Couleurs désactivées")
        // Language: French → English, at once, everywhere on screen.
        try session.send("Right")
        try session.waitFor("Language: English.", "8 Settings", "Profile: none")
        // Theme: default → high contrast.
        try session.send("Down", "Right")
        try session.waitFor("Theme: High contrast.")
        try session.send("q")
        try session.waitFor("Quit mes?")
        try session.send("y")
        XCTAssertEqual(try session.waitForExit(), 0)

        let raw = try Data(contentsOf: session.rawOutput)
        XCTAssertGreaterThan(raw.count, 1000, "the raw output was not recorded")
        XCTAssertEqual(ColorEscapes.find(in: raw), [], "colour escapes emitted with NO_COLOR=1")
        let saved = try String(contentsOf: session.home.appendingPathComponent("settings.json"), encoding: .utf8)
        XCTAssertTrue(saved.contains("\"high-contrast\"") && saved.contains("\"en\""), saved)
    }

    /// The control for the test above: without NO_COLOR, the same detector finds colours.
    func testColorsAreEmittedWithoutNoColor() throws {
        let session = try TerminalSession(recordOutput: true)
        defer { session.close() }
        try session.lookAroundFirst()
        try session.waitFor("1 Accueil")
        try session.send("q", "o")
        XCTAssertEqual(try session.waitForExit(), 0)
        XCTAssertFalse(ColorEscapes.find(in: try Data(contentsOf: session.rawOutput)).isEmpty)
    }

    func testScreenReaderModePutsTheCursorOnTheFocusedItem() throws {
        let session = try TerminalSession(arguments: ["--screen-reader"], term: "linux")
        defer { session.close() }
        try session.lookAroundFirst()
        try session.waitFor("Sections : 1 Accueil, 2 Documents", "Accueil, section 1 sur 8.")
        try session.send("8")
        let screen = try session.waitFor("Réglages, section 8 sur 8. Quatre réglages")
        XCTAssertFalse(screen.contains("│"), "no frames in screen-reader mode")
        let lines = screen.components(separatedBy: "\n")
        var cursor = try session.cursor()
        XCTAssertTrue(lines[cursor.y].contains("Langue"), "cursor on line \(cursor.y): \(lines[cursor.y])")
        try session.send("Down")
        try session.waitFor("▸Thème")
        cursor = try session.cursor()
        XCTAssertTrue(try session.screen().components(separatedBy: "\n")[cursor.y].contains("Thème"))
        try session.send("q", "o")
        XCTAssertEqual(try session.waitForExit(), 0)
    }

    func testAsciiFallbackOnAVT100WithoutUTF8() throws {
        let session = try TerminalSession(term: "vt100", environment: ["LANG": "C"])
        defer { session.close() }
        try session.lookAroundFirst()
        let screen = try session.waitFor("[1 Accueil]", "8 Reglages")
        XCTAssertTrue(screen.contains("mes | Profil"), screen)
        XCTAssertFalse(screen.contains("│") || screen.contains("▸"), screen)
        try session.send("q")
        try session.send("o")
        XCTAssertEqual(try session.waitForExit(), 0)
    }
}

/// Finds SGR sequences that set a colour: 30–37, 40–47, 90–97, 100–107, and 38;… / 48;… forms.
enum ColorEscapes {
    static func find(in data: Data) -> [String] {
        let bytes = [UInt8](data)
        var found: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == 0x1B, bytes[index + 1] == UInt8(ascii: "[") else { index += 1; continue }
            var end = index + 2
            while end < bytes.count, (0x30...0x3F).contains(bytes[end]) { end += 1 }
            guard end < bytes.count else { break }
            if bytes[end] == UInt8(ascii: "m") {
                let parameters = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                let codes = parameters.split(whereSeparator: { $0 == ";" || $0 == ":" }).compactMap { Int($0) }
                if codes.contains(where: { (30...38).contains($0) || (40...48).contains($0) || (90...97).contains($0) || (100...107).contains($0) }) {
                    found.append("ESC[" + parameters + "m")
                }
            }
            index = end + 1
        }
        return found
    }
}
