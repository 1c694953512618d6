import Foundation
import L10n

/// The version both programs report.
public let mesVersion = "0.1.0"

/// A section the man page adds after the exit codes: a heading and terms with their text
/// (ENVIRONMENT, FILES…), all localisation keys but the terms.
public struct ManSection: Sendable {
    public var headingKey: String
    public var entries: [(term: String, textKey: String)]
    public init(heading headingKey: String, entries: [(term: String, textKey: String)]) {
        self.headingKey = headingKey
        self.entries = entries
    }
}

/// A command-line program: parses its arguments, answers `--help`, `help COMMAND`, `--version`
/// and `completion SHELL`, reports usage errors in one line followed by the usage (exit 2), and
/// runs the chosen command. Everything it prints about itself — help, man page, completions —
/// comes from the same `ArgumentParser` specs it parses with.
public struct Program: Sendable {
    public var name: String
    public var summaryKey: String
    public var parser: ArgumentParser
    /// Extra help paragraphs (localisation keys) printed after the options.
    public var epilogueKeys: [String]
    /// The manual section: 1 for a user command, 8 for a daemon.
    public var manSectionNumber: Int
    /// ENVIRONMENT, FILES… for the man page.
    public var manSections: [ManSection]
    /// Lines `--version` prints after the program's own (linked library versions).
    public var versionDetails: @Sendable () -> [String]

    public init(name: String, summaryKey: String, parser: ArgumentParser, epilogueKeys: [String] = [],
                manSection: Int = 1, manSections: [ManSection] = [], versionDetails: @escaping @Sendable () -> [String] = { [] }) {
        self.name = name
        self.summaryKey = summaryKey
        var parser = parser
        parser.commands += Self.builtInCommands
        self.parser = parser
        self.epilogueKeys = epilogueKeys
        self.manSectionNumber = manSection
        self.manSections = manSections
        self.versionDetails = versionDetails
    }

    /// The options every program accepts.
    public static let standardOptions = [
        OptionSpec("--help", help: "option.help"),
        OptionSpec("--version", help: "option.version"),
        OptionSpec("--lang", value: "fr|en", help: "option.lang"),
    ]

    /// `help [COMMAND…]` and `completion SHELL`, which every program answers by itself.
    public static let builtInCommands = [
        CommandSpec(["help"], summary: "cli.command.help", options: [OptionSpec("--man", help: "option.man"), OptionSpec("--check", help: "option.check")],
                    optionalArguments: ["COMMAND…"], examples: ["help", "help --man"]),
        CommandSpec(["completion"], summary: "cli.command.completion", arguments: ["bash|zsh|fish"],
                    examples: ["completion bash"]),
        CommandSpec(["version"], summary: "cli.command.version", options: [OptionSpec("--json", help: "option.json")],
                    examples: ["version", "version --json"]),
    ]

