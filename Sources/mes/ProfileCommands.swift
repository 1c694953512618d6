import CLI
import Documents
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI
import Vault

/// `mes profile show|add|edit|delete` and `mes measures list|add|edit|delete|import|target`: the
/// profil médical and the mesures de santé from the command line. Text from outside is
/// sanitised before the terminal; `--json` output is JSON-escaped instead.
enum ProfileCommands {
    static let all: [MesCommand] = [show, add, edit, delete, synthesis, directives, list, addMeasure, editMeasure, deleteMeasure, importMeasures, target]

    static let profileOption = OptionSpec("--profile", value: "ID", help: "profile.option.profile")
    static let yesOption = OptionSpec("--yes", help: "profile.option.yes")

    /// Every field of every rubrique, as `--key VALUE`.
    static let fieldOptions: [OptionSpec] = {
        var keys: [String] = []
        for rubrique in ProfileRubrique.allCases {
            for field in rubrique.fields where !keys.contains(field.key) { keys.append(field.key) }
        }
        return keys.map { OptionSpec("--\($0)", value: "VALUE", help: "profile.option.field") }
    }()

    // MARK: profile

    static let show = MesCommand(spec: CommandSpec(["profile", "show"], summary: "profile.show.summary", options: [
        OptionSpec("--json", help: "profile.option.json"), OptionSpec("--rubrique", value: "RUBRIQUE", help: "profile.option.rubrique"),
        profileOption,
    ]).examples("profile show --rubrique allergies")) { context in
        let only = try context.arguments.value("--rubrique").map(parseRubrique)
        return try await withBooks(context) { book, _ in
            let sections = try book.allEntries().filter { only == nil || $0.rubrique == only }
            if context.arguments.has("--json") {
                Console.json(try json(sections))
                return
            }
            let conditions = try book.entries(.conditions)
            for section in sections {
                Console.output("== " + ProfileWording.rubrique(section.rubrique))
                if section.rubrique == .allergies, try book.isNotConcernedByAllergies() { Console.output("  " + tr("profile.show.not-concerned")) }
                if section.entries.isEmpty { Console.output("  " + tr("profile.show.empty")) }
                for entry in section.entries {
                    var marks: [String] = []
                    if let author = entry.author { marks.append(tr("profile.show.written-by", ["author": author])) }
                    if entry.isReadOnly { marks.append(tr("profile.show.read-only")) }
                    let summary = ProfileWording.summary(entry, vaccines: book.vaccines)
                    let line = [ProfileWording.title(entry, vaccines: book.vaccines), summary].filter { !$0.isEmpty }.joined(separator: " — ")
                    Console.output("  " + safe(line) + (marks.isEmpty ? "" : "  [" + safe(marks.joined(separator: ", ")) + "]") + "  " + safe(entry.id))
                    for field in section.rubrique.fields where !["name", "vaccine", "topic"].contains(field.key) {
                        guard let text = ProfileWording.display(entry, field.key, vaccines: book.vaccines, conditions: conditions),
                              summary.range(of: text) == nil, text != entry.title else { continue }
                        Console.output("      " + ProfileWording.field(field.key) + " : " + safe(text))
                    }
                }
            }
        }
    }

    static let add = MesCommand(spec: CommandSpec(["profile", "add"], summary: "profile.add.summary",
                                                  options: fieldOptions + [OptionSpec("--not-concerned", help: "profile.option.not-concerned"), profileOption],
                                                  arguments: ["RUBRIQUE"]).examples("profile add allergies --name Pénicilline")) { context in
        let rubrique = try parseRubrique(context.arguments.positionals[0])
        return try await withBooks(context) { book, _ in
            if rubrique == .allergies && context.arguments.has("--not-concerned") {
                try book.declareNotConcernedByAllergies()
                Console.confirm(tr("profile.not-concerned.done"))
                return
            }
            let entry = try book.add(rubrique, fieldValues(context, rubrique))
            Console.confirm(tr("profile.add.done", ["rubrique": ProfileWording.rubrique(rubrique),
                                                   "title": safe(ProfileWording.title(entry, vaccines: book.vaccines)), "id": safe(entry.id)]), quietAnswer: safe(entry.id))
        }
    }

    static let edit = MesCommand(spec: CommandSpec(["profile", "edit"], summary: "profile.edit.summary",
                                                   options: fieldOptions + [profileOption], arguments: ["RUBRIQUE", "ID"]).examples("profile edit allergies entry-4 --comment \"urticaire\"")) { context in
        let rubrique = try parseRubrique(context.arguments.positionals[0])
        return try await withBooks(context) { book, _ in
            let entry = try book.edit(rubrique, id: context.arguments.positionals[1], fieldValues(context, rubrique))
            Console.confirm(tr("profile.edit.done", ["title": safe(ProfileWording.title(entry, vaccines: book.vaccines))]))
        }
    }

