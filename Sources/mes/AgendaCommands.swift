import Agenda
import CLI
import Foundation
import HealthRecord
import L10n
import TerminalUI
import Vault

/// `mes agenda list|add|edit|delete|import|export` and `mes prevention list|done|plan|dismiss`:
/// the agenda santé and the recommendations from the command line. Text from outside is
/// sanitised before it reaches the terminal; `--json` output is JSON-escaped instead.
enum AgendaCommands {
    static let all: [MesCommand] = [list, add, edit, delete, importFile, export, preventionList, preventionDone, preventionPlan,
                                    preventionDismiss]

    static let profileOption = OptionSpec("--profile", value: "ID", help: "agenda.option.profile")
    static let itemOptions = [
        OptionSpec("--type", value: "rdv|rappel", help: "agenda.option.type"),
        OptionSpec("--title", value: "TITLE", help: "agenda.option.title"),
        OptionSpec("--date", value: "DATE", help: "agenda.option.date"),
        OptionSpec("--time", value: "HH:MM", help: "agenda.option.time"),
        OptionSpec("--duration", value: "MINUTES", help: "agenda.option.duration"),
        OptionSpec("--professional", value: "NAME", help: "agenda.option.professional"),
        OptionSpec("--specialty", value: "TEXT", help: "agenda.option.specialty"),
        OptionSpec("--address", value: "TEXT", help: "agenda.option.address"),
        OptionSpec("--note", value: "TEXT", help: "agenda.option.note"),
        OptionSpec("--remind", value: "MINUTES", help: "agenda.option.remind"),
        profileOption,
    ]

    static let list = MesCommand(spec: CommandSpec(["agenda", "list"], summary: "agenda.list.summary", options: [
        OptionSpec("--from", value: "DATE", help: "agenda.option.from"),
        OptionSpec("--to", value: "DATE", help: "agenda.option.to"),
        OptionSpec("--json", help: "agenda.option.json"),
        profileOption,
    ]).examples("agenda list --from 2026-11-01 --to 30/11/2026")) { context in
        let from = try day(context, "--from") ?? CalendarDate(Date())
        let to = try day(context, "--to") ?? from.adding(months: 12)
        guard from < to else { throw UsageError(.invalidValue(option: "--to", value: to.iso)) }
        return try withBook(context) { book in
            let items = try book.items(from: from.start(), to: to.adding(days: 1).start())
            if context.arguments.has("--json") {
                Console.json(try json(items))
                return
            }
            if items.isEmpty { Console.output(tr("agenda.list.empty")) }
            for item in items { Console.output(line(item)) }
        }
    }

    static let add = MesCommand(spec: CommandSpec(["agenda", "add"], summary: "agenda.add.summary", options: itemOptions + [
        OptionSpec("--repeat", value: "daily|weekly|monthly|yearly", help: "agenda.option.repeat"),
        OptionSpec("--count", value: "N", help: "agenda.option.count"),
        OptionSpec("--interval", value: "N", help: "agenda.option.interval"),
    ]).examples("agenda add --type rdv --title \"Cardiologue\" --date 22/11/2026 --time 14h30 --professional \"Dr Martin\"",
                "agenda add --type rappel --title \"Prendre ma tension\" --date 01/12/2026 --time 8h --repeat daily --count 30")) { context in
        guard context.arguments.value("--date") != nil else { throw UsageError(.missingValue(option: "--date")) }
        var repetition: Repetition?
        if let text = context.arguments.value("--repeat") {
            guard let frequency = Repetition.Frequency(rawValue: text.uppercased()) else { throw UsageError(.invalidValue(option: "--repeat", value: text)) }
            let countText = context.arguments.value("--count") ?? ""
            guard let count = Int(countText), (2...Repetition.maximumCount).contains(count) else {
                throw UsageError(.invalidValue(option: "--count", value: countText))
            }
            let intervalText = context.arguments.value("--interval") ?? "1"
            guard let interval = Int(intervalText), (1...99).contains(interval) else { throw UsageError(.invalidValue(option: "--interval", value: intervalText)) }
            repetition = Repetition(frequency, interval: interval, count: count)
        }
        return try withBook(context) { book in
            if let repetition {
                let events = try book.add(try draft(context, base: nil), repeating: repetition)
                Console.output(tr("agenda.add.repeated", ["title": safe(AgendaWording.headline(events[0])), "count": String(events.count),
                                                          "id": events[0].id]))
                return
            }
            let event = try book.add(try draft(context, base: nil))
            Console.confirm(tr("agenda.add.done", ["title": safe(AgendaWording.headline(event)), "id": event.id]), quietAnswer: event.id)
        }
    }

