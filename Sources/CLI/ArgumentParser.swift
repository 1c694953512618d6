/// A command-line option: `--name` alone, or `--name VALUE` / `--name=VALUE`.
public struct OptionSpec: Sendable {
    public var name: String
    /// The placeholder shown in help for the value, or nil for a flag.
    public var valueName: String?
    /// Localisation key of the one-line description.
    public var helpKey: String

    public init(_ name: String, value valueName: String? = nil, help helpKey: String) {
        self.name = name
        self.valueName = valueName
        self.helpKey = helpKey
    }

    public var takesValue: Bool { valueName != nil }
}

/// A command such as `vault init`: its words, options and positional arguments.
public struct CommandSpec: Sendable {
    public var path: [String]
    public var summaryKey: String
    public var options: [OptionSpec]
    /// Placeholders of the required positional arguments, in order.
    public var arguments: [String]
    /// Placeholders of optional positional arguments that may follow.
    public var optionalArguments: [String]

    public init(_ path: [String], summary summaryKey: String, options: [OptionSpec] = [],
                arguments: [String] = [], optionalArguments: [String] = []) {
        self.path = path
        self.summaryKey = summaryKey
        self.options = options
        self.arguments = arguments
        self.optionalArguments = optionalArguments
    }

    public var name: String { path.joined(separator: " ") }
}

/// What a command line said, once checked against the specs.
public struct ParsedArguments: Sendable, Equatable {
    /// The command's words (empty for the program's default action).
    public var command: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public func value(_ name: String) -> String? { values[name]?.last }
    public func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// A mistake on the command line: exit code 2, a one-line message and the usage.
public struct UsageError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case unknownOption(String)
        case unknownCommand(String)
        case missingValue(option: String)
        case unexpectedValue(option: String)
        case missingArgument(String)
        case unexpectedArgument(String)
        case invalidValue(option: String, value: String)
    }
    public var reason: Reason
    public init(_ reason: Reason) { self.reason = reason }
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
                    throw UsageError(.unknownOption(argument))
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
            guard let spec = known[name] else { throw UsageError(.unknownOption(name)) }
            if spec.takesValue {
                if let inlineValue {
                    seen.append((name, inlineValue))
                } else {
                    guard index < arguments.count else { throw UsageError(.missingValue(option: name)) }
                    seen.append((name, arguments[index]))
                    index += 1
                }
            } else {
                if inlineValue != nil { throw UsageError(.unexpectedValue(option: name)) }
                seen.append((name, nil))
            }
        }

        let command = matchCommand(words)
        var result = ParsedArguments()
        let allowed: [OptionSpec]
        if let command {
            result.command = command.path
            allowed = globalOptions + command.options
            result.positionals = Array(words.dropFirst(command.path.count))
            if result.positionals.count < command.arguments.count {
                throw UsageError(.missingArgument(command.arguments[result.positionals.count]))
            }
            if result.positionals.count > command.arguments.count + command.optionalArguments.count {
                throw UsageError(.unexpectedArgument(result.positionals[command.arguments.count + command.optionalArguments.count]))
            }
        } else {
            if let first = words.first { throw UsageError(.unknownCommand(first)) }
            allowed = globalOptions + defaultOptions
        }
        let allowedNames = Set(allowed.map(\.name))
        for (name, value) in seen {
            guard allowedNames.contains(name) else { throw UsageError(.unknownOption(name)) }
            if let value { result.values[name, default: []].append(value) } else { result.flags.insert(name) }
        }
        return result
    }

    /// The longest command whose words start the non-option words.
    private func matchCommand(_ words: [String]) -> CommandSpec? {
        commands
            .filter { $0.path.count <= words.count && Array(words.prefix($0.path.count)) == $0.path }
            .max { $0.path.count < $1.path.count }
    }

    private func knownOptions() -> [String: OptionSpec] {
        var known: [String: OptionSpec] = [:]
        for spec in globalOptions + defaultOptions + commands.flatMap(\.options) where known[spec.name] == nil {
            known[spec.name] = spec
        }
        return known
    }
}
