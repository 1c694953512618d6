import CLI
import Documents
import Foundation
import HealthRecord
import L10n
import Messaging
import Sync
import TerminalUI
import Vault

/// `mes messages …`: the messagerie de santé from the command line. Text from outside
/// (names, subjects, bodies, file names) is sanitised before the terminal; `--json` output is
/// JSON-escaped instead.
enum MessageCommands {
    static let all: [MesCommand] = [list, show, reply, drafts, attachment, saveAttachment, archive, delete, discard, pharmacyList, pharmacySend]

    static let profileOption = OptionSpec("--profile", value: "ID", help: "messages.option.profile")
    static let jsonOption = OptionSpec("--json", help: "messages.option.json")

    static let list = MesCommand(spec: CommandSpec(["messages", "list"], summary: "messages.list.summary", options: [
        OptionSpec("--unread", help: "messages.option.unread"),
        OptionSpec("--archived", help: "messages.option.archived"),
        OptionSpec("--search", value: "TEXT", help: "messages.option.search"),
        OptionSpec("--oldest-first", help: "messages.option.oldest-first"),
        jsonOption, profileOption,
    ]).examples("messages list --unread")) { context in
        try withMessenger(context) { messenger in
            let filter = InboxFilter(unreadOnly: context.arguments.has("--unread"), archived: context.arguments.has("--archived"),
                                     search: context.arguments.value("--search") ?? "")
            let rows = try messenger.inbox(filter: filter, sort: context.arguments.has("--oldest-first") ? .oldestFirst : .newestFirst)
            if context.arguments.has("--json") {
                Console.output(try json(rows.map(threadObject)))
                return
            }
            if let address = try messenger.ownAddress() { Console.output(tr("messages.own-address", ["address": safe(address)])) }
            if rows.isEmpty { Console.output(tr("messages.list.empty")) }
            for row in rows {
                var marks: [String] = []
                if row.unread > 0 { marks.append(trPlural("messages.mark.unread", count: row.unread, ["count": String(row.unread)])) }
                if row.isClosed { marks.append(tr("messages.mark.closed")) }
                let suffix = marks.isEmpty ? "" : "  [" + marks.joined(separator: ", ") + "]"
                Console.output("\(LocalFormat.date(row.lastActivity))  \(safe(row.subject)) — \(safe(MessagingWording.correspondent(row)))\(suffix)  \(safe(row.id))")
                Console.output("    \(safe(preview(row.lastPreview)))")
            }
        }
    }

    static let show = MesCommand(spec: CommandSpec(["messages", "show"], summary: "messages.show.summary",
                                                   options: [jsonOption, profileOption], arguments: ["THREAD"]).examples("messages show thread-7")) { context in
        try withMessenger(context) { messenger in
            let id = context.arguments.positionals[0]
            let conversation = try messenger.conversation(id)
            try messenger.markRead(id)
            if context.arguments.has("--json") {
                var object = threadObject(for: conversation.thread)
                object["messages"] = conversation.messages.map { messageObject($0, profileID: messenger.profileID) }
                object["canReply"] = conversation.replyRefusal == nil
                if let refusal = conversation.replyRefusal { object["replyRefusal"] = refusal.rawValue }
                if let draft = conversation.draft { object["draft"] = draft.body }
                Console.output(try json(object))
                return
            }
            let thread = conversation.thread
            Console.output(safe(thread.subject))
            Console.output(tr("messages.show.with", ["name": safe(MessagingWording.correspondent(thread.correspondent))]))
            for item in conversation.messages {
                let message = item.message
                Console.output("")
                var header = "\(LocalFormat.dateTime(message.sent))  \(safe(MessagingWording.sender(message, ownProfileID: messenger.profileID)))"
                if let state = item.state { header += "  [\(MessagingWording.state(state))]" }
                Console.output(header)
                for line in Sanitizer.lines(message.body) { Console.output("  " + line) }
                for documentID in message.attachmentIDs {
                    let title = try messenger.documentTitle(documentID) ?? tr("messages.document.missing")
                    Console.output("  " + tr("messages.show.document", ["title": safe(title), "id": safe(documentID)]))
                }
                for (index, file) in message.files.enumerated() {
                    Console.output("  " + tr("messages.show.file", ["index": String(index), "file": safe(MessagingWording.file(file)), "message": safe(message.id)]))
                }
            }
            Console.output("")
            if let refusal = conversation.replyRefusal {
                Console.output(MessagingWording.replyRefusal(refusal, thread: thread))
            } else if let draft = conversation.draft {
                Console.output(tr("messages.show.draft", ["chars": String(draft.body.count)]))
            }
        }
    }

