import CLI
import FHIR
import Foundation
import L10n

/// `mes-server pro … message start PATIENT | reply MESSAGE | close THREAD | show THREAD | inbox`:
/// a professional's side of the messagerie, to write, answer and close threads end to end.
enum ProMessageCommand {
    static let bodyOptions = [
        OptionSpec("--body-file", value: "FILE", help: "server.option.body-file"),
        OptionSpec("--attach", value: "FILE", help: "server.option.attach"),
        OptionSpec("--no-reply", help: "server.option.no-reply"),
    ]

    static let specs = [
        CommandSpec(["pro", "message", "start"], summary: "server.command.pro-message-start",
                    options: ProCommand.options + bodyOptions + [OptionSpec("--topic", value: "TEXT", help: "server.option.topic")],
                    arguments: ["PATIENT"]).examples("pro message start patient-1 --rpps 10003456789 --password-file pro.txt --topic \"Résultats\" --body-file message.txt"),
        CommandSpec(["pro", "message", "reply"], summary: "server.command.pro-message-reply", options: ProCommand.options + bodyOptions,
                    arguments: ["MESSAGE"]).examples("pro message reply thread-7 --rpps 10003456789 --password-file pro.txt --body-file message.txt"),
        CommandSpec(["pro", "message", "close"], summary: "server.command.pro-message-close", options: ProCommand.options, arguments: ["THREAD"]).examples("pro message close thread-7 --rpps 10003456789 --password-file pro.txt"),
        CommandSpec(["pro", "message", "show"], summary: "server.command.pro-message-show", options: ProCommand.options, arguments: ["THREAD"]).examples("pro message show thread-7 --rpps 10003456789 --password-file pro.txt"),
        CommandSpec(["pro", "message", "inbox"], summary: "server.command.pro-message-inbox", options: ProCommand.options).examples("pro message inbox --rpps 10003456789 --password-file pro.txt"),
    ]

    static func handles(_ arguments: ParsedArguments) -> Bool {
        arguments.command.count == 3 && arguments.command[1] == "message"
    }

    static func send(_ arguments: ParsedArguments, client: ProClient, token: String) async throws -> ProClient.Answer {
        switch arguments.command[2] {
        case "start":
            var body = try messageBody(arguments)
            body["topic"] = .string(arguments.value("--topic") ?? "")
            return try await client.send("POST", "/Patient/\(arguments.positionals[0])/$message", body: body, token: token)
        case "reply":
            return try await client.send("POST", "/Communication/\(arguments.positionals[0])/$reply", body: try messageBody(arguments), token: token)
        case "close":
            return try await client.send("POST", "/Communication/\(arguments.positionals[0])/$close", token: token)
        case "show":
            return try await client.send("GET", "/Communication/\(arguments.positionals[0])/$thread", token: token)
        default:
            return try await client.send("GET", "/$messages", token: token)
        }
    }

    /// {text, noReply, attachments: [{title, contentType, data}]} from the options.
    private static func messageBody(_ arguments: ParsedArguments) throws -> JSON {
        var text = ""
        if let path = arguments.value("--body-file") {
            guard let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.failure, tr("server.pro.error.unreadable", ["path": path]))
            }
            text = String(decoding: data, as: UTF8.self)
        }
        let files = try (arguments.values["--attach"] ?? []).map { path -> JSON in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.failure, tr("server.pro.error.unreadable", ["path": path]))
            }
            let name = (path as NSString).lastPathComponent
            return ["title": .string(name), "contentType": .string(contentType(of: name)), "data": .string(data.base64EncodedString())]
        }
        return ["text": .string(text), "noReply": .bool(arguments.has("--no-reply")), "attachments": .array(files)]
    }

    private static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "pdf": "application/pdf"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "tif", "tiff": "image/tiff"
        case "rtf": "application/rtf"
        case "txt": "text/plain"
        default: "application/octet-stream"
        }
    }
}
