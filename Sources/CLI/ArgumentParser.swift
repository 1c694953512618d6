/// One valid value of an option with a closed set of values: the key typed on the command line
/// and, optionally, the localisation key of the name the screens show (accepted too).
public struct ValueChoice: Sendable, Equatable {
    public var value: String
    public var labelKey: String?

    public init(_ value: String, label labelKey: String? = nil) {
        self.value = value
        self.labelKey = labelKey
    }
}

/// What an option's (or argument's) value is, for checking, normalising, help and completion.
public enum ValueKind: Sendable, Equatable {
    /// No value: a flag.
    case flag
    /// Free text.
    case text
    /// A path to a file (completion offers files).
    case file
    /// A path to a folder (completion offers folders).
    case directory
    /// A calendar date, `2026-11-22` or `22/11/2026`; handlers receive `YYYY-MM-DD`.
    case date
    /// A time of day, `14:30` or `14h30`; handlers receive `HH:MM`.
    case time
    /// A whole number (digits only).
    case integer
    /// One of a closed set; the key or the screen name, case and accents aside; handlers
    /// receive the key.
    case choice([ValueChoice])

    /// The kind a placeholder implies, so that `OptionSpec("--date", value: "YYYY-MM-DD", …)`
    /// checks dates without saying more: `a|b|c` (plain words) is a choice, `YYYY-MM-DD` a date,
    /// `HH:MM` a time, `N`/`MINUTES`/`SECONDS` a number, `FILE`/`PATH` a file, `DIR` a folder.
    public static func implied(by placeholder: String?) -> ValueKind {
        guard let placeholder else { return .flag }
        switch placeholder {
        case "YYYY-MM-DD", "DATE": return .date
        case "HH:MM", "TIME": return .time
        case "N", "MINUTES", "SECONDS": return .integer
        case "FILE", "PATH": return .file
        case "DIR": return .directory
        default:
            let words = placeholder.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let plain = words.count > 1 && words.allSatisfy { word in
                !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            }
            return plain ? .choice(words.map { ValueChoice($0) }) : .text
        }
    }
}

extension ValueKind {
    /// `a|b|c` for a closed set (the placeholder `implied(by:)` reads back), else nil.
    public var choicesPlaceholder: String? {
        if case .choice(let choices) = self { return choices.map(\.value).joined(separator: "|") }
        return nil
    }
}

/// A command-line option: `--name` alone, or `--name VALUE` / `--name=VALUE`.
public struct OptionSpec: Sendable {
    public var name: String
    /// The placeholder shown in help for the value, or nil for a flag.
    public var valueName: String?
    /// Localisation key of the one-line description.
    public var helpKey: String
    /// What the value is: checked and normalised by the parser, listed by help and completion.
    public var kind: ValueKind
    /// The value used when the option is absent, shown in help (a literal such as `2h`).
    public var defaultValue: String?

    public init(_ name: String, value valueName: String? = nil, help helpKey: String, default defaultValue: String? = nil) {
        self.name = name
        self.valueName = valueName
        self.helpKey = helpKey
        self.kind = ValueKind.implied(by: valueName)
        self.defaultValue = defaultValue
    }

    /// An option taking one of `choices` (the key, or the name the screens show).
    public init(_ name: String, value valueName: String, choices: [ValueChoice], help helpKey: String, default defaultValue: String? = nil) {
        self.init(name, value: valueName, help: helpKey, default: defaultValue)
        self.kind = .choice(choices)
    }

    /// An option whose value is of `kind` whatever its placeholder says.
    public init(_ name: String, value valueName: String, kind: ValueKind, help helpKey: String, default defaultValue: String? = nil) {
        self.init(name, value: valueName, help: helpKey, default: defaultValue)
        self.kind = kind
    }

    public var takesValue: Bool { valueName != nil }

    /// The choices of a closed set, or nil.
    public var choices: [ValueChoice]? {
        if case .choice(let choices) = kind { return choices }
        return nil
    }
}

