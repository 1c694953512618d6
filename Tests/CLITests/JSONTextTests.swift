import CLI
import Foundation
import TestSupport
import XCTest

/// Every JSON the programs print escapes what a terminal may obey (issue 21: `--json` printed
/// C1 controls, bidi overrides and U+2028/2029 raw).
final class JSONTextTests: XCTestCase {
    let hostile = "a\u{9B}31m\u{9D}0;t\u{07}\u{90}q\u{202E}gpj\u{2066}x\u{2069}\u{200F}\u{61C}\u{2028}\u{2029}\u{7F}é😀\u{0}"

    func testTerminalControlsAreEscapedAndReadBackUnchanged() throws {
        let data = try JSONSerialization.data(withJSONObject: [hostile: [hostile]], options: [.sortedKeys])
        let text = JSONText.escapingControls(String(decoding: data, as: UTF8.self))
        XCTAssertFalse(text.unicodeScalars.contains { JSONText.mustEscape($0.value) }, text)
        XCTAssertTrue(text.contains("\\u009b31m") && text.contains("\\u202e") && text.contains("\\u2028") && text.contains("é😀"), text)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String]]
        XCTAssertEqual(decoded, [hostile: [hostile]])
        XCTAssertEqual(JSONText.escapingControls("{\"plain\":\"é\"}"), "{\"plain\":\"é\"}")
    }

    /// A guard for the commands the other sections add: a source file of the programs that
    /// serialises JSON also passes it through `JSONText`.
    func testEveryProgramThatWritesJSONEscapesIt() throws {
        let sources = BuiltProducts.repository.appendingPathComponent("Sources")
        for program in ["mes", "mes-server"] {
            let folder = sources.appendingPathComponent(program)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let writesJSON = text.contains("JSONSerialization.data(") || text.contains("JSONEncoder()") || text.contains("prettyPrinted()")
                XCTAssertTrue(!writesJSON || text.contains("JSONText.escapingControls"), "\(program)/\(name) prints JSON without JSONText")
            }
        }
    }
}
