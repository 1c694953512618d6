import CLI
import XCTest

final class ArgumentParserTests: XCTestCase {
    let parser = ArgumentParser(
        globalOptions: Program.standardOptions + [
            OptionSpec("--home", value: "DIR", help: "option.home"),
            OptionSpec("--passphrase-fd", value: "N", help: "option.passphrase-fd"),
        ],
        commands: [
            CommandSpec(["vault", "init"], summary: "x"),
            CommandSpec(["documents", "show"], summary: "x", options: [OptionSpec("--json", help: "x")], arguments: ["ID"]),
            CommandSpec(["documents"], summary: "x"),
        ],
        defaultOptions: [OptionSpec("--demo", help: "option.demo")])

    func testGlobalOptionsBeforeOrAfterTheCommand() throws {
        let before = try parser.parse(["--home", "/tmp/h", "vault", "init"])
        let after = try parser.parse(["vault", "init", "--home=/tmp/h"])
        XCTAssertEqual(before, after)
        XCTAssertEqual(before.command, ["vault", "init"])
        XCTAssertEqual(before.value("--home"), "/tmp/h")
    }

    func testLongestCommandWinsAndPositionalsAreChecked() throws {
        let show = try parser.parse(["documents", "show", "doc-1", "--json"])
        XCTAssertEqual(show.command, ["documents", "show"])
        XCTAssertEqual(show.positionals, ["doc-1"])
        XCTAssertTrue(show.has("--json"))
        XCTAssertThrowsError(try parser.parse(["documents", "show"])) {
            XCTAssertEqual($0 as? UsageError, UsageError(.missingArgument("ID")))
        }
        XCTAssertThrowsError(try parser.parse(["documents", "show", "a", "b"])) {
            XCTAssertEqual($0 as? UsageError, UsageError(.unexpectedArgument("b")))
        }
    }

    func testUnknownOptionsAndCommandsAreUsageErrors() {
        XCTAssertThrowsError(try parser.parse(["--bogus"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unknownOption("--bogus"))) }
        XCTAssertThrowsError(try parser.parse(["-x"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unknownOption("-x"))) }
        XCTAssertThrowsError(try parser.parse(["frobnicate"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unknownCommand("frobnicate"))) }
        XCTAssertThrowsError(try parser.parse(["vault", "init", "--json"])) {
            XCTAssertEqual($0 as? UsageError, UsageError(.unknownOption("--json")))
        }
        XCTAssertThrowsError(try parser.parse(["vault", "init", "--demo"])) {
            XCTAssertEqual($0 as? UsageError, UsageError(.unknownOption("--demo")))
        }
        XCTAssertThrowsError(try parser.parse(["--home"])) { XCTAssertEqual($0 as? UsageError, UsageError(.missingValue(option: "--home"))) }
        XCTAssertThrowsError(try parser.parse(["--demo=1"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unexpectedValue(option: "--demo"))) }
    }

    func testDefaultActionOptions() throws {
        let demo = try parser.parse(["--demo"])
        XCTAssertEqual(demo.command, [])
        XCTAssertTrue(demo.has("--demo"))
    }

    func testSecretSourceNeverFromArguments() throws {
        XCTAssertEqual(try SecretSource.from(parser.parse(["--passphrase-fd", "3"]), file: "--passphrase-file", fd: "--passphrase-fd"),
                       .fileDescriptor(3))
        XCTAssertEqual(try SecretSource.from(parser.parse([]), file: "--passphrase-file", fd: "--passphrase-fd"), .prompt)
        XCTAssertThrowsError(try SecretSource.from(parser.parse(["--passphrase-fd", "x"]), file: "--passphrase-file", fd: "--passphrase-fd"))
    }
}