/// A command such as `vault init`: its words, options and positional arguments.
public struct CommandSpec: Sendable {
    public var path: [String]
    public var summaryKey: String
    public var options: [OptionSpec]
    /// Placeholders of the required positional arguments, in order.
    public var arguments: [String]
    /// Placeholders of optional positional arguments that may follow; a last one ending in `…`
    /// (`COMMAND…`) takes any number of words.
    public var optionalArguments: [String]
    /// Example command lines, without the program's name (`documents add scan.pdf --category biologie`):
    /// shown by help and the man page, and parsed by the tests.
    public var examples: [String]

    public init(_ path: [String], summary summaryKey: String, options: [OptionSpec] = [],
                arguments: [String] = [], optionalArguments: [String] = [], examples: [String] = []) {
        self.path = path
        self.summaryKey = summaryKey
        self.options = options
        self.arguments = arguments
        self.optionalArguments = optionalArguments
        self.examples = examples
    }

    public var name: String { path.joined(separator: " ") }

    /// The placeholders as the synopsis shows them: `ID FILE [TEXT]`.
    public var argumentsSynopsis: String {
        (arguments + optionalArguments.map { "[\($0)]" }).joined(separator: " ")
    }
}

/// What a command line said, once checked against the specs.
public struct ParsedArguments: Sendable, Equatable {
    /// The command's words (empty for the program's default action; with `--help`, possibly
    /// a group's words such as `documents`).
    public var command: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public init() {}

    public func value(_ name: String) -> String? { values[name]?.last }
    public func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// A mistake on the command line: exit code 2, a one-line message and the usage.
public struct UsageError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case unknownOption(String)
        case unknownCommand(String)
        /// The words name a group of commands (`mes documents`), not one command.
        case missingCommand(String)
        case missingValue(option: String)
        case unexpectedValue(option: String)
        case missingArgument(String)
        case unexpectedArgument(String)
        case invalidValue(option: String, value: String)
    }
    public var reason: Reason
    /// The command (or group) the mistake was made in, when known: its usage is shown.
    public var command: [String]

    public init(_ reason: Reason, command: [String] = []) {
        self.reason = reason
        self.command = command
    }

    /// Two usage errors are the same mistake whatever command they were found in.
    public static func == (lhs: UsageError, rhs: UsageError) -> Bool { lhs.reason == rhs.reason }
}

/// Parses arguments against global options (accepted before or after the command name) and
/// the commands' own options.
public struct ArgumentParser: Sendable {
    public var globalOptions: [OptionSpec]
    public var commands: [CommandSpec]
    /// The options of running the program with no command (its default action).
    public var defaultOptions: [OptionSpec]