    /// Sets the language from `--lang` (scanned before full parsing, so that even a usage error
    /// is reported in the language asked for), else from `fallback`, else from the environment.
    public static func applyLanguage(from arguments: [String], environment: [String: String], fallback: Language? = nil) throws(UsageError) {
        var language = fallback ?? Language.fromEnvironment(environment)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var value: String?
            if argument == "--lang", index + 1 < arguments.count {
                value = arguments[index + 1]
            } else if argument.hasPrefix("--lang=") {
                value = String(argument.dropFirst("--lang=".count))
            }
            if let value {
                guard let chosen = Language(rawValue: value) else {
                    // Said in the language the configuration or the environment asks for.
                    Localizer.shared.setLanguage(language)
                    throw UsageError(.invalidValue(option: "--lang", value: value))
                }
                language = chosen
            }
            if argument == "--" { break }
            index += 1
        }
        Localizer.shared.setLanguage(language)
    }

    /// Parses and runs. `run` receives the parsed arguments and returns an exit code; a thrown
    /// `CommandFailure` prints its message on standard error. Never returns normally: it exits.
    /// `language` is the configured language: `--lang` overrides it, and it overrides `LC_*`/`LANG`.
    public func main(
        _ arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        language: Language? = nil,
        run: (ParsedArguments) async throws -> ExitCode
    ) async -> Never {
        let parsed: ParsedArguments
        do {
            try Self.applyLanguage(from: arguments, environment: environment, fallback: language)
            parsed = try parser.parse(arguments)
        } catch {
            reportUsage(error)
            exit(ExitCode.usage.rawValue)
        }
        Console.setQuiet(parsed.has("--quiet"))
        if parsed.has("--help") {
            Console.output(helpText(for: parsed.command))
            exit(ExitCode.success.rawValue)
        }
        if parsed.has("--version") {
            Console.output(versionText())
            exit(ExitCode.success.rawValue)
        }
        if let code = runBuiltIn(parsed) { exit(code.rawValue) }
        do {
            let code = try await run(parsed)
            exit(code.rawValue)
        } catch let failure as CommandFailure {
            if let message = failure.message { Console.error("\(name): \(message)") }
            exit(failure.code.rawValue)
        } catch let input as SecretInputError {
            Console.error("\(name): \(input.failure.message ?? "")")
            exit(input.failure.code.rawValue)
        } catch let usage as UsageError {
            var usage = usage
            if usage.command.isEmpty { usage.command = parsed.command }
            reportUsage(usage)
            exit(ExitCode.usage.rawValue)
        } catch {
            Console.error("\(name): \(error)")
            exit(ExitCode.failure.rawValue)
        }
    }

    /// `help …` and `completion …`; nil for any other command.
    public func runBuiltIn(_ parsed: ParsedArguments) -> ExitCode? {
        switch parsed.command {
        case ["help"]:
            if parsed.has("--check") {
                let problems = ProgramCheck.problems(self)
                for problem in problems { Console.error("\(name): \(problem)") }
                return problems.isEmpty ? .success : .failure
            }
            if parsed.has("--man") {
                Console.output(ManPage.render(self))
                return .success
            }
            let words = parsed.positionals
            guard words.isEmpty || parser.commandWords(words) == words else {
                reportUsage(UsageError(.unknownCommand(words.joined(separator: " "))))
                return .usage
            }
            Console.output(helpText(for: words))
            return .success
        case ["version"]:
            guard parsed.has("--json") else {
                Console.output(versionText())
                return .success
            }
            Console.json(versionJSON())
            return .success
        case ["completion"]:
            guard let script = Completions.script(for: parsed.positionals[0], program: self) else {
                reportUsage(UsageError(.invalidValue(option: "bash|zsh|fish", value: parsed.positionals[0]), command: ["completion"]))
                return .usage
            }
            Console.output(script)
            return .success
        default:
            return nil
        }
    }

    /// `version --json`: the program, its version and the libraries' (Docs/json.md).
    public func versionJSON() -> String {
        let libraries = versionDetails().map { line -> [String: String] in
            guard let space = line.lastIndex(of: " ") else { return ["name": line, "version": ""] }
            return ["name": String(line[..<space]), "version": String(line[line.index(after: space)...])]
        }
        let object: [String: Any] = ["program": name, "version": mesVersion, "libraries": libraries]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }

    /// `mes 0.1.0` and the versions of the libraries linked.
    public func versionText() -> String {
        (["\(name) \(mesVersion)"] + versionDetails()).joined(separator: "\n")
    }

    /// A usage error on standard error: the message, what is valid where it says, the usage of
    /// the command concerned and where to read more.
    public func reportUsage(_ error: Error) {
        guard let usage = error as? UsageError else {
            Console.error("\(name): \(error)")
            return
        }
        Console.error("\(name): \(describe(usage))")
        for line in validValueLines(usage) { Console.error(line) }
        switch usage.reason {
        case .unknownCommand, .missingCommand:
            // A mistyped or missing subcommand: the group's commands.
            let under = parser.commands(under: usage.command)
            if !usage.command.isEmpty && !under.isEmpty {
                Console.error(tr("cli.heading.commands"))
                for line in commandListLines(under) { Console.error(line) }
            }
        default:
            break
        }
        Console.error(usageLine(for: usage.command))
        Console.error(usage.command.isEmpty ? tr("cli.more-help", ["program": name])
                                            : tr("cli.more-help-command", ["program": name, "command": usage.command.joined(separator: " ")]))
    }

    public func describe(_ error: UsageError) -> String {
        switch error.reason {
        case .unknownOption(let option): tr("cli.error.unknown-option", ["option": option])
        case .unknownCommand(let command): tr("cli.error.unknown-command", ["command": command])
        case .missingCommand(let group): tr("cli.error.missing-command", ["command": group])
        case .missingValue(let option): tr("cli.error.missing-value", ["option": option])
        case .unexpectedValue(let option): tr("cli.error.unexpected-value", ["option": option])
        case .missingArgument(let argument): tr("cli.error.missing-argument", ["argument": argument])
        case .unexpectedArgument(let argument): tr("cli.error.unexpected-argument", ["argument": argument])
        case .invalidValue(let option, let value): tr("cli.error.invalid-value", ["option": option, "value": value])
        }
    }

    /// After "invalid value": the valid values (or the expected form) of that option.
    public func validValueLines(_ error: UsageError) -> [String] {
        guard case .invalidValue(let option, _) = error.reason else { return [] }
        let kind: ValueKind
        if let spec = parser.option(option, in: error.command) {
            kind = spec.kind
        } else {
            // A positional argument named by its placeholder (`keep-mine|keep-theirs`, `RUBRIQUE`).
            kind = parser.argumentKind(option)
        }
        switch kind {
        case .choice(let choices):
            return [tr("cli.error.valid-values")] + choiceLines(choices, indent: "  ")
        case .list(let choices):
            return [tr("cli.error.valid-list")] + choiceLines(choices, indent: "  ")
        case .date: return [tr("cli.format.date")]
        case .time: return [tr("cli.format.time")]
        case .integer: return [tr("cli.format.integer")]
        default: return []
        }
    }

    public func usageLine(for command: [String] = []) -> String {
        guard !command.isEmpty else { return tr("cli.usage", ["program": name]) }
        if let spec = parser.commands.first(where: { $0.path == command }) {
            return tr("cli.usage-command", ["program": name, "command": spec.name, "arguments": spec.argumentsSynopsis])
                .trimmingCharacters(in: .whitespaces)
        }
        return tr("cli.usage-command", ["program": name, "command": command.joined(separator: " "), "arguments": "COMMAND"])
    }

    // MARK: Help

    /// The full help, the help of one command, or the list of a group's commands.
    public func helpText(for command: [String] = []) -> String {
        if !command.isEmpty, let spec = parser.commands.first(where: { $0.path == command }) {
            return commandHelp(spec)
        }
        if !command.isEmpty {
            var lines = [usageLine(for: command), "", tr("cli.heading.commands")]
            lines += commandListLines(parser.commands(under: command))
            lines += optionLines(tr("cli.heading.global-options"), parser.globalOptions)
            lines += ["", tr("cli.help.more", ["program": name])]
            return lines.joined(separator: "\n")
        }
        var lines: [String] = []
        lines.append("\(name) \(mesVersion) — \(tr(summaryKey))")
        lines.append("")
        lines.append(usageLine())
        if !parser.commands.isEmpty {
            lines.append("")
            lines.append(tr("cli.heading.commands"))
            lines += topLevelLines()
        }
        lines += optionLines(tr("cli.heading.options"), parser.defaultOptions + parser.globalOptions)
        lines.append("")
        lines.append(tr("cli.heading.exit-codes"))
        for code in ExitCode.allCases {
            lines.append("  \(String(code.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0))\(tr(code.helpKey))")
        }
        for key in epilogueKeys {
            lines.append("")
            lines.append(tr(key, ["program": name]))
        }
        lines.append("")
        lines.append(tr("cli.help.more", ["program": name]))
        return lines.joined(separator: "\n")
    }

    /// One command's help: usage, summary, subcommands if any, its options with their values,
    /// the common options, examples.
    public func commandHelp(_ spec: CommandSpec) -> String {
        var lines = [usageLine(for: spec.path), "", tr(spec.summaryKey)]
        let under = parser.commands(under: spec.path)
        if !under.isEmpty {
            lines += ["", tr("cli.heading.commands")] + commandListLines(under)
        }
        lines += argumentLines(spec)
        lines += optionLines(tr("cli.heading.options"), spec.options)
        lines += optionLines(tr("cli.heading.global-options"), parser.globalOptions.filter { global in !spec.options.contains { $0.name == global.name } })
        if !spec.examples.isEmpty {
            lines += ["", tr("cli.heading.examples")] + spec.examples.map { "  \(name) \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// "Arguments:" and the valid values of the positional arguments whose placeholder does not
    /// spell them (`RUBRIQUE`), or nothing.
    func argumentLines(_ spec: CommandSpec) -> [String] {
        var lines: [String] = []
        for placeholder in spec.arguments + spec.optionalArguments {
            guard let kind = parser.argumentKinds[placeholder], let choices = kind.choicesOrList else { continue }
            lines.append("  \(placeholder)")
            lines += choiceLines(choices, indent: "    ")
        }
        return lines.isEmpty ? [] : ["", tr("cli.heading.arguments")] + lines
    }

    /// The top-level list: one line per command or group (a group lists its subcommands' words).
    func topLevelLines() -> [String] {
        var firstWords: [String] = []
        for spec in parser.commands where !firstWords.contains(spec.path[0]) { firstWords.append(spec.path[0]) }
        let width = min(16, (firstWords.map(\.count).max() ?? 0) + 2)
        return firstWords.map { word in
            let own = parser.commands.first { $0.path == [word] }
            let under = parser.commands(under: [word]).map { $0.path.dropFirst().joined(separator: " ") }
            var text = own.map { tr($0.summaryKey) } ?? ""
            if !under.isEmpty { text += (text.isEmpty ? "" : " — ") + under.joined(separator: ", ") }
            let left = own.map { ([word] + ($0.argumentsSynopsis.isEmpty ? [] : [$0.argumentsSynopsis])).joined(separator: " ") } ?? word
            if left.count + 2 > width { return "  " + left + "\n  " + String(repeating: " ", count: width) + text }
            return "  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + text
        }
    }

    /// `name ARGS  summary` lines, the summary aligned (or on its own line when the left is long).
    func commandListLines(_ specs: [CommandSpec]) -> [String] {
        let lefts = specs.map { ([$0.name] + ($0.argumentsSynopsis.isEmpty ? [] : [$0.argumentsSynopsis])).joined(separator: " ") }
        let width = min(28, (lefts.map(\.count).max() ?? 0) + 2)
        var lines: [String] = []
        for (left, spec) in zip(lefts, specs) {
            if left.count + 2 > width {
                lines.append("  " + left)
                lines.append("  " + String(repeating: " ", count: width) + tr(spec.summaryKey))
            } else {
                lines.append("  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + tr(spec.summaryKey))
            }
        }
        return lines
    }

    /// The option label as help and the man page show it: `--date DATE`.
    public static func label(_ spec: OptionSpec) -> String {
        spec.valueName.map { "\(spec.name) \($0)" } ?? spec.name
    }

    /// What help adds under an option's description: its values, format and default.
    public static func detailLines(_ spec: OptionSpec) -> [String] {
        var lines: [String] = []
        switch spec.kind {
        case .choice(let choices) where choices.contains(where: { $0.labelKey != nil }):
            lines.append(tr("cli.heading.values"))
            lines += choiceLines(choices, indent: "  ")
        case .choice(let choices) where spec.valueName != choices.map(\.value).joined(separator: "|"):
            lines.append(tr("cli.values", ["values": choices.map(\.value).joined(separator: ", ")]))
        case .list(let choices):
            lines.append(tr("cli.heading.values-list"))
            lines += choiceLines(choices, indent: "  ")
        case .date: lines.append(tr("cli.format.date"))
        case .time: lines.append(tr("cli.format.time"))
        default: break
        }
        if let value = spec.defaultValue { lines.append(tr("cli.default", ["value": value])) }
        return lines
    }

    /// `key   Screen name` lines of a closed set.
    public static func choiceLines(_ choices: [ValueChoice], indent: String) -> [String] {
        let width = (choices.map(\.value.count).max() ?? 0) + 2
        return choices.map { choice in
            guard let key = choice.labelKey else { return indent + choice.value }
            return indent + choice.value.padding(toLength: width, withPad: " ", startingAt: 0) + tr(key)
        }
    }

    func choiceLines(_ choices: [ValueChoice], indent: String) -> [String] { Self.choiceLines(choices, indent: indent) }

    private func optionLines(_ heading: String, _ options: [OptionSpec]) -> [String] {
        guard !options.isEmpty else { return [] }
        let labels = options.map(Self.label)
        let width = min(30, (labels.map(\.count).max() ?? 0) + 2)
        var lines = ["", heading]
        let pad = "  " + String(repeating: " ", count: width)
        for (label, spec) in zip(labels, options) {
            if label.count + 2 > width {
                lines.append("  " + label)
                lines.append(pad + tr(spec.helpKey))
            } else {
                lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + tr(spec.helpKey))
            }
            lines += Self.detailLines(spec).map { pad + $0 }
        }
        return lines
    }
}

/// Writes to the standard streams. Messages are already localised and, where they include
/// text from outside, already sanitised by the caller.
///
/// A stream that has gone away (a closed pipe: EPIPE once SIGPIPE is ignored, as `mes-server`
/// does) loses the line and nothing else: Foundation's `FileHandle.write` would stop the process
/// there (SIGILL), before what follows — such as removing the demo's data — could run.
public enum Console {
    public static func output(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// A `--json` answer on standard output: `payload` (JSON text, controls already escaped)
    /// in the versioned envelope of Docs/json.md.
    public static func json(_ payload: String) {
        output(JSONText.document(payload))
    }

    /// An informational line on standard error (a step, a reminder, a confirmation that is not
    /// the command's answer): silenced by `--quiet`, unlike errors.
    public static func info(_ text: String) {
        if !isQuiet { error(text) }
    }

    /// A change command's confirmation on standard output ("Document ajouté…"). With `--quiet`
    /// only `quietAnswer` is printed — the id of what was created, for a script to use, as
    /// `docker build -q` prints only the image — or nothing.
    public static func confirm(_ text: String, quietAnswer: String? = nil) {
        if !isQuiet {
            output(text)
        } else if let quietAnswer {
            output(quietAnswer)
        }
    }

    /// Whether `--quiet` was given: progress and informational lines are not shown.
    public static var isQuiet: Bool { quietSwitch.value }

    /// Set once by `Program.main` from `--quiet`, before the command runs.
    public static func setQuiet(_ quiet: Bool) { quietSwitch.value = quiet }

    private static let quietSwitch = LockedFlag()

    public static func error(_ text: String) {
        write(text + "\n", to: STDERR_FILENO)
    }

    /// Writes all of `text`, retrying when interrupted; gives up silently on any error.
    public static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}

/// A Boolean read from any thread (the `--quiet` switch).
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
