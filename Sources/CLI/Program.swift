import Foundation
import L10n

/// The version both programs report.
public let mesVersion = "0.1.0"

/// A command-line program: parses its arguments, answers `--help` and `--version`, reports usage
/// errors in one line followed by the usage (exit 2), and runs the chosen command.
public struct Program: Sendable {
    public var name: String
    public var summaryKey: String
    public var parser: ArgumentParser
    /// Extra help paragraphs (localisation keys) printed after the options.
    public var epilogueKeys: [String]

    public init(name: String, summaryKey: String, parser: ArgumentParser, epilogueKeys: [String] = []) {
        self.name = name
        self.summaryKey = summaryKey
        self.parser = parser
        self.epilogueKeys = epilogueKeys
    }

    /// The options every program accepts.
    public static let standardOptions = [
        OptionSpec("--help", help: "option.help"),
        OptionSpec("--version", help: "option.version"),
        OptionSpec("--lang", value: "fr|en", help: "option.lang"),
    ]

    /// Sets the language from `--lang` (scanned before full parsing, so that even a usage error
    /// is reported in the language asked for), else from the environment.
    public static func applyLanguage(from arguments: [String], environment: [String: String]) throws(UsageError) {
        var language = Language.fromEnvironment(environment)
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
    public func main(
        _ arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        run: (ParsedArguments) async throws -> ExitCode
    ) async -> Never {
        let parsed: ParsedArguments
        do {
            try Self.applyLanguage(from: arguments, environment: environment)
            parsed = try parser.parse(arguments)
        } catch {
            Console.error("\(name): \(describe(error))")
            Console.error(usageLine())
            Console.error(tr("cli.more-help", ["program": name]))
            exit(ExitCode.usage.rawValue)
        }
        if parsed.has("--help") {
            Console.output(helpText(for: parsed.command))
            exit(ExitCode.success.rawValue)
        }
        if parsed.has("--version") {
            Console.output("\(name) \(mesVersion)")
            exit(ExitCode.success.rawValue)
        }
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
            Console.error("\(name): \(describe(usage))")
            Console.error(usageLine())
            exit(ExitCode.usage.rawValue)
        } catch {
            Console.error("\(name): \(error)")
            exit(ExitCode.failure.rawValue)
        }
    }

    public func describe(_ error: UsageError) -> String {
        switch error.reason {
        case .unknownOption(let option): tr("cli.error.unknown-option", ["option": option])
        case .unknownCommand(let command): tr("cli.error.unknown-command", ["command": command])
        case .missingValue(let option): tr("cli.error.missing-value", ["option": option])
        case .unexpectedValue(let option): tr("cli.error.unexpected-value", ["option": option])
        case .missingArgument(let argument): tr("cli.error.missing-argument", ["argument": argument])
        case .unexpectedArgument(let argument): tr("cli.error.unexpected-argument", ["argument": argument])
        case .invalidValue(let option, let value): tr("cli.error.invalid-value", ["option": option, "value": value])
        }
    }

    public func usageLine() -> String {
        tr("cli.usage", ["program": name])
    }

    /// The full help, or the help of one command.
    public func helpText(for command: [String] = []) -> String {
        var lines: [String] = []
        if let spec = parser.commands.first(where: { $0.path == command }), !command.isEmpty {
            let arguments = spec.arguments.joined(separator: " ")
                + spec.optionalArguments.map { " [\($0)]" }.joined()
            lines.append(tr("cli.usage-command", ["program": name, "command": spec.name, "arguments": arguments]))
            lines.append("")
            lines.append(tr(spec.summaryKey))
            lines.append(contentsOf: optionLines(tr("cli.heading.options"), spec.options + parser.globalOptions))
            return lines.joined(separator: "\n")
        }
        lines.append("\(name) \(mesVersion) — \(tr(summaryKey))")
        lines.append("")
        lines.append(usageLine())
        if !parser.commands.isEmpty {
            lines.append("")
            lines.append(tr("cli.heading.commands"))
            let width = min(28, (parser.commands.map { $0.name.count + $0.arguments.joined(separator: " ").count + 1 }.max() ?? 0) + 2)
            for spec in parser.commands {
                let left = ([spec.name] + spec.arguments).joined(separator: " ")
                if left.count + 2 > width {
                    // Too long for the column: the summary goes on its own line, aligned.
                    lines.append("  " + left)
                    lines.append("  " + String(repeating: " ", count: width) + tr(spec.summaryKey))
                } else {
                    lines.append("  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + tr(spec.summaryKey))
                }
            }
        }
        lines.append(contentsOf: optionLines(tr("cli.heading.options"), parser.defaultOptions + parser.globalOptions))
        lines.append("")
        lines.append(tr("cli.heading.exit-codes"))
        for code in ExitCode.allCases {
            lines.append("  \(String(code.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0))\(tr(code.helpKey))")
        }
        for key in epilogueKeys {
            lines.append("")
            lines.append(tr(key, ["program": name]))
        }
        return lines.joined(separator: "\n")
    }

    private func optionLines(_ heading: String, _ options: [OptionSpec]) -> [String] {
        guard !options.isEmpty else { return [] }
        let labels = options.map { spec in spec.valueName.map { "\(spec.name) \($0)" } ?? spec.name }
        let width = (labels.map(\.count).max() ?? 0) + 2
        var lines = ["", heading]
        for (label, spec) in zip(labels, options) {
            lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + tr(spec.helpKey))
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
