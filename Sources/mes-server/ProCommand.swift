import CLI
import FHIR
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import L10n

/// `mes-server pro --url URL --rpps N [--password-fd N] redeem CODE | get RESOURCE[?query]`:
/// a professional's side, to exercise access codes end to end. Output is JSON.
enum ProCommand {
    static let options = [
        OptionSpec("--url", value: "URL", help: "server.option.url"),
        OptionSpec("--rpps", value: "N", help: "server.option.rpps"),
        OptionSpec("--password-fd", value: "N", help: "server.option.password-fd"),
        OptionSpec("--password-file", value: "FILE", help: "server.option.password-file"),
        OptionSpec("--otp-file", value: "FILE", help: "server.option.otp-file"),
    ]

    static let specs = [
        // `mes-server pro --help` explains the professional's side (its subcommands follow).
        CommandSpec(["pro"], summary: "server.command.pro", options: options).examples("pro --rpps 10003456789 --password-file pro.txt"),
        CommandSpec(["pro", "redeem"], summary: "server.command.pro-redeem", options: options, arguments: ["CODE"]).examples("pro redeem ABCD-EFGH --rpps 10003456789 --password-file pro.txt"),
        CommandSpec(["pro", "get"], summary: "server.command.pro-get", options: options, arguments: ["RESOURCE"]).examples("pro get DocumentReference --rpps 10003456789 --password-file pro.txt"),
        CommandSpec(["pro", "emergency"], summary: "server.command.pro-emergency", options: options + [
            OptionSpec("--reason", value: "TEXT", help: "server.option.reason"),
            OptionSpec("--samu", help: "server.option.samu"),
        ], arguments: ["PATIENT"]).examples("pro emergency patient-1 --rpps 10003456789 --password-file pro.txt --reason \"patient inconscient\""),
    ]

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        guard arguments.command.count > 1 else { throw UsageError(.missingArgument("redeem|get|emergency")) }
        guard let base = arguments.value("--url"), let url = URL(string: base), url.scheme != nil else {
            throw CommandFailure(.usage, tr("server.error.url-required"))
        }
        guard let rpps = arguments.value("--rpps") else { throw CommandFailure(.usage, tr("server.error.rpps-required")) }
        let source = try SecretSource.from(arguments, file: "--password-file", fd: "--password-fd")
        let secret = try SecretInput.read(from: source, promptText: tr("server.prompt.password"))
        let password = secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let client = ProClient(base: base.hasSuffix("/") ? String(base.dropLast()) : base)
        let login = try await client.send("POST", API.Path.login, body: ["rpps": .string(rpps), "password": .string(password)])
        guard login.status == 200, let challenge = login.json?["challenge"]?.stringValue else {
            throw CommandFailure(.unauthorized, tr("server.pro.error.login"))
        }
        // The second factor: the one-time code (the demo server writes it to DATA/otp/<rpps>.txt).
        let codeSource: SecretSource = arguments.value("--otp-file").map { .file($0) } ?? .prompt
        let code = try SecretInput.read(from: codeSource, promptText: tr("server.prompt.otp"))
            .withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try await client.send("POST", API.Path.verifyCode, body: ["challenge": .string(challenge), "code": .string(code)])
        guard verified.status == 200, let token = verified.json?["access_token"]?.stringValue else {
            throw CommandFailure(.unauthorized, tr("server.pro.error.login"))
        }
        let answer: ProClient.Answer
        switch arguments.command.last {
        case _ where ProMessageCommand.handles(arguments):
            answer = try await ProMessageCommand.send(arguments, client: client, token: token)
        case "redeem":
            answer = try await client.send("POST", API.Path.redeem, body: ["code": .string(arguments.positionals[0])], token: token)
        case "emergency":
            let kind = arguments.has("--samu") ? "samu" : "bris-de-glace"
            answer = try await client.send("POST", API.Path.emergencyAccess(patient: arguments.positionals[0]),
                                           body: ["kind": .string(kind), "reason": .string(arguments.value("--reason") ?? "")], token: token)
        default:
            let resource = arguments.positionals[0]
            answer = try await client.send("GET", resource.hasPrefix("/") ? resource : "/" + resource, token: token)
        }
        Console.output(JSONText.escapingControls(
            answer.json.map { $0.prettyPrinted().trimmingCharacters(in: .newlines) } ?? String(decoding: answer.body, as: UTF8.self)))
        switch answer.status {
        case 200..<300: return .success
        case 401: return .unauthorized
        case 404, 410: return .notFound
        default: return .failure
        }
    }
}

/// A minimal HTTP client on URLSession.
struct ProClient {
    struct Answer {
        var status: Int
        var body: [UInt8]
        var json: JSON? { try? JSON(parsing: body) }
    }

    let base: String

    func send(_ method: String, _ path: String, body: JSON? = nil, token: String? = nil) async throws -> Answer {
        guard let url = URL(string: base + path) else { throw CommandFailure(.usage, tr("server.error.url-required")) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/fhir+json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body.serialized())
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
        } catch {
            throw CommandFailure(.offline, tr("server.pro.error.unreachable", ["url": base]))
        }
    }
}
