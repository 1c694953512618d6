import Foundation
import TestSupport
import XCTest

/// The real programs' help, man pages, completions and parser agree: they all come from one
/// command table, and these tests read what the binaries print.
final class CommandLineAgreementTests: XCTestCase {
    let english = ProcessRunner.environment(["LANG": "en_US.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil])
    let french = ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "LC_ALL": nil, "LC_MESSAGES": nil])

    func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try ProcessRunner.run(BuiltProducts.path(program), arguments, environment: environment ?? english)
    }

    /// `help --check` parses every example and every option of every command with the real
    /// parser and finds each in the help, the man page and the three completion scripts.
    func testSelfCheckPassesInBothLanguages() throws {
        for program in ["mes", "mes-server"] {
            for environment in [english, french] {
                let result = try run(program, ["help", "--check"], environment: environment)
                XCTAssertEqual(result.status, 0, result.standardError)
                XCTAssertEqual(result.standardError, "")
            }
        }
    }

    /// For every command the man page documents, `PROGRAM COMMAND --help` and `PROGRAM help
    /// COMMAND` print the same, with exactly the options the man page lists for it.
    func testEveryCommandsHelpMatchesTheManPage() throws {
        for program in ["mes", "mes-server"] {
            let man = try run(program, ["help", "--man"])
            XCTAssertEqual(man.status, 0)
            let sections = man.standardOutput.components(separatedBy: "\n.SS \"").dropFirst()
            XCTAssertGreaterThan(sections.count, program == "mes" ? 50 : 8)
            let globalHelp = try run(program, ["--help"]).standardOutput
            // Every third command (each costs a process start; `help --check` covers all of them
            // in-process with the same renderers).
            for (index, section) in sections.enumerated() where index % 3 == 0 {
                let title = section.prefix { $0 != "\"" }.replacingOccurrences(of: "\\-", with: "-")
                let words = title.split(separator: " ").dropFirst().map(String.init)
                let body = section.components(separatedBy: "\n.SH ").first ?? section
                let manOptions = Set(body.matches(of: #/\n\.B (\\-\\-[a-z0-9]+(?:\\-[a-z0-9]+)*)/#).map { $0.1.replacingOccurrences(of: "\\-", with: "-") })
                let byFlag = try run(program, words + ["--help"])
                XCTAssertEqual(byFlag.status, 0, "\(title): \(byFlag.standardError)")
                if index % 15 == 0 {
                    // `help COMMAND` is the same text (checked on a sample: each run costs a process start).
                    XCTAssertEqual(byFlag.standardOutput, try run(program, ["help"] + words).standardOutput, title)
                }
                let own = byFlag.standardOutput.components(separatedBy: "\nCommon options:").first ?? ""
                let helpOptions = Set(own.matches(of: #/\n  (--[a-z0-9-]+)/#).map { String($0.1) })
                XCTAssertEqual(helpOptions, manOptions, title)
                XCTAssertTrue(globalHelp.contains("  " + words[0]), "\(title) missing from \(program) --help")
            }
        }
    }

    func testManPagesHaveNoGroffWarnings() throws {
        for program in ["mes", "mes-server"] {
            for environment in [english, french] {
                let page = try run(program, ["help", "--man"], environment: environment).standardOutput
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("mes-man-\(UUID().uuidString).1")
                try page.write(to: file, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: file) }
                let result = try ProcessRunner.run("/bin/sh", ["-c", "groff -k -man -Tutf8 -ww -z \"$0\" 2>&1", file.path])
                XCTAssertEqual(result.standardOutput, "", "\(program): \(result.standardOutput)")
            }
        }
    }

    /// bash completion, run for real: subcommands, options, category keys, files.
    func testBashCompletionCompletes() throws {
        let script = try run("mes", ["completion", "bash"]).standardOutput
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mes-completion-\(UUID().uuidString).bash")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        func complete(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let command = "source \"$0\"; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _mes; printf '%s\\n' \"${COMPREPLY[@]}\""
            let result = try ProcessRunner.run("/bin/bash", ["-c", command, file.path])
            XCTAssertEqual(result.status, 0, result.standardError)
            return result.standardOutput.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try complete(["mes", "doc"]), ["documents"])
        XCTAssertEqual(Set(try complete(["mes", "documents", "m"])), ["mask"])
        XCTAssertTrue(try complete(["mes", "documents", "add", "--"]).contains("--category"))
        XCTAssertTrue(try complete(["mes", "--home", "/tmp", "documents", "add", "--"]).contains("--title"))
        XCTAssertEqual(Set(try complete(["mes", "documents", "list", "--category", "comp"])), ["comptes-rendus"])
        XCTAssertEqual(Set(try complete(["mes", "--lang", ""])), ["fr", "en"])
        XCTAssertEqual(Set(try complete(["mes", "completion", ""])), ["bash", "zsh", "fish"])
        // The options and values added for issue 18's second half: --json, --quiet, RUBRIQUE, --rubriques.
        XCTAssertTrue(try complete(["mes", "status", "--"]).contains("--json"))
        XCTAssertTrue(try complete(["mes", "sync", "--q"]).contains("--quiet"))
        XCTAssertTrue(try complete(["mes", "profile", "add", "bl"]).contains("blood-group"))
        XCTAssertTrue(try complete(["mes", "access", "code", "--rubriques", "vac"]).contains("vaccinations"))
    }

    /// `--json`, `--quiet` and the `version` command come from the table like the rest: in the
    /// man page, the help and (above) the completions.
    func testJSONQuietAndVersionAreDocumentedEverywhere() throws {
        let man = try run("mes", ["help", "--man"]).standardOutput
        XCTAssertTrue(man.contains(".B \\-\\-quiet"), "--quiet in the man page")
        XCTAssertTrue(man.contains(".SS \"mes version"), "version in the man page")
        XCTAssertTrue(try run("mes", ["documents", "show", "--help"]).standardOutput.contains("  --json"))
        XCTAssertTrue(try run("mes", ["--help"]).standardOutput.contains("  --quiet"))
        let version = try run("mes", ["version", "--json"])
        XCTAssertEqual(version.status, 0)
        let data = try XCTUnwrap(try MesJSON.data(version.standardOutput) as? [String: Any])
        XCTAssertEqual(data["program"] as? String, "mes")
    }

    func testGroupsExplainThemselves() throws {
        let help = try run("mes", ["documents", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.standardOutput.contains("documents add FILE"), help.standardOutput)
        let bare = try run("mes", ["documents"])
        XCTAssertEqual(bare.status, 2)
        XCTAssertTrue(bare.standardError.contains("documents list"), bare.standardError)
        let command = try run("mes", ["documents", "add", "--help"])
        XCTAssertEqual(command.status, 0, command.standardError)
        for expected in ["--category CATEGORY", "comptes-rendus", "values (the key or the name shown):", "Examples:", "mes documents add", "DD/MM/YYYY"] {
            XCTAssertTrue(command.standardOutput.contains(expected), "\(expected) in \(command.standardOutput)")
        }
    }

    func testInvalidValueListsTheValidOnes() throws {
        let result = try run("mes", ["documents", "list", "--category", "Compte rendu"])
        XCTAssertEqual(result.status, 2)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "mes: invalid value for --category: Compte rendu")
        XCTAssertEqual(lines.dropFirst().first, "Valid values:")
        XCTAssertTrue(lines.contains { $0.hasPrefix("  comptes-rendus ") }, result.standardError)
        let date = try run("mes", ["agenda", "list", "--from", "31/02/2026"])
        XCTAssertEqual(date.status, 2)
        XCTAssertTrue(date.standardError.contains("DD/MM/YYYY"), date.standardError)
        let french = try run("mes", ["agenda", "add", "--type", "visite"], environment: french)
        XCTAssertTrue(french.standardError.contains("Valeurs possibles"), french.standardError)
        XCTAssertTrue(french.standardError.contains("rappel"), french.standardError)
    }

    func testVersionNamesTheLinkedLibraries() throws {
        let result = try run("mes", ["--version"])
        XCTAssertEqual(result.status, 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("mes 0.") ?? false)
        XCTAssertTrue(lines.contains { $0.hasPrefix("SQLite 3.") }, result.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("libsodium 1.") }, result.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("ncurses 6.") }, result.standardOutput)
    }
}