    static let reply = MesCommand(spec: CommandSpec(["messages", "reply"], summary: "messages.reply.summary", options: [
        OptionSpec("--body-file", value: "FILE", help: "messages.option.body-file"),
        OptionSpec("--attach", value: "DOC", help: "messages.option.attach"),
        OptionSpec("--file", value: "PATH", help: "messages.option.file"),
        OptionSpec("--draft", help: "messages.option.draft"),
        profileOption,
    ], arguments: ["THREAD"]).examples("messages reply thread-7 --body-file reponse.txt --attach doc-1234")) { context in
        guard let path = context.arguments.value("--body-file") else { throw UsageError(.missingValue(option: "--body-file")) }
        let body: String
        if path == "-" {
            body = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.failure, tr("messages.error.unreadable-file", ["path": safe(path)]))
            }
            body = String(decoding: data, as: UTF8.self)
        }
        return try withMessenger(context) { messenger in
            let thread = context.arguments.positionals[0]
            let files = try (context.arguments.values["--file"] ?? []).map(Messenger.file(atPath:))
            let documents = context.arguments.values["--attach"] ?? []
            if context.arguments.has("--draft") {
                try messenger.saveDraft(MessageDraft(threadID: thread, body: body, attachmentIDs: documents, files: files))
                Console.output(tr("messages.reply.draft-saved"))
                return
            }
            let message = try messenger.reply(to: thread, body: body, attachmentIDs: documents, files: files)
            Console.output(tr("messages.reply.queued", ["id": message.id]))
        }
    }

    static let drafts = MesCommand(spec: CommandSpec(["messages", "drafts"], summary: "messages.drafts.summary",
                                                     options: [jsonOption, profileOption]).examples("messages drafts")) { context in
        try withMessenger(context) { messenger in
            let drafts = try messenger.drafts().values.sorted { $0.updated > $1.updated }
            if context.arguments.has("--json") {
                Console.output(try json(drafts.map { ["thread": $0.threadID, "body": $0.body, "attachments": $0.attachmentIDs,
                                                     "files": $0.files.map(\.title), "updated": iso($0.updated)] as [String: Any] }))
                return
            }
            if drafts.isEmpty { Console.output(tr("messages.drafts.empty")) }
            for draft in drafts {
                Console.output("\(LocalFormat.dateTime(draft.updated))  \(safe(draft.threadID))  \(safe(preview(draft.body)))")
            }
        }
    }

    static let attachment = MesCommand(spec: CommandSpec(["messages", "attachment"], summary: "messages.attachment.summary",
                                                         options: [profileOption], arguments: ["MESSAGE", "INDEX"]).examples("messages attachment msg-3 1")) { context in
        try withMessenger(context) { messenger in
            let (message, index) = try attachmentArguments(context)
            Console.output(safe(MessagingWording.file(try messenger.file(index, of: message))))
            Console.output("")
            switch try messenger.reading(of: index, of: message) {
            case .text(let text): for line in Sanitizer.lines(text) { Console.output(line) }
            case .labReport(let report): for line in Sanitizer.lines(DocumentWording.labReportText(report)) { Console.output(line) }
            case .metadataOnly(let reason): Console.output(DocumentWording.unreadable(reason))
            }
        }
    }

    static let saveAttachment = MesCommand(spec: CommandSpec(["messages", "save-attachment"], summary: "messages.save-attachment.summary", options: [
        OptionSpec("--title", value: "TITLE", help: "documents.option.title"),
        DocumentCommands.categoryOption,
        OptionSpec("--date", value: "DATE", help: "documents.option.date"),
        profileOption,
    ], arguments: ["MESSAGE", "INDEX"]).examples("messages save-attachment msg-3 1 --category biologie")) { context in
        let (category, date) = try DocumentCommands.categoryAndDate(context)
        return try withMessenger(context) { messenger in
            let (message, index) = try attachmentArguments(context)
            guard let library = try DocumentLibrary.open(messenger.vault, profileID: messenger.profileID) else {
                throw MessagingError.messageNotFound(message)
            }
            let document = try messenger.saveToDocuments(index, of: message, title: context.arguments.value("--title"), category: category,
                                                         date: date, library: library)
            Console.output(tr("documents.add.done", ["title": safe(document.title), "id": document.id]))
        }
    }

    static let archive = MesCommand(spec: CommandSpec(["messages", "archive"], summary: "messages.archive.summary", options: [
        OptionSpec("--undo", help: "messages.option.undo"), profileOption,
    ], arguments: ["THREAD"]).examples("messages archive thread-7", "messages archive thread-7 --undo")) { context in
        try withMessenger(context) { messenger in
            let undo = context.arguments.has("--undo")
            try messenger.setArchived(context.arguments.positionals[0], !undo)
            Console.output(undo ? tr("messages.archive.undone") : tr("messages.archive.done"))
        }
    }

    static let delete = MesCommand(spec: CommandSpec(["messages", "delete"], summary: "messages.delete.summary", options: [
        OptionSpec("--yes", help: "messages.option.yes"), profileOption,
    ], arguments: ["THREAD"]).examples("messages delete thread-7 --yes")) { context in
        try withMessenger(context) { messenger in
            let thread = try messenger.thread(context.arguments.positionals[0])
            if !context.arguments.has("--yes") {
                guard isatty(STDIN_FILENO) == 1 else { throw CommandFailure(.usage, tr("messages.delete.needs-yes")) }
                FileHandle.standardOutput.write(Data((tr("messages.delete.confirm", ["subject": safe(thread.subject)]) + " ").utf8))
                let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard ["o", "oui", "y", "yes"].contains(answer) else {
                    Console.output(tr("messages.delete.cancelled"))
                    return
                }
            }
            try messenger.delete(thread.id)
            Console.output(tr("messages.delete.done", ["subject": safe(thread.subject)]))
        }
    }

    static let discard = MesCommand(spec: CommandSpec(["messages", "discard"], summary: "messages.discard.summary",
                                                      options: [profileOption], arguments: ["MESSAGE"]).examples("messages discard msg-9")) { context in
        try withMessenger(context) { messenger in
            try messenger.discard(messageID: context.arguments.positionals[0])
            Console.output(tr("messages.discard.done"))
        }
    }

    static let pharmacyList = MesCommand(spec: CommandSpec(["messages", "pharmacy", "list"], summary: "messages.pharmacy-list.summary", options: [
        OptionSpec("--search", value: "TEXT", help: "messages.option.search"), jsonOption, profileOption,
    ]).examples("messages pharmacy list --search Lyon")) { context in
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        guard let messenger = try Messenger.open(vault, profileID: try context.profileID(in: vault)) else {
            throw CommandFailure(.notFound, tr("documents.error.no-profile"))
        }
        let entries = try await pharmacies(vault, messenger: messenger, search: context.arguments.value("--search") ?? "")
        if context.arguments.has("--json") {
            Console.output(try json(entries.map { ["id": $0.id, "name": $0.participant.name, "city": $0.city, "address": $0.mssanteAddress,
                                                   "frequented": $0.frequented] as [String: Any] }))
            return .success
        }
        if entries.isEmpty { Console.output(tr("messages.pharmacy.none")) }
        for entry in entries {
            let mark = entry.frequented ? "  [\(tr("messages.pharmacy.frequented"))]" : ""
            Console.output("\(safe(entry.participant.name)), \(safe(entry.city)) — \(safe(entry.mssanteAddress))\(mark)  \(safe(entry.id))")
        }
        return .success
    }

    static let pharmacySend = MesCommand(spec: CommandSpec(["messages", "pharmacy", "send"], summary: "messages.pharmacy-send.summary", options: [
        OptionSpec("--pharmacy", value: "ID", help: "messages.option.pharmacy"),
        OptionSpec("--note", value: "TEXT", help: "messages.option.note"),
        profileOption,
    ], arguments: ["DOC"]).examples("messages pharmacy send doc-1234 --pharmacy pharm-2")) { context in
        guard let pharmacyID = context.arguments.value("--pharmacy") else { throw UsageError(.missingValue(option: "--pharmacy")) }
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        guard let messenger = try Messenger.open(vault, profileID: try context.profileID(in: vault)) else {
            throw CommandFailure(.notFound, tr("documents.error.no-profile"))
        }
        guard let pharmacy = try await pharmacies(vault, messenger: messenger).first(where: { $0.id == pharmacyID }) else {
            throw CommandFailure(.notFound, tr("messages.pharmacy.unknown", ["id": safe(pharmacyID)]))
        }
        do {
            let thread = try messenger.startWithPharmacy(pharmacy.participant, documentID: context.arguments.positionals[0],
                                                         note: context.arguments.value("--note") ?? "", topic: tr("messages.pharmacy.topic"))
            Console.output(tr("messages.pharmacy.queued", ["name": safe(pharmacy.participant.name), "id": thread.id]))
        } catch let error as MessagingError {
            throw CommandFailure(failureCode(error), MessagingWording.error(error))
        }
        return .success
    }

    // MARK: Helpers

    static func safe(_ text: String) -> String { Sanitizer.sanitize(text) }

    /// The first line of a body, shortened.
    static func preview(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 70 ? String(line.prefix(69)) + "…" : line
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func attachmentArguments(_ context: MesContext) throws -> (String, Int) {
        let text = context.arguments.positionals[1]
        guard let index = Int(text), index >= 0 else { throw UsageError(.invalidValue(option: "INDEX", value: text)) }
        return (context.arguments.positionals[0], index)
    }

    static func pharmacies(_ vault: Vault, messenger: Messenger, search: String = "") async throws -> [PharmacyEntry] {
        do {
            return try await SyncEngine(vault: vault).pharmacies(for: messenger.profileID, search: search)
        } catch let error as SyncError {
            throw CommandFailure(.offline, tr("messages.pharmacy.offline", ["reason": error.code]))
        }
    }

    static func failureCode(_ error: MessagingError) -> ExitCode {
        switch error {
        case .threadNotFound, .messageNotFound, .attachmentNotFound, .documentNotFound: .notFound
        default: .failure
        }
    }

    static func withMessenger(_ context: MesContext, _ body: (Messenger) throws -> Void) throws -> ExitCode {
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        guard let messenger = try Messenger.open(vault, profileID: try context.profileID(in: vault)) else {
            throw CommandFailure(.notFound, tr("documents.error.no-profile"))
        }
        do {
            try body(messenger)
        } catch let error as MessagingError {
            throw CommandFailure(failureCode(error), MessagingWording.error(error))
        } catch let error as DocumentLibraryError {
            throw DocumentCommands.message(for: error)
        }
        return .success
    }

    static func threadObject(_ row: ThreadSummaryRow) -> [String: Any] {
        var with: [String: Any] = ["name": row.correspondent]
        if let profession = row.profession { with["profession"] = profession }
        var object: [String: Any] = ["id": row.id, "subject": row.subject, "closed": row.isClosed, "archived": row.isArchived,
                                     "lastActivity": iso(row.lastActivity), "with": with]
        object["unread"] = row.unread
        object["lastMessage"] = row.lastPreview
        object["lastSender"] = row.lastSender
        return object
    }

    static func threadObject(for thread: MessageThread) -> [String: Any] {
        var object: [String: Any] = ["id": thread.id, "subject": thread.subject, "closed": thread.isClosed, "archived": thread.isArchived,
                                     "lastActivity": iso(thread.lastActivity)]
        if let correspondent = thread.correspondent {
            var who: [String: Any] = ["name": correspondent.name, "address": correspondent.address, "role": correspondent.role.rawValue]
            if let profession = correspondent.profession { who["profession"] = profession }
            if let organization = correspondent.organization { who["organization"] = organization }
            object["with"] = who
        }
        return object
    }

    static func messageObject(_ item: ConversationMessage, profileID: String) -> [String: Any] {
        let message = item.message
        var object: [String: Any] = ["id": message.id, "sender": message.sender.name, "role": message.sender.role.rawValue,
                                     "sent": iso(message.sent), "body": message.body, "attachments": message.attachmentIDs,
                                     "files": message.files.map { ["title": $0.title, "contentType": $0.contentType, "size": $0.size] },
                                     "allowsReply": message.allowsReply]
        if let writtenFor = message.writtenFor { object["writtenFor"] = writtenFor }
        switch item.state {
        case .draft?: object["state"] = "draft"
        case .pending?: object["state"] = "pending"
        case .sent?: object["state"] = "sent"
        case .refused(let reason)?:
            object["state"] = "refused"
            object["reason"] = reason
        case nil: break
        }
        return object
    }

    static func json(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }
}
