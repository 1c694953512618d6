import CLI
import Foundation
import L10n
import Server

/// `mes-server import --data DIR --bundle FILE --login ID --password-file FILE`: restores a space
/// exported by `mes export --fhir` into the server's data directory (the server is not running),
/// under a new holder account. All or nothing; see `Docs/server-api.md`, "Importing a space".
enum ImportCommand {
    static let options = [
        OptionSpec("--data", value: "DIR", help: "server.option.data"),
        OptionSpec("--bundle", value: "FILE", help: "server.option.bundle"),
        OptionSpec("--login", value: "ID", help: "server.option.login"),
        OptionSpec("--password-fd", value: "N", help: "server.option.password-fd"),
        OptionSpec("--password-file", value: "FILE", help: "server.option.password-file"),
        OptionSpec("--json", help: "server.option.json"),
    ]

    static let specs = [
        CommandSpec(["import"], summary: "server.command.import", options: options)
            .examples("import --data /var/lib/mes-server --bundle mes-donnees.json --login helene.martineau --password-file mot-de-passe.txt"),
    ]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let data = arguments.value("--data") else { throw CommandFailure(.usage, tr("server.error.data-required")) }
        guard let path = arguments.value("--bundle") else { throw CommandFailure(.usage, tr("server.error.bundle-required")) }
        guard let login = arguments.value("--login") else { throw CommandFailure(.usage, tr("server.error.login-required")) }
        guard let bundle = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.failure, tr("server.pro.error.unreadable", ["path": path]))
        }
        let source = try SecretSource.from(arguments, file: "--password-file", fd: "--password-fd")
        let secret = try SecretInput.read(from: source, promptText: tr("server.prompt.password"))
        let password = secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .newlines)
        let app = try ServerApp(dataDirectory: URL(fileURLWithPath: data, isDirectory: true), settings: ServerSettings())
        defer { app.close() }
        let result: (patient: String, written: [String: Int], skipped: [String: Int], restoredByServer: Int)
        do {
            result = try app.importSpace(bundle: Array(bundle), login: login, password: password)
        } catch let error as SpaceImportError {
            throw CommandFailure(.failure, tr("server.import.refused", ["reason": error.description]))
        }
        if arguments.has("--json") {
            let json: [String: Any] = ["patient": result.patient, "login": login, "written": result.written, "skipped": result.skipped,
                                       "restoredByServer": result.restoredByServer]
            let text = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            Console.output(JSONText.escapingControls(String(decoding: text, as: UTF8.self)))
        } else {
            Console.output(tr("server.import.done", ["patient": result.patient, "login": login,
                                                     "count": String(result.written.values.reduce(0, +)),
                                                     "skipped": String(result.skipped.values.reduce(0, +))]))
            for (type, count) in result.written.sorted(by: { $0.key < $1.key }) { Console.output("  \(type): \(count)") }
        }
        return .success
    }
}
