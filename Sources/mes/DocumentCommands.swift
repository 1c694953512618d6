import CLI
import Documents
import Foundation
import HealthRecord
import L10n
import Sync
import TerminalUI
import Vault

/// `mes documents list|show|add|mask|unmask|export|delete|history`: the dossier médical from
/// the command line. Everything from outside (titles, names, contents) is sanitised before it
/// reaches the terminal; `--json` output is JSON-escaped instead.
enum DocumentCommands {
    static let all: [MesCommand] = [list, search, show, add, mask, unmask, export, delete, history]

    static let profileOption = OptionSpec("--profile", value: "ID", help: "documents.option.profile")

    /// `--category`: the key (`comptes-rendus`) or the name the screens show ("Comptes rendus").
    static let categoryOption = OptionSpec("--category", value: "CATEGORY", choices: Document.Category.allCases.map {
        ValueChoice($0.rawValue, label: "documents.category." + $0.rawValue)
    }, help: "documents.option.category")

    static let list = MesCommand(spec: CommandSpec(["documents", "list"], summary: "documents.list.summary", options: [
        categoryOption,
        OptionSpec("--json", help: "documents.option.json"),
        profileOption,
    ]).examples("documents list", "documents list --category \"Comptes rendus\"", "documents list --category biologie --json")) { context in
        let category = try parseCategory(context.arguments.value("--category"))
        return try await withLibrary(context) { library in
            let listing = try library.listing(filter: DocumentFilter(category: category))
            if context.arguments.has("--json") {
                Console.output(try json(listing.rows))
                return
            }
            if listing.rows.isEmpty { Console.output(tr("documents.list.empty")) }
            for group in listing.groups() where category == nil || group.category == category {
                Console.output(tr("documents.list.group", ["category": DocumentWording.category(group.category), "count": String(group.count)]))
                for row in listing.rows where row.category == group.category {
                    let marks = DocumentWording.marks(row)
                    let suffix = marks.isEmpty ? "" : "  [" + marks.joined(separator: ", ") + "]"
                    Console.output("  \(LocalFormat.date(row.date))  \(safe(row.title)) — \(safe(DocumentWording.author(row)))\(suffix)  \(safe(row.id))")
                }
            }
        }
    }

    static let show = MesCommand(spec: CommandSpec(["documents", "show"], summary: "documents.show.summary",
                                                   options: [profileOption], arguments: ["ID"]).examples("documents show doc-1234")) { context in
        try await withLibrary(context) { library in
            let id = context.arguments.positionals[0]
            let summary = try library.summary(id)
            let document = try library.document(id)
            Console.output(safe(summary.title))
            Console.output(tr("documents.show.category", ["category": DocumentWording.category(summary.category)]))
            Console.output(tr("documents.show.author", ["author": safe(DocumentWording.author(summary))]))
            Console.output(tr("documents.show.date", ["date": LocalFormat.date(summary.date)]))
            Console.output(tr("documents.show.format", ["format": safe(summary.format), "size": DocumentWording.size(summary.size)]))
            Console.output(summary.isMasked ? tr("documents.show.masked") : tr("documents.show.not-masked"))
            if let note = document.note { Console.output(tr("documents.show.note", ["note": safe(note)])) }
            Console.output("")
            switch try await readingFetchedIfNeeded(id, library: library) {
            case .text(let text):
                for line in TerminalUI.Sanitizer.lines(text) { Console.output(line) }
            case .labReport(let report):
                for line in TerminalUI.Sanitizer.lines(DocumentWording.labReportText(report)) { Console.output(line) }
            case .metadataOnly(let reason):
                Console.output(DocumentWording.unreadable(reason))
            case nil:
                Console.output(tr("documents.show.not-fetched"))
            }
            try library.markRead(id)
        }
    }

