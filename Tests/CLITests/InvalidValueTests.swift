import Foundation
import TestSupport
import XCTest

/// Every kind of "invalid value" the real `mes` reports lists what is valid (issue 18): option
/// choices, numbers, dates, times, lists of rubriques, access durations, and positional
/// arguments — the closed sets a placeholder names (`RUBRIQUE`, `MEASURE`) as well as those it
/// spells (`keep-mine|keep-theirs`). (`help --check` also proves it for every option of every
/// command, in-process.) Run on an empty HOME: the values are refused before any vault opens.
final class InvalidValueTests: XCTestCase {
    var home: TemporaryDirectory!

    override func setUpWithError() throws { home = try TemporaryDirectory(prefix: "mes-invalid") }
    override func tearDown() { home?.remove() }

    func mes(_ arguments: [String], language: String = "en_GB.UTF-8") throws -> (status: Int32, lines: [String]) {
        let result = try ProcessRunner.run(BuiltProducts.path("mes"), arguments, environment: ProcessRunner.environment([
            "LANG": language, "LC_ALL": nil, "LC_MESSAGES": nil, "HOME": home.url.path, "XDG_CONFIG_HOME": nil, "XDG_DATA_HOME": nil,
            "MES_SHARE_DIR": BuiltProducts.repository.path,
        ]))
        XCTAssertEqual(result.standardOutput, "", "errors go to standard error")
        return (result.status, result.standardError.split(separator: "\n").map(String.init))
    }

    /// Exit 2, the one-line error, then `heading` and every value of `values` on its own line.
    func assertListed(_ arguments: [String], error: String, heading: String = "Valid values:", values: [String],
                      language: String = "en_GB.UTF-8", file: StaticString = #filePath, line: UInt = #line) throws {
        let (status, lines) = try mes(arguments, language: language)
        XCTAssertEqual(status, 2, lines.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(lines.first, error, file: file, line: line)
        XCTAssertEqual(lines.dropFirst().first, heading, lines.joined(separator: "\n"), file: file, line: line)
        for value in values {
            XCTAssertTrue(lines.contains { $0 == "  \(value)" || $0.hasPrefix("  \(value) ") }, "\(value) not listed:\n\(lines.joined(separator: "\n"))",
                          file: file, line: line)
        }
    }

    func testProfileRubriqueArgument() throws {
        try assertListed(["profile", "add", "alergies", "--name", "x"], error: "mes: invalid value for RUBRIQUE: alergies",
                         values: ["conditions", "blood-group", "allergies", "family-history", "wishes"])
        // The help says them too, with the names the screens show.
        let help = try ProcessRunner.run(BuiltProducts.path("mes"), ["--lang", "fr", "help", "profile", "add"])
        XCTAssertTrue(help.standardOutput.contains("Arguments :\n  RUBRIQUE\n    conditions"), help.standardOutput)
    }

    func testMeasureArgument() throws {
        try assertListed(["measures", "add", "tension-arterielle", "130/80"], error: "mes: invalid value for MEASURE: tension-arterielle",
                         values: ["weight", "blood-pressure", "hba1c", "heart-rate"])
        try assertListed(["measures", "target", "poid", "6", "7"], error: "mes: valeur invalide pour MEASURE : poid", heading: "Valeurs possibles :",
                         values: ["weight", "glycaemia"], language: "fr_FR.UTF-8")
    }

    func testRubriquesOfAnAccessCode() throws {
        try assertListed(["access", "code", "--rubriques", "documents,profil"], error: "mes: invalid value for --rubriques: documents,profil",
                         heading: "Valid values (one or more, separated by commas):", values: ["documents", "profile", "vaccinations", "histoire-de-sante", "entourage"])
        try assertListed(["aidants", "invite", "--rubriques", "agenda;messages"], error: "mes: invalid value for --rubriques: agenda;messages",
                         heading: "Valid values (one or more, separated by commas):", values: ["agenda", "messages"])
    }

    func testDurations() throws {
        try assertListed(["access", "code", "--duration", "3h"], error: "mes: invalid value for --duration: 3h", values: ["30m", "2h", "24h", "7d"])
        let (status, lines) = try mes(["agenda", "add", "--title", "x", "--date", "2026-12-01", "--duration", "1h"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(lines.prefix(2), ["mes: invalid value for --duration: 1h", "expected: a whole number"])
    }

    func testTimesDatesAndNumbers() throws {
        var (status, lines) = try mes(["agenda", "add", "--title", "x", "--date", "2026-12-01", "--time", "25h"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(lines.dropFirst().first?.contains("14h30") ?? false, lines.joined(separator: "\n"))
        (status, lines) = try mes(["aidants", "invite", "--until", "31/02/2027"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(lines.dropFirst().first?.contains("DD/MM/YYYY") ?? false, lines.joined(separator: "\n"))
        (status, lines) = try mes(["sync", "--page-size", "many"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(lines.dropFirst().first, "expected: a whole number")
    }

    func testPositionalsThatSpellTheirValues() throws {
        try assertListed(["conflicts", "resolve", "3f2a", "keep-both"], error: "mes: invalid value for keep-mine|keep-theirs: keep-both",
                         values: ["keep-mine", "keep-theirs"])
        try assertListed(["completion", "tcsh"], error: "mes: invalid value for bash|zsh|fish: tcsh", values: ["bash", "zsh", "fish"])
        try assertListed(["config", "get", "langue"], error: "mes: invalid value for server|space|language: langue", values: ["server", "space", "language"])
    }

    func testLanguage() throws {
        try assertListed(["--lang", "de", "status"], error: "mes: invalid value for --lang: de", values: ["fr", "en"])
    }
}
