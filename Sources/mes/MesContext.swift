import CLI
import Foundation
import L10n
import TerminalUI

/// Options every `mes` command accepts, before or after the command name.
enum MesOptions {
    static let global = Program.standardOptions + [
        OptionSpec("--home", value: "DIR", help: "option.home"),
        OptionSpec("--passphrase-file", value: "FILE", help: "option.passphrase-file"),
        OptionSpec("--passphrase-fd", value: "N", help: "option.passphrase-fd"),
        OptionSpec("--space", value: "ID|me|NAME", help: "option.space"),
    ]

    /// Options of the interactive terminal app (`mes` with no command).
    static let interactive = [
        OptionSpec("--demo", help: "option.demo"),
        OptionSpec("--kiosk", help: "option.kiosk"),
        OptionSpec("--kiosk-config", value: "FILE", help: "option.kiosk-config"),
        OptionSpec("--screen-reader", help: "option.screen-reader"),
    ]

    /// ENVIRONMENT and FILES of `mes(1)`.
    static let manSections = [
        ManSection(heading: "man.heading.environment", entries: [
            ("MES_SHARE_DIR", "man.env.share-dir"), ("XDG_DATA_HOME", "man.env.data-home"), ("XDG_CONFIG_HOME", "man.env.config-home"),
            ("LANG, LC_MESSAGES, LC_ALL", "man.env.lang"), ("NO_COLOR", "man.env.no-color"),
        ]),
        ManSection(heading: "man.heading.files", entries: [
            ("~/.config/mes/config", "man.files.config"), ("/etc/mes/kiosk.conf", "man.files.kiosk"),
            ("~/.local/share/mes/", "man.files.vault"),
        ]),
    ]
}

/// What every command needs to know about this run.
struct MesContext: Sendable {
    var arguments: ParsedArguments
    /// Where mes keeps its vault and settings.
    var home: URL
    var environment: [String: String]
    /// The user's configuration file (`mes config`).
    var configPath: URL

    init(arguments: ParsedArguments, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.arguments = arguments
        self.environment = environment
        self.configPath = ConfigFile.userPath(environment: environment)
        // An empty `--home` (an unset shell variable, `--home "$MES_HOME"`) is a mistake, not a
        // wish for the default place.
        if let home = arguments.value("--home"), home.isEmpty { throw UsageError(.invalidValue(option: "--home", value: home)) }
        self.home = Self.homeDirectory(option: arguments.value("--home"), environment: environment)
        _ = try passphraseSource()
        // The configured space, for a command that takes --profile and was given none.
        if arguments.value("--profile") == nil, arguments.command.first != "config",
           MesCommands.all.first(where: { $0.spec.path == arguments.command })?.spec.options.contains(where: { $0.name == "--profile" }) == true,
           let space = try configFile()["space"] {
            self.arguments.values["--profile"] = [space]
        }
    }

    /// The configuration file as it is now (empty when there is none); a line that is not
    /// `key = value` is an error naming the file and the line.
    func configFile() throws -> ConfigFile {
        do {
            return try ConfigFile.load(configPath) ?? ConfigFile()
        } catch let error as ConfigFile.SyntaxError {
            throw CommandFailure(.failure, tr("config.error.syntax", ["path": Sanitizer.sanitize(configPath.path), "line": String(error.line)]))
        }
    }

    /// The language the configuration file asks for, if it is readable and says one.
    static func configuredLanguage(environment: [String: String]) -> Language? {
        (try? ConfigFile.load(ConfigFile.userPath(environment: environment)))??["language"].flatMap(Language.init(rawValue:))
    }

    /// `--home`, else `$XDG_DATA_HOME/mes`, else `~/.local/share/mes`.
    static func homeDirectory(option: String?, environment: [String: String]) -> URL {
        if let option, !option.isEmpty { return URL(fileURLWithPath: option, isDirectory: true) }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data, isDirectory: true).appendingPathComponent("mes", isDirectory: true)
        }
        let userHome = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: userHome, isDirectory: true).appendingPathComponent(".local/share/mes", isDirectory: true)
    }

    /// Where the vault passphrase comes from (`--passphrase-file`, `--passphrase-fd`, or a prompt).
    func passphraseSource() throws(UsageError) -> SecretSource {
        try SecretSource.from(arguments, file: "--passphrase-file", fd: "--passphrase-fd")
    }
}

/// A `mes` subcommand: its spec for parsing and help, and what it does.
struct MesCommand: Sendable {
    var spec: CommandSpec
    var run: @Sendable (MesContext) async throws -> ExitCode
}
