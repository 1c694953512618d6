import L10n

/// `PROGRAM help --check`: proves the command table, the parser, the help, the man page and the
/// completions agree — every example parses to its own command, every option is in the help,
/// the man page and the completions, every text exists in every language, an option name means
/// the same thing (flag or value) everywhere, choices stay distinct once folded. Prints nothing
/// and exits 0 when all is well; CI runs it for both programs.
public enum ProgramCheck {
    public static func problems(_ program: Program) -> [String] {
        let parser = program.parser
        var problems: [String] = []
        let all = parser.globalOptions + parser.defaultOptions + parser.commands.flatMap(\.options)

        // One meaning per option name: the parser reads `--x VALUE` before it knows the command.
        var takesValue: [String: Bool] = [:]
        for option in all {
            if let known = takesValue[option.name], known != option.takesValue {
                problems.append(tr("cli.check.flag-and-value", ["option": option.name]))
            }
            takesValue[option.name] = option.takesValue
        }

        // Every text in every language.
        var keys = [program.summaryKey] + program.epilogueKeys + all.map(\.helpKey) + parser.commands.map(\.summaryKey)
        keys += all.flatMap { $0.choices ?? [] }.compactMap(\.labelKey)
        keys += parser.argumentKinds.values.flatMap { $0.choicesOrList ?? [] }.compactMap(\.labelKey)
        keys += program.manSections.flatMap { [$0.headingKey] + $0.entries.map(\.textKey) }
        for language in Language.allCases {
            let catalogue = Localizer.shared.catalogue(for: language)
            for key in Set(keys).sorted() where catalogue[key] == nil {
                problems.append(tr("cli.check.missing-text", ["key": key, "language": language.rawValue]))
            }
        }

        // Every value the parser can refuse is refused with what is valid listed: options of a
        // checked kind, and positional arguments whose placeholder names a closed set.
        for spec in parser.commands {
            for option in spec.options where option.takesValue && ![.text, .file, .directory].contains(option.kind) {
                let line = spec.path + spec.arguments.map { parser.argumentKind($0) == .text ? "x" : sample(parser.argumentKind($0)) }
                    + [option.name, "@@not-valid"]
                do {
                    _ = try parser.parse(line)
                    problems.append(tr("cli.check.not-refused", ["command": spec.name, "option": option.name]))
                } catch {
                    if program.validValueLines(error).isEmpty {
                        problems.append(tr("cli.check.no-valid-values", ["command": spec.name, "option": option.name]))
                    }
                }
            }
            for placeholder in spec.arguments + spec.optionalArguments where parser.argumentKind(placeholder).choicesOrList != nil {
                if program.validValueLines(UsageError(.invalidValue(option: placeholder, value: "@@not-valid"), command: spec.path)).isEmpty {
                    problems.append(tr("cli.check.no-valid-values", ["command": spec.name, "option": placeholder]))
                }
            }
        }

        let man = ManPage.render(program)
        let scripts = Completions.shells.compactMap { Completions.script(for: $0, program: program) }
        for spec in parser.commands {
            // Examples parse, to this very command.
            if spec.examples.isEmpty { problems.append(tr("cli.check.no-example", ["command": spec.name])) }
            for example in spec.examples {
                do {
                    let parsed = try parser.parse(ShellWords.split(example))
                    if parsed.command != spec.path {
                        problems.append(tr("cli.check.example", ["command": spec.name, "example": example, "error": parsed.command.joined(separator: " ")]))
                    }
                } catch {
                    problems.append(tr("cli.check.example", ["command": spec.name, "example": example, "error": program.describe(error)]))
                }
            }
            // The parser takes every option the help lists, with a valid value, for this command.
            for option in spec.options + parser.globalOptions where !["--help", "--version"].contains(option.name) {
                var line = spec.path + spec.arguments.map { parser.argumentKind($0) == .text ? "x" : sample(parser.argumentKind($0)) }
                line.append(option.name)
                if option.takesValue { line.append(sample(option.kind)) }
                do {
                    let parsed = try parser.parse(line)
                    if parsed.command != spec.path || !(parsed.has(option.name) || parsed.value(option.name) != nil) {
                        problems.append(tr("cli.check.example", ["command": spec.name, "example": line.joined(separator: " "), "error": option.name]))
                    }
                } catch {
                    problems.append(tr("cli.check.example", ["command": spec.name, "example": line.joined(separator: " "), "error": program.describe(error)]))
                }
            }
            // Options: declared once, and in the help, the man page and every completion script.
            let names = (spec.options + parser.globalOptions).map(\.name)
            for name in Set(names) where names.filter({ $0 == name }).count > 1 {
                problems.append(tr("cli.check.duplicate", ["command": spec.name, "option": name]))
            }
            let help = program.commandHelp(spec)
            let section = manSection(man, command: program.name + " " + spec.name)
            if section == nil { problems.append(tr("cli.check.not-in", ["item": spec.name, "where": "man"])) }
            for option in spec.options {
                if !help.contains("  " + Program.label(option)) {
                    problems.append(tr("cli.check.not-in", ["item": "\(spec.name) \(option.name)", "where": "help"]))
                }
                if let section, !section.contains(".B " + ManPage.escape(option.name)) {
                    problems.append(tr("cli.check.not-in", ["item": "\(spec.name) \(option.name)", "where": "man"]))
                }
                for (shell, script) in zip(Completions.shells, scripts) where !script.contains(completionName(option.name, shell: shell)) {
                    problems.append(tr("cli.check.not-in", ["item": "\(spec.name) \(option.name)", "where": shell]))
                }
            }
            for (shell, script) in zip(Completions.shells, scripts) where !script.contains(spec.path.joined(separator: ":")) {
                problems.append(tr("cli.check.not-in", ["item": spec.name, "where": shell]))
            }
        }
        for option in parser.globalOptions + parser.defaultOptions where !man.contains(".B " + ManPage.escape(option.name)) {
            problems.append(tr("cli.check.not-in", ["item": option.name, "where": "man"]))
        }

        // Choices stay distinct once case, accents and punctuation are set aside.
        for option in all {
            guard let choices = option.choices else { continue }
            var folded: [String: String] = [:]
            for choice in choices {
                var names = [choice.value]
                if let key = choice.labelKey { names += Language.allCases.map { Localizer.shared.text(key, language: $0) } }
                for name in Set(names.map(ValueCheck.fold)) {
                    if let other = folded[name], other != choice.value {
                        problems.append(tr("cli.check.ambiguous", ["option": option.name, "value": name]))
                    }
                    folded[name] = choice.value
                }
            }
        }
        return problems
    }

    /// A valid value of `kind`, to try an option with.
    static func sample(_ kind: ValueKind) -> String {
        switch kind {
        case .choice(let choices), .list(let choices): choices.first?.value ?? "x"
        case .date: "22/11/2026"
        case .time: "14h30"
        case .integer: "3"
        default: "x"
        }
    }

    /// The part of the man page about one command (from its `.SS` to the next heading).
    static func manSection(_ man: String, command: String) -> String? {
        guard let start = man.range(of: ".SS " + ManPage.quoted(command) + "\n") else { return nil }
        let rest = man[start.upperBound...]
        let end = rest.range(of: "\n.S")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    static func completionName(_ option: String, shell: String) -> String {
        shell == "fish" ? "-l " + option.dropFirst(2) : option
    }
}

/// Splits a command line the way a POSIX shell would for plain words and quotes (no expansion).
public enum ShellWords {
    public static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"", let next = iterator.next() { current.append(next) } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == "\\", let next = iterator.next() {
                current.append(next)
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
