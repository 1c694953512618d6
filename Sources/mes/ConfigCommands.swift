import CLI
import Foundation
import L10n
import TerminalUI

/// `mes config list|get|set|unset`: the user's configuration file
/// (`$XDG_CONFIG_HOME/mes/config`, `key = value` lines; see `ConfigFile`).
enum ConfigCommands {
    static let all: [MesCommand] = [list, get, set, unset]

    /// The keys `mes` reads: the server `mes login` uses when none is given, the space commands
    /// use when `--profile` is not given, the language of messages when `--lang` is not given.
    static let keys = [
        ConfigKey("server", help: "config.key.server"),
        ConfigKey("space", help: "config.key.space"),
        ConfigKey("language", kind: .choice(Language.allCases.map { ValueChoice($0.rawValue) }), help: "config.key.language"),
    ]
    static let keyPlaceholder = keys.map(\.name).joined(separator: "|")

    static let list = MesCommand(spec: CommandSpec(["config", "list"], summary: "config.list.summary", options: [
        OptionSpec("--json", help: "config.option.json"),
    ]).examples("config list", "config list --json")) { context in
        let file = try context.configFile()
        if context.arguments.has("--json") {
            var values: [String: Any] = ["version": 1, "path": context.configPath.path]
            for key in keys { values[key.name] = file[key.name] ?? NSNull() }
            Console.output(try JSONOutput.text(values))
            return .success
        }
        Console.output(tr("config.list.file", ["path": Sanitizer.sanitize(context.configPath.path)]))
        for key in keys {
            let value = file[key.name].map { Sanitizer.sanitize($0) } ?? tr("config.list.unset")
            Console.output("  \(key.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(value)    # \(tr(key.helpKey))")
        }
        return .success
    }

    static let get = MesCommand(spec: CommandSpec(["config", "get"], summary: "config.get.summary", arguments: [keyPlaceholder])
        .examples("config get server")) { context in
        let key = try checkedKey(context.arguments.positionals[0])
        guard let value = try context.configFile()[key.name] else { return .notFound }
        Console.output(Sanitizer.sanitize(value))
        return .success
    }

    static let set = MesCommand(spec: CommandSpec(["config", "set"], summary: "config.set.summary", arguments: [keyPlaceholder, "VALUE"])
        .examples("config set server https://mes.example.fr", "config set language en", "config set space enfant-1")) { context in
        let key = try checkedKey(context.arguments.positionals[0])
        let text = context.arguments.positionals[1]
        guard var value = ValueCheck.normalise(text, for: key.kind), !value.isEmpty else {
            // Named by its choices (`fr|en`), so that the error lists them.
            let name = key.kind.choicesPlaceholder ?? key.name
            throw UsageError(.invalidValue(option: name, value: text), command: ["config", "set"])
        }
        if key.name == "server" {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CommandFailure(.usage, tr("config.error.server", ["value": Sanitizer.sanitize(text)]))
            }
            value = url.absoluteString
        }
        var file = try context.configFile()
        file.set(key.name, value)
        try file.save(to: context.configPath)
        Console.output(tr("config.set.done", ["key": key.name, "value": Sanitizer.sanitize(value)]))
        return .success
    }

    static let unset = MesCommand(spec: CommandSpec(["config", "unset"], summary: "config.unset.summary", arguments: [keyPlaceholder])
        .examples("config unset space")) { context in
        let key = try checkedKey(context.arguments.positionals[0])
        var file = try context.configFile()
        file.set(key.name, nil)
        try file.save(to: context.configPath)
        return .success
    }

    static func checkedKey(_ text: String) throws(UsageError) -> ConfigKey {
        guard let key = keys.first(where: { $0.name == text }) else { throw UsageError(.invalidValue(option: keyPlaceholder, value: text)) }
        return key
    }
}

/// JSON the programs print: sorted keys, terminal controls escaped.
enum JSONOutput {
    static func text(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }
}
