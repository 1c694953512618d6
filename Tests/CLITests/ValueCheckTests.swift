import CLI
import L10n
import XCTest

/// Friendly values: choices by key or screen name, dates in both orders, times in both styles.
final class ValueCheckTests: XCTestCase {
    let categories = [ValueChoice("comptes-rendus", label: "documents.category.comptes-rendus"),
                      ValueChoice("imagerie", label: "documents.category.imagerie"),
                      ValueChoice("resume", label: "documents.category.resume")]

    func testChoiceByKeyOrScreenNameCaseAndAccentsAside() {
        for text in ["comptes-rendus", "Comptes rendus", "COMPTES RENDUS", "comptes_rendus", "  comptes   rendus "] {
            XCTAssertEqual(ValueCheck.normalise(text, for: .choice(categories)), "comptes-rendus", text)
        }
        for text in ["Radio, écho, scanner, IRM", "radio echo scanner irm", "IMAGERIE"] {
            XCTAssertEqual(ValueCheck.normalise(text, for: .choice(categories)), "imagerie", text)
        }
        XCTAssertEqual(ValueCheck.normalise("Ma santé en résumé", for: .choice(categories)), "resume")
        XCTAssertEqual(ValueCheck.normalise("ma sante en resume", for: .choice(categories)), "resume")
        // The English screen name too, whatever the current language.
        let english = Localizer.shared.text("documents.category.comptes-rendus", language: .english)
        XCTAssertEqual(ValueCheck.normalise(english, for: .choice(categories)), "comptes-rendus", english)
        XCTAssertNil(ValueCheck.normalise("comptes", for: .choice(categories)))
        XCTAssertNil(ValueCheck.normalise("", for: .choice(categories)))
    }

    func testDatesInBothOrders() {
        XCTAssertEqual(ValueCheck.date("2026-11-22"), "2026-11-22")
        XCTAssertEqual(ValueCheck.date("22/11/2026"), "2026-11-22")
        XCTAssertEqual(ValueCheck.date("2/3/2026"), "2026-03-02")
        XCTAssertEqual(ValueCheck.date("22.11.2026"), "2026-11-22")
        XCTAssertEqual(ValueCheck.date("29/02/2028"), "2028-02-29")
        for bad in ["29/02/2026", "31/04/2026", "2026-13-01", "2026/11/22", "11/22", "22/11/26", "demain", "2026-11-22x", ""] {
            XCTAssertNil(ValueCheck.date(bad), bad)
        }
    }

    func testTimes() {
        XCTAssertEqual(ValueCheck.time("14:30"), "14:30")
        XCTAssertEqual(ValueCheck.time("9:05"), "09:05")
        XCTAssertEqual(ValueCheck.time("14h30"), "14:30")
        XCTAssertEqual(ValueCheck.time("14h"), "14:00")
        for bad in ["24:00", "14:60", "14", "14:3", "midi", "1430"] { XCTAssertNil(ValueCheck.time(bad), bad) }
    }

    func testParserNormalisesAndRefuses() throws {
        let parser = ArgumentParser(globalOptions: Program.standardOptions, commands: [
            CommandSpec(["documents", "add"], summary: "x", options: [
                OptionSpec("--category", value: "CATEGORY", choices: categories, help: "x"),
                OptionSpec("--date", value: "DATE", help: "x"),
                OptionSpec("--time", value: "HH:MM", help: "x"),
                OptionSpec("--months", value: "N", help: "x"),
                OptionSpec("--type", value: "rdv|rappel", help: "x"),
            ], arguments: ["FILE"]),
        ])
        let parsed = try parser.parse(["documents", "add", "f.pdf", "--category", "Comptes Rendus", "--date", "22/11/2026", "--time", "9h",
                                       "--type", "RDV", "--months", "3"])
        XCTAssertEqual(parsed.value("--category"), "comptes-rendus")
        XCTAssertEqual(parsed.value("--date"), "2026-11-22")
        XCTAssertEqual(parsed.value("--time"), "09:00")
        XCTAssertEqual(parsed.value("--type"), "rdv")
        for (option, value) in [("--category", "nope"), ("--date", "31/02/2026"), ("--months", "three"), ("--type", "rendez-vous")] {
            XCTAssertThrowsError(try parser.parse(["documents", "add", "f.pdf", option, value])) {
                XCTAssertEqual($0 as? UsageError, UsageError(.invalidValue(option: option, value: value)))
            }
        }
    }

    func testInvalidValueErrorsListTheValidOnes() {
        Localizer.shared.setLanguage(.english)
        defer { Localizer.shared.setLanguage(.french) }
        let program = Program(name: "mes", summaryKey: "mes.summary", parser: ArgumentParser(globalOptions: Program.standardOptions, commands: [
            CommandSpec(["documents", "list"], summary: "x", options: [
                OptionSpec("--category", value: "CATEGORY", choices: categories, help: "x"),
                OptionSpec("--date", value: "DATE", help: "x"),
            ]),
        ]))
        let category = program.validValueLines(UsageError(.invalidValue(option: "--category", value: "x"), command: ["documents", "list"]))
        XCTAssertEqual(category.first, "Valid values:")
        XCTAssertTrue(category.contains { $0.contains("comptes-rendus") && $0.contains(Localizer.shared.text("documents.category.comptes-rendus")) },
                      category.joined(separator: "\n"))
        XCTAssertEqual(category.count, 1 + categories.count)
        let date = program.validValueLines(UsageError(.invalidValue(option: "--date", value: "x"), command: ["documents", "list"]))
        XCTAssertTrue(date.first?.contains("DD/MM/YYYY") ?? false, date.joined())
        // A positional argument named by its choices (`keep-mine|keep-theirs`).
        let positional = program.validValueLines(UsageError(.invalidValue(option: "keep-mine|keep-theirs", value: "x")))
        XCTAssertEqual(positional, ["Valid values:", "  keep-mine", "  keep-theirs"])
        XCTAssertEqual(program.validValueLines(UsageError(.invalidValue(option: "--lang", value: "xx"))), ["Valid values:", "  fr", "  en"])
    }

    func testHelpNeedsNoArgumentsAndGroupsAreNamed() throws {
        let parser = ArgumentParser(globalOptions: Program.standardOptions, commands: [
            CommandSpec(["documents", "show"], summary: "x", arguments: ["ID"]),
            CommandSpec(["documents", "list"], summary: "x"),
            CommandSpec(["conflicts"], summary: "x"),
            CommandSpec(["conflicts", "resolve"], summary: "x", arguments: ["ID"]),
        ])
        XCTAssertEqual(try parser.parse(["documents", "show", "--help"]).command, ["documents", "show"])
        XCTAssertEqual(try parser.parse(["documents", "--help"]).command, ["documents"])
        XCTAssertThrowsError(try parser.parse(["documents"])) { XCTAssertEqual($0 as? UsageError, UsageError(.missingCommand("documents"))) }
        XCTAssertThrowsError(try parser.parse(["documents", "frob"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unknownCommand("frob"))) }
        XCTAssertThrowsError(try parser.parse(["conflicts", "frob"])) { XCTAssertEqual($0 as? UsageError, UsageError(.unknownCommand("frob"))) }
        XCTAssertEqual(try parser.parse(["conflicts"]).command, ["conflicts"])
    }

    func testShellWords() {
        XCTAssertEqual(ShellWords.split(#"documents add "a b.pdf" --title 'l’été' --note x\ y"#),
                       ["documents", "add", "a b.pdf", "--title", "l’été", "--note", "x y"])
        XCTAssertEqual(ShellWords.split(#"x "" y"#), ["x", "", "y"])
    }
}