    static let delete = MesCommand(spec: CommandSpec(["profile", "delete"], summary: "profile.delete.summary",
                                                     options: [yesOption, profileOption], arguments: ["RUBRIQUE", "ID"]).examples("profile delete allergies entry-4 --yes")) { context in
        let rubrique = try parseRubrique(context.arguments.positionals[0])
        return try await withBooks(context) { book, _ in
            let entry = try book.entry(rubrique, id: context.arguments.positionals[1])
            let title = safe(ProfileWording.title(entry, vaccines: book.vaccines))
            guard try confirm(context, tr("profile.delete.confirm", ["title": title])) else {
                Console.output(tr("profile.delete.cancelled"))
                return
            }
            try book.delete(rubrique, id: entry.id)
            Console.confirm(tr("profile.delete.done", ["title": title]))
        }
    }

    static let synthesis = MesCommand(spec: CommandSpec(["profile", "synthesis"], summary: "profile.synthesis.summary", options: [
        OptionSpec("--sections", value: "LIST", help: "profile.option.sections"), OptionSpec("--save", help: "profile.option.save"),
        OptionSpec("--out", value: "FILE", help: "profile.option.out"), profileOption,
    ]).examples("profile synthesis --out synthese.pdf")) { context in
        let out = context.arguments.value("--out")
        guard out != nil || context.arguments.has("--save") else { throw CommandFailure(.usage, tr("profile.synthesis.needs-target")) }
        let sections = try (context.arguments.value("--sections") ?? "").split(separator: ",").map { part in
            let code = part.trimmingCharacters(in: .whitespaces)
            guard let section = ProfileSynthesis.Section(code: FieldValues.matchCode(code, in: ProfileSynthesis.Section.all.map(\.code)) ?? code) else {
                throw CommandFailure(.usage, tr("profile.synthesis.unknown-section", [
                    "name": safe(code), "list": ProfileSynthesis.Section.all.map(\.code).joined(separator: ", "),
                ]))
            }
            return section
        }
        return try await withBooks(context) { book, _ in
            let synthesis = ProfileSynthesis(book: book)
            let now = Date()
            let bytes = try synthesis.pdf(sections: sections, at: now)
            let name = try synthesis.fileName(at: now)
            if let out {
                Console.error(tr("documents.export.warning"))
                // A new file only (never over an existing one), readable by its owner alone.
                let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else {
                    throw CommandFailure(.failure, errno == EEXIST ? tr("documents.export.exists", ["path": safe(out)])
                                                                   : tr("documents.export.cannot-write", ["path": safe(out)]))
                }
                let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                try handle.write(contentsOf: bytes)
                try handle.close()
                Console.confirm(tr("profile.synthesis.written", ["path": safe(out)]))
            }
            if context.arguments.has("--save") {
                guard let library = try DocumentLibrary.open(book.vault, profileID: book.profileID) else {
                    throw CommandFailure(.notFound, tr("profile.error.no-profile"))
                }
                let document = try synthesis.save(bytes, fileName: name, library: library, at: now)
                Console.confirm(tr("profile.synthesis.saved", ["title": safe(document.title), "id": document.id]))
            }
        }
    }

    // MARK: measures

