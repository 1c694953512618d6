import CLI
import Foundation
import L10n

/// The kiosk's settings, from `/etc/mes/kiosk.conf` or `--kiosk-config FILE` (Docs/kiosk.md):
///
///     # one "name = value" a line; "#" starts a comment
///     server = https://mes.example.fr
///     printer = accueil          # a CUPS queue; none: printing is off
///     idle-seconds = 300         # without a key, the idle warning then shows
///     warning-seconds = 30       # the warning, at least 20 seconds; any key extends
///     languages = fr, en         # offered on the welcome, in this order
///     wording = simple           # start in simpler wording (FALC spirit), or "usual"
///
/// Kept small and self-contained on purpose, so the command line's configuration files can
/// fold it in.
struct KioskConfig: Equatable {
    static let defaultPath = "/etc/mes/kiosk.conf"

    var server: URL
    var printer: String?
    var idleDelay = Duration.seconds(300)
    var warning = Duration.seconds(30)
    var languages: [Language] = [.french, .english]
    var simpleWording = false

    struct Invalid: Error, Equatable {
        var line: Int
        var reason: String
    }

    /// Reads the file; a missing file, a bad line or no server is a `CommandFailure` in words.
    static func load(path: String) throws -> KioskConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.usage, tr("kiosk.config.missing", ["file": path]))
        }
        do {
            guard let config = try parse(String(decoding: data, as: UTF8.self)) else {
                throw CommandFailure(.usage, tr("kiosk.config.no-server", ["file": path]))
            }
            return config
        } catch let invalid as Invalid {
            throw CommandFailure(.usage, tr("kiosk.config.invalid", ["file": path, "line": String(invalid.line), "reason": invalid.reason]))
        }
    }

    /// Parses the text; nil when it names no server. The syntax is the configuration file's
    /// (`ConfigFile`: comments, quotes, the same syntax errors with the line's number); each
    /// value is then checked here, in the order of the file.
    static func parse(_ text: String) throws -> KioskConfig? {
        var server: URL?
        var config = KioskConfig(server: URL(fileURLWithPath: "/"))
        let file: ConfigFile
        do { file = try ConfigFile(parsing: text) } catch { throw Invalid(line: error.line, reason: error.reason) }
        for (number, key, value) in file.numberedEntries {
            let bad = Invalid(line: number, reason: tr("kiosk.config.bad-value", ["key": key, "value": value]))
            switch key {
            case "server":
                guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { throw bad }
                server = url
            case "printer":
                // A CUPS queue name: letters, digits, "-", "_", "." (nothing a shell or lp would read as an option).
                guard value.isEmpty || (value.first != "-" && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) }))
                else { throw bad }
                config.printer = value.isEmpty ? nil : value
            case "idle-seconds":
                guard let seconds = Int(value), seconds > 0 else { throw bad }
                config.idleDelay = .seconds(seconds)
            case "warning-seconds":
                guard let seconds = Int(value) else { throw bad }
                let shortest = 20
                guard seconds >= shortest else {
                    throw Invalid(line: number, reason: tr("kiosk.config.warning-too-short", ["seconds": String(shortest)]))
                }
                config.warning = .seconds(seconds)
            case "languages":
                let languages = value.split(separator: ",").map { Language(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
                guard !languages.isEmpty, languages.allSatisfy({ $0 != nil }) else { throw bad }
                config.languages = languages.compactMap { $0 }
            case "wording":
                guard ["simple", "usual"].contains(value) else { throw bad }
                config.simpleWording = value == "simple"
            default:
                throw Invalid(line: number, reason: tr("kiosk.config.unknown-key", ["key": key]))
            }
        }
        guard let server else { return nil }
        config.server = server
        return config
    }
}