    public init(globalOptions: [OptionSpec], commands: [CommandSpec], defaultOptions: [OptionSpec] = []) {
        self.globalOptions = globalOptions
        self.commands = commands
        self.defaultOptions = defaultOptions
    }

    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        let known = knownOptions()
        var words: [String] = []
        var seen: [(name: String, value: String?)] = []
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-") && argument.count > 1 && !optionsEnded && argument != "-" {
                    throw UsageError(.unknownOption(argument), command: commandWords(words))
                }
                words.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let spec = known[name] else { throw UsageError(.unknownOption(name), command: commandWords(words)) }
            if spec.takesValue {
                if let inlineValue {
                    seen.append((name, inlineValue))
                } else {
                    guard index < arguments.count else { throw UsageError(.missingValue(option: name), command: commandWords(words)) }
                    seen.append((name, arguments[index]))
                    index += 1
                }
            } else {
                if inlineValue != nil { throw UsageError(.unexpectedValue(option: name), command: commandWords(words)) }
                seen.append((name, nil))
            }
        }

        // `--help` anywhere: the words only say which help to show (a command or a group).
        if seen.contains(where: { $0.name == "--help" }) {
            var result = ParsedArguments()
            result.command = commandWords(words)
            result.flags.insert("--help")
            return result
        }

        let command = matchCommand(words)
        var result = ParsedArguments()
        let allowed: [OptionSpec]
        if let command {
            result.command = command.path
            allowed = globalOptions + command.options
            result.positionals = Array(words.dropFirst(command.path.count))
            // A group's words followed by an unknown word: a mistyped subcommand, not an argument.
            if let next = result.positionals.first, command.arguments.isEmpty, command.optionalArguments.isEmpty,
               isGroup(command.path) {
                throw UsageError(.unknownCommand(next), command: command.path)
            }
            if result.positionals.count < command.arguments.count {
                throw UsageError(.missingArgument(command.arguments[result.positionals.count]), command: command.path)
            }
            let variadic = command.optionalArguments.last?.hasSuffix("…") ?? false
            if !variadic && result.positionals.count > command.arguments.count + command.optionalArguments.count {
                throw UsageError(.unexpectedArgument(result.positionals[command.arguments.count + command.optionalArguments.count]),
                                 command: command.path)
            }
        } else {
            let prefix = commandWords(words)
            if !prefix.isEmpty && prefix.count == words.count { throw UsageError(.missingCommand(prefix.joined(separator: " ")), command: prefix) }
            if let first = words.dropFirst(prefix.count).first { throw UsageError(.unknownCommand(first), command: prefix) }
            allowed = globalOptions + defaultOptions
        }
        let specs = Dictionary(allowed.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, value) in seen {
            guard let spec = specs[name] else { throw UsageError(.unknownOption(name), command: result.command) }
            if let value {
                guard let normalised = ValueCheck.normalise(value, for: spec.kind) else {
                    throw UsageError(.invalidValue(option: name, value: value), command: result.command)
                }
                result.values[name, default: []].append(normalised)
            } else {
                result.flags.insert(name)
            }
        }
        return result
    }

    /// The longest command whose words start the non-option words.
    private func matchCommand(_ words: [String]) -> CommandSpec? {
        commands
            .filter { $0.path.count <= words.count && Array(words.prefix($0.path.count)) == $0.path }
            .max { $0.path.count < $1.path.count }
    }

    /// The longest start of `words` that is a command or the start of one (a group).
    public func commandWords(_ words: [String]) -> [String] {
        var count = 0
        while count < words.count {
            let prefix = Array(words.prefix(count + 1))
            guard commands.contains(where: { $0.path.count >= prefix.count && Array($0.path.prefix(prefix.count)) == prefix }) else { break }
            count += 1
        }
        return Array(words.prefix(count))
    }

    /// Whether longer commands start with `path` (`documents`, `conflicts`, `pro message`).
    public func isGroup(_ path: [String]) -> Bool {
        commands.contains { $0.path.count > path.count && Array($0.path.prefix(path.count)) == path }
    }

    /// The commands directly or indirectly under `path`, in the order they were declared.
    public func commands(under path: [String]) -> [CommandSpec] {
        commands.filter { $0.path.count > path.count && Array($0.path.prefix(path.count)) == path }
    }

    /// The spec of option `name` as `command` sees it (its own options first, then the global
    /// ones, then the default action's), or nil.
    public func option(_ name: String, in command: [String]) -> OptionSpec? {
        let own = commands.first { $0.path == command }?.options ?? (command.isEmpty ? defaultOptions : [])
        return (own + globalOptions + defaultOptions + commands.flatMap(\.options)).first { $0.name == name }
    }

    private func knownOptions() -> [String: OptionSpec] {
        var known: [String: OptionSpec] = [:]
        for spec in globalOptions + defaultOptions + commands.flatMap(\.options) where known[spec.name] == nil {
            known[spec.name] = spec
        }
        return known
    }
}

extension CommandSpec {
    /// The spec with these example command lines (without the program's name).
    public func examples(_ lines: String...) -> CommandSpec {
        var spec = self
        spec.examples += lines
        return spec
    }
}