    /// `mes profile directives`: shows the directives kept and the organ-donation rules; with
    /// answers, writes new directives (a PDF kept as an `EXPPAT_3` document, replacing the
    /// previous one); with `--file`, keeps a document the holder already has. Refused for a minor.
    static let directives = MesCommand(spec: CommandSpec(["profile", "directives"], summary: "profile.directives.command-summary", options: [
        OptionSpec("--variant", value: "serious-illness|good-health", help: "profile.option.directives-variant"),
        OptionSpec("--life-support", value: "yes|no|undecided", help: "profile.option.directives-answer"),
        OptionSpec("--sedation", value: "yes|no|undecided", help: "profile.option.directives-answer"),
        OptionSpec("--resuscitation", value: "yes|no|undecided", help: "profile.option.directives-answer"),
        OptionSpec("--machines", value: "yes|no|undecided", help: "profile.option.directives-answer"),
        OptionSpec("--surgery", value: "yes|no|undecided", help: "profile.option.directives-answer"),
        OptionSpec("--context", value: "TEXT", help: "profile.option.directives-text"),
        OptionSpec("--other-acts", value: "TEXT", help: "profile.option.directives-text"),
        OptionSpec("--wishes", value: "TEXT", help: "profile.option.directives-text"),
        OptionSpec("--file", value: "FILE", help: "profile.option.directives-file"), profileOption,
    ]).examples("profile directives", "profile directives --variant good-health --resuscitation yes --life-support no --wishes \"Mourir chez moi\"",
                "profile directives --file directives.pdf")) { context in
        let keys = ["variant"] + AdvanceDirectives.choiceKeys + AdvanceDirectives.textKeys
        var values: [String: String] = [:]
        for key in keys { if let value = context.arguments.value("--\(key)") { values[key] = value } }
        let file = context.arguments.value("--file")
        let content: [UInt8]? = try file.map { path in
            guard let data = FileManager.default.contents(atPath: (path as NSString).expandingTildeInPath) else {
                throw CommandFailure(.failure, tr("documents.error.unreadable-file", ["path": safe(path)]))
            }
            return Array(data)
        }
        return try await withBooks(context) { book, _ in
            if values.isEmpty && content == nil {
                if let current = try book.advanceDirectives() {
                    Console.output(tr("profile.directives.current", ["summary": safe(current.summary ?? current.documentID)]) + "  \(current.documentID)")
                } else {
                    Console.output(tr("profile.directives.none"))
                }
                Console.output(tr("profile.organ-donation.explanation"))
                return
            }
            guard let library = try DocumentLibrary.open(book.vault, profileID: book.profileID) else {
                throw CommandFailure(.notFound, tr("profile.error.no-profile"))
            }
            let document = if let content, let file {
                try book.attachAdvanceDirectives(fileName: (file as NSString).lastPathComponent, content: content, library: library)
            } else {
                try book.writeAdvanceDirectives(try AdvanceDirectives(values: values), library: library)
            }
            Console.confirm(tr("profile.directives.saved") + "  \(document.id)")
        }
    }

    static let list = MesCommand(spec: CommandSpec(["measures", "list"], summary: "measures.list.summary", options: [
        OptionSpec("--code", value: "MEASURE", help: "measures.option.code"), OptionSpec("--from", value: "DATE", help: "measures.option.from"),
        OptionSpec("--to", value: "DATE", help: "measures.option.to"), OptionSpec("--json", help: "profile.option.json"), profileOption,
    ]).examples("measures list --code weight --from 01/01/2026")) { context in
        let type = try context.arguments.value("--code").map(parseMeasure)
        let from = try context.arguments.value("--from").map { try parseDate($0, option: "--from") }
        let to = try context.arguments.value("--to").map { try parseDate($0, option: "--to", endOfDay: true) }
        return try await withBooks(context) { _, measures in
            let rows = try measures.measurements(type, from: from, to: to)
            if context.arguments.has("--json") {
                Console.json(try json(rows))
                return
            }
            if rows.isEmpty { Console.output(tr("measures.list.empty")) }
            for row in rows {
                Console.output("\(LocalFormat.dateTime(row.effective))  \(ProfileWording.measure(row.type))  \(ProfileWording.value(of: row))  \(safe(row.id))")
            }
        }
    }

    static let addMeasure = MesCommand(spec: CommandSpec(["measures", "add"], summary: "measures.add.summary", options: [
        OptionSpec("--date", value: "DATE", help: "measures.option.date"), OptionSpec("--unit", value: "UNIT", help: "measures.option.unit"),
        OptionSpec("--note", value: "TEXT", help: "measures.option.note"), profileOption,
    ], arguments: ["MEASURE", "VALUE"]).examples("measures add weight 72.5 --date 22/11/2026")) { context in
        let type = try parseMeasure(context.arguments.positionals[0])
        let values = try parseValues(context.arguments.positionals[1])
        let date = try context.arguments.value("--date").map { try parseDate($0, option: "--date") } ?? Date()
        return try await withBooks(context) { _, measures in
            let saved = try measures.add(type, values: values, unit: context.arguments.value("--unit"), at: date, note: context.arguments.value("--note"))
            Console.confirm(tr("measures.add.done", ["measure": ProfileWording.measure(type), "value": ProfileWording.value(of: saved[0]),
                                                    "date": LocalFormat.dateTime(saved[0].effective)]))
            if let bmi = saved.dropFirst().first { Console.confirm(tr("measures.add.bmi", ["value": ProfileWording.value(of: bmi)])) }
        }
    }

