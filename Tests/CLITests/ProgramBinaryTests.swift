import TestSupport
import XCTest

/// The real executables answer --help, --version and usage errors as documented, in both languages.
final class ProgramBinaryTests: XCTestCase {
    let french = ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil])
    let english = ProcessRunner.environment(["LANG": "en_US.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil])

    func testHelpIsFrenchByDefaultAndEnglishOnRequest() throws {
        for program in ["mes", "mes-server"] {
            let path = BuiltProducts.path(program)
            let frenchHelp = try ProcessRunner.run(path, ["--help"], environment: french)
            XCTAssertEqual(frenchHelp.status, 0)
            XCTAssertTrue(frenchHelp.standardOutput.contains("Utilisation : \(program)"), frenchHelp.standardOutput)
            XCTAssertTrue(frenchHelp.standardOutput.contains("Codes de sortie"))

            let byLang = try ProcessRunner.run(path, ["--help"], environment: english)
            XCTAssertTrue(byLang.standardOutput.contains("Usage: \(program)"), byLang.standardOutput)
            let byOption = try ProcessRunner.run(path, ["--lang", "en", "--help"], environment: french)
            XCTAssertTrue(byOption.standardOutput.contains("Exit codes:"), byOption.standardOutput)
        }
    }

    func testVersion() throws {
        for program in ["mes", "mes-server"] {
            let result = try ProcessRunner.run(BuiltProducts.path(program), ["--version"])
            XCTAssertEqual(result.status, 0)
            XCTAssertTrue(result.standardOutput.hasPrefix("\(program) "), result.standardOutput)
        }
    }

    func testUnknownOptionIsAOneLineErrorThenUsageWithExitCode2() throws {
        for (environment, expected) in [(french, "option inconnue : --bogus"), (english, "unknown option: --bogus")] {
            let result = try ProcessRunner.run(BuiltProducts.path("mes"), ["--bogus"], environment: environment)
            XCTAssertEqual(result.status, 2)
            let lines = result.standardError.split(separator: "\n")
            XCTAssertEqual(lines.first.map(String.init), "mes: \(expected)")
            XCTAssertTrue(lines.dropFirst().first?.contains("mes [options]") ?? false, result.standardError)
            XCTAssertEqual(result.standardOutput, "")
        }
        let server = try ProcessRunner.run(BuiltProducts.path("mes-server"), ["--bogus"], environment: english)
        XCTAssertEqual(server.status, 2)
        XCTAssertTrue(server.standardError.hasPrefix("mes-server: unknown option: --bogus"))
    }

    func testBadLanguageIsAUsageError() throws {
        let result = try ProcessRunner.run(BuiltProducts.path("mes"), ["--lang", "xx", "--help"], environment: english)
        XCTAssertEqual(result.status, 2)
    }
}