    static let edit = MesCommand(spec: CommandSpec(["agenda", "edit"], summary: "agenda.edit.summary", options: itemOptions,
                                                   arguments: ["ID"]).examples("agenda edit rdv-12 --time 15:00")) { context in
        try withBook(context) { book in
            let id = context.arguments.positionals[0]
            let event = try book.update(id, with: try draft(context, base: try book.item(id)))
            Console.confirm(tr("agenda.edit.done", ["title": safe(AgendaWording.headline(event))]))
        }
    }

    static let delete = MesCommand(spec: CommandSpec(["agenda", "delete"], summary: "agenda.delete.summary", options: [profileOption],
                                                     arguments: ["ID"]).examples("agenda delete rdv-12")) { context in
        try withBook(context) { book in
            let event = try book.item(context.arguments.positionals[0])
            try book.delete(event.id)
            Console.confirm(tr("agenda.delete.done", ["title": safe(AgendaWording.headline(event))]))
        }
    }

    static let importFile = MesCommand(spec: CommandSpec(["agenda", "import"], summary: "agenda.import.summary", options: [
        OptionSpec("--dry-run", help: "agenda.option.dry-run"),
        OptionSpec("--months", value: "N", help: "agenda.option.months"),
        profileOption,
    ], arguments: ["FILE"]).examples("agenda import rendez-vous.ics --dry-run")) { context in
        var months = 12
        if let text = context.arguments.value("--months") {
            guard let value = Int(text), (1...120).contains(value) else { throw UsageError(.invalidValue(option: "--months", value: text)) }
            months = value
        }
        let path = context.arguments.positionals[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.failure, tr("agenda.error.unreadable-file", ["path": safe(path)]))
        }
        return try withBook(context) { book in
            let today = CalendarDate(Date())
            let preview = try book.previewImport(Array(data), from: today.adding(months: -months).start(),
                                                 to: today.adding(months: months).start())
            Console.output(tr("agenda.import.horizon", ["months": String(months)]))
            for event in preview.new { Console.output("  + " + line(event)) }
            for event in preview.duplicates { Console.output("  = " + line(event) + "  " + tr("agenda.import.duplicate")) }
            for problem in preview.problems {
                Console.output("  ! " + safe(problem.event) + " — " + AgendaWording.problem(problem.reason))
            }
            Console.output(AgendaWording.importCounts(preview))
            if context.arguments.has("--dry-run") {
                Console.output(tr("agenda.import.dry-run"))
                return
            }
            let count = try book.applyImport(preview)
            Console.confirm(AgendaWording.imported(count))
        }
    }

    static let export = MesCommand(spec: CommandSpec(["agenda", "export"], summary: "agenda.export.summary", options: [
        OptionSpec("--with-prevention", help: "agenda.option.with-prevention"),
        profileOption,
    ], arguments: ["FILE"]).examples("agenda export agenda.ics --with-prevention")) { context in
        let path = context.arguments.positionals[0]
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.failure, tr("agenda.export.exists", ["path": safe(path)]))
        }
        return try withBook(context) { book in
            Console.error(tr("agenda.export.warning"))
            let language = Localizer.shared.language
            let prevention = context.arguments.has("--with-prevention") ? try book.recommendations(on: CalendarDate(Date())) : []
            let text = try book.exportICS(prevention: prevention, language: language)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure(.failure, tr("agenda.export.cannot-write", ["path": safe(path)]))
            }
            Console.confirm(tr("agenda.export.done", ["path": safe(path)]))
        }
    }

    // MARK: Prevention

    static let preventionList = MesCommand(spec: CommandSpec(["prevention", "list"], summary: "prevention.list.summary", options: [
        OptionSpec("--json", help: "agenda.option.json"),
        profileOption,
    ]).examples("prevention list")) { context in
        try withBook(context) { book in
            guard try book.personalisedRecommendations() else {
                Console.output(tr("prevention.list.off"))
                return
            }
            let items = try book.recommendations(on: CalendarDate(Date()))
            if context.arguments.has("--json") {
                Console.json(try preventionJSON(items))
                return
            }
            if items.isEmpty { Console.output(tr("prevention.list.empty")) }
            for item in items {
                Console.output("\(AgendaWording.preventionStatus(item.status)) — \(item.rule.title(Localizer.shared.language))  [\(item.rule.id)]")
                Console.output("    \(AgendaWording.when(item))")
                Console.output("    \(AgendaWording.reason(item))")
            }
        }
    }

    static let preventionDone = MesCommand(spec: CommandSpec(["prevention", "done"], summary: "prevention.done.summary", options: [
        OptionSpec("--date", value: "DATE", help: "agenda.option.date"), profileOption,
    ], arguments: ["STEP"]).examples("prevention done grippe --date 15/10/2026")) { context in
        let on = try day(context, "--date") ?? CalendarDate(Date())
        return try withBook(context) { book in
            try book.markDone(context.arguments.positionals[0], on: on, language: Localizer.shared.language)
            Console.confirm(tr("prevention.done.done"))
        }
    }

    static let preventionPlan = MesCommand(spec: CommandSpec(["prevention", "plan"], summary: "prevention.plan.summary", options: [
        OptionSpec("--date", value: "DATE", help: "agenda.option.date"),
        OptionSpec("--time", value: "HH:MM", help: "agenda.option.time"), profileOption,
    ], arguments: ["STEP"]).examples("prevention plan depistage-colorectal --date 2027-01-10 --time 09:00")) { context in
        guard let on = try day(context, "--date") else { throw UsageError(.missingValue(option: "--date")) }
        let time = try clock(context) ?? (9, 0)
        return try withBook(context) { book in
            let event = try book.plan(context.arguments.positionals[0], at: on.at(hour: time.0, minute: time.1), language: Localizer.shared.language)
            Console.confirm(tr("agenda.add.done", ["title": safe(event.title), "id": event.id]), quietAnswer: event.id)
        }
    }

    static let preventionDismiss = MesCommand(spec: CommandSpec(["prevention", "dismiss"], summary: "prevention.dismiss.summary",
                                                                options: [profileOption], arguments: ["STEP"]).examples("prevention dismiss depistage-colorectal")) { context in
        try withBook(context) { book in
            try book.dismiss(context.arguments.positionals[0], on: CalendarDate(Date()), language: Localizer.shared.language)
            Console.confirm(tr("prevention.dismiss.done"))
        }
    }

    // MARK: Helpers

    static func safe(_ text: String) -> String { TerminalUI.Sanitizer.sanitize(text) }

    /// `22/11/2026 14:30  Rendez-vous  Title — Dr X  [from …]  id`.
    static func line(_ event: AgendaEvent) -> String {
        var parts = [LocalFormat.date(event.start) + " " + AgendaWording.time(event), AgendaWording.category(event.category),
                     safe(AgendaWording.headline(event))]
        if let who = AgendaWording.who(event), !event.title.isEmpty { parts.append(safe(who)) }
        if event.status != .planned { parts.append("(" + AgendaWording.status(event.status) + ")") }
        if let origin = AgendaWording.origin(event) { parts.append("[" + safe(origin) + "]") }
        parts.append(event.id)
        return parts.joined(separator: "  ")
    }

    static func day(_ context: MesContext, _ option: String) throws(UsageError) -> CalendarDate? {
        guard let text = context.arguments.value(option) else { return nil }
        if let day = CalendarDate(iso: text) { return day }
        if let parts = LocalFormat.parseDate(text), let day = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!) { return day }
        throw UsageError(.invalidValue(option: option, value: text))
    }

    static func clock(_ context: MesContext) throws(UsageError) -> (Int, Int)? {
        guard let text = context.arguments.value("--time") else { return nil }
        guard let parts = LocalFormat.parseTime(text) else { throw UsageError(.invalidValue(option: "--time", value: text)) }
        return (parts.hour!, parts.minute!)
    }

    static func minutes(_ context: MesContext, _ option: String) throws(UsageError) -> Int? {
        guard let text = context.arguments.value(option) else { return nil }
        guard let value = Int(text), (0...(366 * 24 * 60)).contains(value) else { throw UsageError(.invalidValue(option: option, value: text)) }
        return value
    }

    /// The item the options describe, over `base` (edit) or from scratch (add).
    static func draft(_ context: MesContext, base: AgendaEvent?) throws -> AgendaDraft {
        let arguments = context.arguments
        var draft = base.map(AgendaDraft.init) ?? AgendaDraft(category: .appointment, title: "", start: Date())
        if let type = arguments.value("--type") {
            switch type.lowercased() {
            case "rdv", "rendez-vous", "appointment": draft.category = .appointment
            case "rappel", "reminder": draft.category = .reminder
            default: throw UsageError(.invalidValue(option: "--type", value: type))
            }
        }
        if let title = arguments.value("--title") { draft.title = title }
        let duration = draft.end.map { $0.timeIntervalSince(draft.start) }
        let oldClock = LocalFormat.calendar.dateComponents([.hour, .minute], from: draft.start)
        let newDay = try day(context, "--date") ?? CalendarDate(draft.start)
        let time = try clock(context) ?? (base == nil ? (9, 0) : (oldClock.hour ?? 9, oldClock.minute ?? 0))
        draft.start = newDay.at(hour: time.0, minute: time.1)
        if let minutes = try minutes(context, "--duration") {
            draft.end = draft.start.addingTimeInterval(TimeInterval(minutes * 60))
        } else if let duration {
            draft.end = draft.start.addingTimeInterval(duration)
        } else if base == nil && draft.category == .appointment {
            draft.end = draft.start.addingTimeInterval(1800)
        }
        if let name = arguments.value("--professional") {
            draft.practitioner = Practitioner(name: name, specialty: arguments.value("--specialty") ?? draft.practitioner?.specialty)
        } else if let specialty = arguments.value("--specialty") {
            draft.practitioner = Practitioner(name: draft.practitioner?.name ?? "", specialty: specialty)
        }
        if let address = arguments.value("--address") { draft.location = address }
        if let note = arguments.value("--note") { draft.note = note }
        if let remind = try minutes(context, "--remind") { draft.reminderOffsets = [TimeInterval(remind * 60)] }
        return draft
    }

    /// Opens the vault and the agenda of the space and runs `body`; errors become messages.
    static func withBook(_ context: MesContext, _ body: (AgendaBook) throws -> Void) throws -> ExitCode {
        let calendar: PreventionCalendar
        do { calendar = try PreventionCalendar.load() } catch {
            throw CommandFailure(.failure, tr("prevention.error.calendar", ["reason": "\(error)"]))
        }
        return try VaultCommands.withVault(context) { vault in
            guard let book = try AgendaBook.open(vault, profileID: try context.profileID(in: vault), calendar: calendar) else {
                return CommandFailure(.notFound, tr("documents.error.no-profile"))
            }
            do {
                try body(book)
            } catch let error as AgendaError {
                if case .notFound = error { return CommandFailure(.notFound, safe(AgendaWording.error(error))) }
                return CommandFailure(.failure, safe(AgendaWording.error(error)))
            }
            return nil
        }
    }

    static func json(_ items: [AgendaEvent]) throws -> String {
        let formatter = ISO8601DateFormatter()
        let objects: [[String: Any]] = items.map { event in
            var object: [String: Any] = [
                "id": event.id, "category": event.category.rawValue, "title": event.title, "start": formatter.string(from: event.start),
                "status": event.status.rawValue, "allDay": event.allDay, "readOnly": event.isReadOnly,
            ]
            if let end = event.end { object["end"] = formatter.string(from: end) }
            if let location = event.location { object["location"] = location }
            if let note = event.note { object["note"] = note }
            if let practitioner = event.practitioner {
                object["professional"] = practitioner.name
                if let specialty = practitioner.specialty { object["specialty"] = specialty }
            }
            if let source = event.source { object["source"] = ["kind": source.kind.rawValue, "name": source.name] }
            if let step = event.preventionStep { object["preventionStep"] = step }
            if !event.reminderOffsets.isEmpty { object["reminderOffsets"] = event.reminderOffsets }
            return object
        }
        return try serialized(objects)
    }

    static func preventionJSON(_ items: [PreventionItem]) throws -> String {
        let language = Localizer.shared.language
        let objects: [[String: Any]] = items.map { item in
            var object: [String: Any] = [
                "step": item.rule.id, "kind": item.rule.kind.rawValue, "title": item.rule.title(language), "status": item.status.rawValue,
                "date": item.date.iso, "reason": AgendaWording.reason(item), "source": item.rule.source,
                "sourceDate": item.rule.sourceDate.iso,
            ]
            if let next = item.next { object["next"] = next.iso }
            return object
        }
        return try serialized(objects)
    }

    static func serialized(_ objects: [[String: Any]]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }
}

extension VaultCommands {
    /// Opens the vault (passphrase from the prompt, a file or a descriptor) and runs `body`,
    /// which returns the failure to report, if any.
    static func withVault(_ context: MesContext, _ body: (Vault) throws -> CommandFailure?) throws -> ExitCode {
        let directory = VaultDirectory(context.home)
        var failure: CommandFailure?
        let code = try run(directory) {
            let vault = try openVault(context, directory)
            defer { vault.close() }
            failure = try body(vault)
        }
        if let failure { throw failure }
        return code
    }
}