    static let editMeasure = MesCommand(spec: CommandSpec(["measures", "edit"], summary: "measures.edit.summary", options: [
        OptionSpec("--date", value: "DATE", help: "measures.option.date"), OptionSpec("--unit", value: "UNIT", help: "measures.option.unit"),
        OptionSpec("--note", value: "TEXT", help: "measures.option.note"), profileOption,
    ], arguments: ["ID"], optionalArguments: ["VALUE"]).examples("measures edit m-8 73")) { context in
        let values = try context.arguments.positionals.dropFirst().first.map(parseValues)
        let date = try context.arguments.value("--date").map { try parseDate($0, option: "--date") }
        return try await withBooks(context) { _, measures in
            let note: String?? = context.arguments.value("--note").map { .some($0.isEmpty ? nil : $0) } ?? .none
            let saved = try measures.edit(context.arguments.positionals[0], values: values, unit: context.arguments.value("--unit"), at: date, note: note)
            Console.confirm(tr("measures.edit.done", ["measure": ProfileWording.measure(saved.type), "value": ProfileWording.value(of: saved),
                                                     "date": LocalFormat.dateTime(saved.effective)]))
        }
    }

    static let deleteMeasure = MesCommand(spec: CommandSpec(["measures", "delete"], summary: "measures.delete.summary",
                                                            options: [profileOption], arguments: ["ID"]).examples("measures delete m-8")) { context in
        try await withBooks(context) { _, measures in
            try measures.delete(context.arguments.positionals[0])
            Console.confirm(tr("measures.delete.done"))
        }
    }