    static let search = MesCommand(spec: CommandSpec(["documents", "search"], summary: "documents.search.summary", options: [
        OptionSpec("--json", help: "documents.option.json"),
        profileOption,
    ], arguments: ["TEXT"]).examples("documents search cholestérol")) { context in
        try await withLibrary(context) { library in
            let hits = try library.search(context.arguments.positionals[0])
            let rows = try hits.map { (try library.summary($0.recordID), $0.snippet) }
            if context.arguments.has("--json") {
                let objects = rows.map { ["id": $0.0.id, "title": $0.0.title, "snippet": $0.1] }
                Console.output(String(decoding: try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes]),
                                      as: UTF8.self))
                return
            }
            if rows.isEmpty { Console.output(tr("documents.search.none")) }
            for (summary, snippet) in rows {
                Console.output("\(LocalFormat.date(summary.date))  \(safe(summary.title))  \(safe(summary.id))")
                Console.output("    \(safe(snippet))")
            }
        }
    }

    /// The document's reading; when its content is not in the vault yet and an account is
    /// logged in, fetched now (verified, stored encrypted and indexed, as a sync would).
    static func readingFetchedIfNeeded(_ id: String, library: DocumentLibrary) async throws -> DocumentReading? {
        if let reading = try library.reading(of: id) { return reading }
        guard (try? Account.stored(in: library.vault)) != nil else { return nil }
        Console.error(tr("documents.show.fetching"))
        do {
            _ = try await SyncEngine(vault: library.vault).fetchContent(of: id)
        } catch let error as SyncError {
            Console.error(SyncCommands.failure(error).message ?? "")
            return nil
        }
        return try library.reading(of: id)
    }

    static let add = MesCommand(spec: CommandSpec(["documents", "add"], summary: "documents.add.summary", options: [
        OptionSpec("--title", value: "TITLE", help: "documents.option.title"),
        categoryOption,
        OptionSpec("--date", value: "DATE", help: "documents.option.date"),
        OptionSpec("--note", value: "TEXT", help: "documents.option.note"),
        profileOption,
    ], arguments: ["FILE"]).examples("documents add ordonnance.pdf --category ordonnances --date 22/11/2026", "documents add scan.jpg --title \"Radio du genou\" --category \"Radio, écho, scanner, IRM\"")) { context in
        let (category, date) = try categoryAndDate(context)
        return try await withLibrary(context) { library in
            let document = try library.importFile(atPath: context.arguments.positionals[0], title: context.arguments.value("--title"),
                                                  category: category, date: date, note: context.arguments.value("--note"))
            Console.output(tr("documents.add.done", ["title": safe(document.title), "id": document.id]))
        }
    }

    static let mask = MesCommand(spec: CommandSpec(["documents", "mask"], summary: "documents.mask.summary",
                                                   options: [profileOption], arguments: ["ID"]).examples("documents mask doc-1234")) { context in
        try await withLibrary(context) { library in
            let document = try library.setMasked(context.arguments.positionals[0], true)
            Console.output(tr("documents.mask.done", ["title": safe(document.title)]))
            Console.output(tr("documents.mask.explanation"))
        }
    }

    static let unmask = MesCommand(spec: CommandSpec(["documents", "unmask"], summary: "documents.unmask.summary",
                                                     options: [profileOption], arguments: ["ID"]).examples("documents unmask doc-1234")) { context in
        try await withLibrary(context) { library in
            let document = try library.setMasked(context.arguments.positionals[0], false)
            Console.output(tr("documents.unmask.done", ["title": safe(document.title)]))
        }
    }

    static let export = MesCommand(spec: CommandSpec(["documents", "export"], summary: "documents.export.summary",
                                                     options: [profileOption], arguments: ["ID", "FILE"]).examples("documents export doc-1234 ~/compte-rendu.pdf")) { context in
        try await withLibrary(context) { library in
            Console.error(tr("documents.export.warning"))
            let path = context.arguments.positionals[1]
            try library.export(context.arguments.positionals[0], to: path, kiosk: false)
            Console.output(tr("documents.export.done", ["path": safe(path)]))
        }
    }

    static let delete = MesCommand(spec: CommandSpec(["documents", "delete"], summary: "documents.delete.summary",
                                                     options: [OptionSpec("--yes", help: "documents.option.yes"), profileOption],
                                                     arguments: ["ID"]).examples("documents delete doc-1234 --yes")) { context in
        try await withLibrary(context) { library in
            let id = context.arguments.positionals[0]
            let summary = try library.summary(id)
            guard summary.isDeletable else { throw DocumentLibraryError.notDeletable }
            if !context.arguments.has("--yes") {
                guard isatty(STDIN_FILENO) == 1 else { throw CommandFailure(.usage, tr("documents.delete.needs-yes")) }
                FileHandle.standardOutput.write(Data((tr("documents.delete.confirm", ["title": safe(summary.title)]) + " ").utf8))
                let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard ["o", "oui", "y", "yes"].contains(answer) else {
                    Console.output(tr("documents.delete.cancelled"))
                    return
                }
            }
            try library.delete(id)
            Console.output(tr("documents.delete.done", ["title": safe(summary.title)]))
        }
    }

    static let history = MesCommand(spec: CommandSpec(["documents", "history"], summary: "documents.history.summary",
                                                      options: [profileOption], arguments: ["ID"]).examples("documents history doc-1234")) { context in
        try await withLibrary(context) { library in
            for entry in try library.history(of: context.arguments.positionals[0]) {
                Console.output(safe(DocumentWording.historyLine(entry)))
            }
        }
    }

    // MARK: Helpers

    /// Text from outside, made safe for a terminal.
    static func safe(_ text: String) -> String { TerminalUI.Sanitizer.sanitize(text) }

    /// `--category` (required) and `--date` (today when absent) of a command that files a document.
    static func categoryAndDate(_ context: MesContext) throws(UsageError) -> (Document.Category, Date) {
        guard let category = try parseCategory(context.arguments.value("--category")) else {
            throw UsageError(.missingValue(option: "--category"))
        }
        var date = Date()
        if let text = context.arguments.value("--date") {
            guard let day = CalendarDate(iso: text), let instant = LocalFormat.instant(DateComponents(year: day.year, month: day.month, day: day.day)) else {
                throw UsageError(.invalidValue(option: "--date", value: text))
            }
            date = instant
        }
        return (category, date)
    }

    static func parseCategory(_ value: String?) throws(UsageError) -> Document.Category? {
        guard let value else { return nil }
        guard let category = Document.Category(rawValue: value.lowercased()) else {
            throw UsageError(.invalidValue(option: "--category", value: value))
        }
        return category
    }

    /// Opens the vault (passphrase from the prompt, a file or a descriptor), finds the space and
    /// runs `body` with its library; errors become messages and exit codes.
    static func withLibrary(_ context: MesContext, _ body: (DocumentLibrary) async throws -> Void) async throws -> ExitCode {
        try await VaultCommands.withVault(context, waiting: { vault in
            guard let library = try DocumentLibrary.open(vault, profileID: try context.profileID(in: vault)) else {
                return CommandFailure(.notFound, tr("documents.error.no-profile"))
            }
            do {
                try await body(library)
            } catch let error as DocumentLibraryError {
                return message(for: error)
            } catch let error as DocumentOutputError {
                return message(for: error)
            }
            return nil
        })
    }

    static func message(for error: DocumentLibraryError) -> CommandFailure {
        switch error {
        case .notFound(let id): CommandFailure(.notFound, tr("documents.error.not-found", ["id": safe(id)]))
        case .notDeletable: CommandFailure(.failure, tr("documents.error.not-deletable"))
        case .importRefused(let refusal): CommandFailure(.failure, safe(DocumentWording.refusal(refusal)))
        case .unreadableFile(let path): CommandFailure(.failure, tr("documents.error.unreadable-file", ["path": safe(path)]))
        case .contentMissing: CommandFailure(.failure, tr("documents.show.not-fetched"))
        }
    }

    static func message(for error: DocumentOutputError) -> CommandFailure {
        switch error {
        case .refusedInKiosk: CommandFailure(.failure, tr("documents.export.kiosk"))
        case .destinationExists(let path): CommandFailure(.failure, tr("documents.export.exists", ["path": safe(path)]))
        case .cannotWrite(let path): CommandFailure(.failure, tr("documents.export.cannot-write", ["path": safe(path)]))
        case .contentMissing: CommandFailure(.failure, tr("documents.show.not-fetched"))
        case .printingUnavailable: CommandFailure(.failure, tr("documents.print.unavailable"))
        case .printFailed(let said): CommandFailure(.failure, tr("documents.print.failed", ["message": safe(said)]))
        }
    }

    /// The rows as a JSON array (one object per document), terminal controls escaped.
    static func json(_ rows: [DocumentSummary]) throws -> String {
        let formatter = ISO8601DateFormatter()
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = [
                "id": row.id, "title": row.title, "category": row.category.rawValue, "type": row.typeCode, "class": row.classCode,
                "author": row.authorName, "date": formatter.string(from: row.date), "format": row.format,
                "size": row.size, "origin": row.origin.rawValue, "read": row.isRead, "masked": row.isMasked,
            ]
            if let organization = row.organization { object["organization"] = organization }
            return object
        }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }
}
