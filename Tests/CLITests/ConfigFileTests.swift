import CLI
import Foundation
import TestSupport
import XCTest

/// `key = value` files: the user's configuration and the kiosk's, one parser.
final class ConfigFileTests: XCTestCase {
    func testParsesKeepsCommentsAndRewritesInPlace() throws {
        var file = try ConfigFile(parsing: "# my settings\nserver = https://a.example\n\nlanguage=en\n  space = \"enfant 1\"  \n")
        XCTAssertEqual(file["server"], "https://a.example")
        XCTAssertEqual(file["language"], "en")
        XCTAssertEqual(file["space"], "enfant 1")
        XCTAssertNil(file["other"])
        file.set("server", "https://b.example")
        file.set("idle-seconds", "120")
        file.set("language", nil)
        XCTAssertEqual(file.text, "# my settings\nserver = https://b.example\n\nspace = enfant 1\nidle-seconds = 120\n")
        XCTAssertEqual(file.entries.map(\.key), ["server", "space", "idle-seconds"])
        XCTAssertEqual(try ConfigFile(parsing: file.text), file)
    }

    func testBadLinesAreErrorsWithTheirNumber() {
        XCTAssertThrowsError(try ConfigFile(parsing: "server = x\nnot a setting\n")) {
            XCTAssertEqual(($0 as? ConfigFile.SyntaxError)?.line, 2)
        }
        XCTAssertThrowsError(try ConfigFile(parsing: "Server Name = x\n"))
    }

    func testPathFollowsXDG() {
        XCTAssertEqual(ConfigFile.userPath(environment: ["XDG_CONFIG_HOME": "/x/c", "HOME": "/h"]).path, "/x/c/mes/config")
        XCTAssertEqual(ConfigFile.userPath(environment: ["HOME": "/h"]).path, "/h/.config/mes/config")
        XCTAssertEqual(ConfigFile.userPath(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]).path, "/h/.config/mes/config")
    }

    /// `mes config set|get|list|unset` on a fresh HOME; the configured language is used.
    func testMesConfigCommands() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let environment = ProcessRunner.environment(["HOME": home.path, "XDG_CONFIG_HOME": nil, "LANG": "fr_FR.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil])
        func mes(_ arguments: String...) throws -> ProcessResult {
            try ProcessRunner.run(BuiltProducts.path("mes"), arguments, environment: environment)
        }
        XCTAssertEqual(try mes("config", "get", "server").status, 8)
        XCTAssertEqual(try mes("config", "set", "server", "https://mes.example.fr").status, 0)
        XCTAssertEqual(try mes("config", "get", "server").standardOutput, "https://mes.example.fr\n")
        let refused = try mes("config", "set", "language", "klingon")
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.standardError.contains("  en"), refused.standardError)
        XCTAssertTrue(try mes("--help").standardOutput.contains("Codes de sortie"))
        XCTAssertEqual(try mes("config", "set", "language", "EN").status, 0)
        XCTAssertTrue(try mes("--help").standardOutput.contains("Exit codes"), "the configured language is used")
        XCTAssertTrue(try mes("--lang", "fr", "--help").standardOutput.contains("Codes de sortie"), "--lang wins")
        let json = try JSONSerialization.jsonObject(with: Data(try mes("config", "list", "--json").standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(json?["version"] as? Int, 1)
        XCTAssertEqual(json?["server"] as? String, "https://mes.example.fr")
        XCTAssertEqual(json?["language"] as? String, "en")
        XCTAssertTrue(json?["space"] is NSNull)
        let file = home.url.appendingPathComponent(".config/mes/config")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "server = https://mes.example.fr\nlanguage = en\n")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try mes("config", "unset", "language").status, 0)
        XCTAssertTrue(try mes("--help").standardOutput.contains("Codes de sortie"))
        try "not a setting\n".write(to: file, atomically: true, encoding: .utf8)
        let broken = try mes("config", "list")
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.standardError.contains("ligne 1"), broken.standardError)
    }
}