    static let importMeasures = MesCommand(spec: CommandSpec(["measures", "import"], summary: "measures.import.summary",
                                                             options: [yesOption, profileOption], arguments: ["FILE"]).examples("measures import tension.csv")) { context in
        let path = context.arguments.positionals[0]
        guard let data = FileManager.default.contents(atPath: path), data.count <= 20_000_000 else {
            throw CommandFailure(.failure, tr("measures.import.unreadable", ["path": safe(path)]))
        }
        return try await withBooks(context) { _, measures in
            let bytes = Array(data)
            let isJSON = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) } == UInt8(ascii: "{")
            let preview = isJSON ? try measures.previewBundle(bytes) : try measures.previewCSV(String(decoding: bytes, as: UTF8.self))
            for problem in preview.problems { Console.error(safe(ProfileWording.problem(problem))) }
            for measure in preview.measures.prefix(20) {
                Console.output("  \(LocalFormat.dateTime(measure.effective))  \(ProfileWording.measure(measure.type))  \(ProfileWording.value(of: measure))")
            }
            Console.output(ProfileWording.importCounts(preview))
            guard !preview.measures.isEmpty else { return }
            guard try confirm(context, tr("measures.import.confirm")) else {
                Console.output(tr("measures.import.cancelled"))
                return
            }
            try measures.commit(preview)
            Console.confirm(ProfileWording.imported(preview.measures.count))
        }
    }

    static let target = MesCommand(spec: CommandSpec(["measures", "target"], summary: "measures.target.summary",
                                                     options: [OptionSpec("--clear", help: "measures.option.clear"), profileOption],
                                                     arguments: ["MEASURE"], optionalArguments: ["LOW", "HIGH"]).examples("measures target hba1c 6 7")) { context in
        let type = try parseMeasure(context.arguments.positionals[0])
        guard type.allowsTarget else { throw CommandFailure(.usage, tr("measures.target.not-allowed")) }
        let bounds = try context.arguments.positionals.dropFirst().map { try parseValues($0)[0] }
        guard context.arguments.has("--clear") || (bounds.count == 2 && bounds[0] <= bounds[1]) else {
            throw UsageError(.missingValue(option: "LOW HIGH"))
        }
        return try await withBooks(context) { _, measures in
            if context.arguments.has("--clear") {
                try measures.setTarget(type, nil)
                Console.confirm(tr("measures.target.cleared", ["measure": ProfileWording.measure(type)]))
            } else {
                try measures.setTarget(type, bounds[0]...bounds[1])
                Console.confirm(tr("measures.target.done", ["measure": ProfileWording.measure(type),
                                                           "low": ProfileWording.quantity(bounds[0], unit: type.unit),
                                                           "high": ProfileWording.quantity(bounds[1], unit: type.unit)]))
            }
        }
    }

    // MARK: Helpers

    static func safe(_ text: String) -> String { TerminalUI.Sanitizer.sanitize(text) }

    static func parseRubrique(_ text: String) throws -> ProfileRubrique {
        guard let code = FieldValues.matchCode(text, in: ProfileRubrique.allCases.map(\.rawValue)), let rubrique = ProfileRubrique(rawValue: code) else {
            // Reported with the rubriques listed (MesArguments.profileRubriques).
            throw UsageError(.invalidValue(option: "RUBRIQUE", value: text))
        }
        return rubrique
    }

    static func parseMeasure(_ text: String) throws -> MeasurementType {
        guard let type = MeasureUnits.type(named: text) else {
            // Reported with the measures listed (MesArguments.measures).
            throw UsageError(.invalidValue(option: "MEASURE", value: text))
        }
        return type
    }

    /// `72,5`, `72.5`, or `130/85` for a blood pressure.
    static func parseValues(_ text: String) throws -> [Double] {
        let parts = text.split(separator: "/").map { LocalFormat.parseDecimal(String($0)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { throw CommandFailure(.usage, ProfileWording.error(.invalidValue(safe(text)))) }
        return parts.compactMap { $0 }
    }

    static func parseDate(_ text: String, option: String, endOfDay: Bool = false) throws -> Date {
        guard let date = MeasureBook.parseDate(text) else { throw UsageError(.invalidValue(option: option, value: text)) }
        if endOfDay, !text.contains(":") { return date.addingTimeInterval(12 * 3600 - 1) }
        if !text.contains(":") && !endOfDay && option != "--date" { return date.addingTimeInterval(-12 * 3600) }
        return date
    }

    static func fieldValues(_ context: MesContext, _ rubrique: ProfileRubrique) -> [String: String] {
        var values: [String: String] = [:]
        for option in fieldOptions {
            if let value = context.arguments.value(option.name) { values[String(option.name.dropFirst(2))] = value }
        }
        return values
    }

    /// `--yes`, or a "o/oui/y/yes" typed at a terminal.
    static func confirm(_ context: MesContext, _ question: String) throws -> Bool {
        if context.arguments.has("--yes") { return true }
        guard isatty(STDIN_FILENO) == 1 else { throw CommandFailure(.usage, tr("profile.delete.needs-yes")) }
        FileHandle.standardOutput.write(Data((question + " ").utf8))
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return ["o", "oui", "y", "yes"].contains(answer)
    }

    /// Opens the vault (passphrase from the prompt, a file or a descriptor), finds the space and
    /// runs `body` with its books; errors become messages and exit codes.
    static func withBooks(_ context: MesContext, _ body: (ProfileBook, MeasureBook) throws -> Void) async throws -> ExitCode {
        try await VaultCommands.withVault(context, waiting: { vault in
            guard let book = try ProfileBook.open(vault, profileID: try context.profileID(in: vault)) else {
                return CommandFailure(.notFound, tr("profile.error.no-profile"))
            }
            do {
                try body(book, MeasureBook(vault: vault, profileID: book.profileID))
            } catch let error as ProfileBookError {
                return CommandFailure(error.isNotFound ? .notFound : .failure, safe(ProfileWording.error(error)))
            } catch let error as MeasureBookError {
                return CommandFailure(.failure, safe(ProfileWording.error(error)))
            }
            return nil
        })
    }

    // MARK: JSON

    static func json(_ sections: [(rubrique: ProfileRubrique, entries: [ProfileEntry])]) throws -> String {
        let objects: [[String: Any]] = sections.map { section in
            ["rubrique": section.rubrique.rawValue, "entries": section.entries.map { entry -> [String: Any] in
                var object: [String: Any] = ["id": entry.id, "title": entry.title, "fields": entry.values, "readOnly": entry.isReadOnly]
                if let author = entry.author { object["author"] = author }
                return object
            }]
        }
        return try serialize(objects)
    }

    static func json(_ rows: [HealthMeasurement]) throws -> String {
        let formatter = ISO8601DateFormatter()
        return try serialize(rows.map { row -> [String: Any] in
            var object: [String: Any] = ["id": row.id, "measure": row.type.rawValue, "code": row.type.loinc, "date": formatter.string(from: row.effective),
                                         "unit": row.type.unit]
            if row.type == .bloodPressure {
                object["systolic"] = row.systolic ?? 0
                object["diastolic"] = row.diastolic ?? 0
            } else {
                object["value"] = row.value ?? 0
            }
            if let note = row.note { object["note"] = note }
            return object
        })
    }

    static func serialize(_ object: Any) throws -> String {
        JSONText.escapingControls(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                                         as: UTF8.self))
    }
}

extension ProfileBookError {
    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}
