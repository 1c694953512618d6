import CLI
import FHIR
import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI
import Vault

/// `mes access …` and `mes history`: Partage et confidentialité from the command line. Changes
/// need the server (an unreachable one says so, exit 5); lists read the vault as the last sync
/// left it. Names from outside are sanitised; `--json` output is JSON-escaped instead.
enum SharingCommands {
    static let all: [MesCommand] = [code, list, end, block, unblock, blocked, directory, emergency, maskAll, masked, history, export]

    static let profileOption = OptionSpec("--profile", value: "ID", help: "sharing.option.profile")
    static let jsonOption = OptionSpec("--json", help: "sharing.option.json")

    static let code = MesCommand(spec: CommandSpec(["access", "code"], summary: "sharing.code.summary", options: [
        OptionSpec("--duration", value: "30m|2h|24h|7d", help: "sharing.option.duration"),
        OptionSpec("--rubriques", value: "LIST", help: "sharing.option.rubriques"),
        jsonOption, profileOption,
    ]).examples("access code --duration 24h --rubriques documents,profil", "access code --json")) { context in
        let durationText = context.arguments.value("--duration") ?? AccessDuration.twoHours.rawValue
        guard let duration = AccessDuration(rawValue: durationText) else { throw UsageError(.invalidValue(option: "--duration", value: durationText)) }
        let rubriques = try parseRubriques(context.arguments.value("--rubriques"))
        return try await withCenter(context) { center in
            let code = try await center.createCode(duration: duration, rubriques: rubriques)
            if context.arguments.has("--json") {
                Console.output(try json(["code": code.code, "consent": code.consentID, "redeemBy": code.redeemBy,
                                         "durationMinutes": code.durationMinutes, "rubriques": code.rubriques.map(\.rawValue),
                                         "qr": API.AccessCodePayload.encode(code: code.code)]))
                return
            }
            Console.output(tr("sharing.code.created", ["code": SharingWording.groupedCode(code.code)]))
            Console.output(tr("sharing.code.for", ["duration": SharingWording.duration(duration),
                                                   "rubriques": SharingWording.sections(Set(code.rubriques))]))
            if let redeemBy = FHIRDateTime.parse(code.redeemBy) {
                Console.output(tr("sharing.code.redeem-by", ["date": LocalFormat.dateTime(redeemBy)]))
            }
            Console.output(tr("sharing.code.payload", ["payload": API.AccessCodePayload.encode(code: code.code)]))
        }
    }

    static let list = MesCommand(spec: CommandSpec(["access", "list"], summary: "sharing.list.summary",
                                                   options: [jsonOption, profileOption]).examples("access list")) { context in
        try await withCenter(context) { center in
            let now = Date()
            let sessions = try center.sessions(at: now), codes = try center.pendingCodes(at: now)
            if context.arguments.has("--json") {
                Console.output(try json(sessions.map { grantObject($0, now: now) } + codes.map { grantObject($0, now: now) }))
                return
            }
            if sessions.isEmpty { Console.output(tr("sharing.list.none")) }
            for grant in sessions {
                Console.output(tr("sharing.list.session", ["professional": safe(SharingWording.professional(grant.professional)),
                                                           "via": SharingWording.via(grant.via), "id": grant.id]))
                Console.output("  " + tr("sharing.list.period", ["since": LocalFormat.dateTime(grant.created), "until": LocalFormat.dateTime(grant.expires),
                                                                 "rubriques": SharingWording.sections(grant.sections)]))
            }
            for grant in codes {
                Console.output(tr("sharing.list.code", ["until": LocalFormat.dateTime(grant.expires), "id": grant.id,
                                                        "rubriques": SharingWording.sections(grant.sections)]))
            }
        }
    }

    static let end = MesCommand(spec: CommandSpec(["access", "end"], summary: "sharing.end.summary",
                                                  options: [profileOption], arguments: ["ID"]).examples("access end grant-42")) { context in
        try await withCenter(context) { center in
            try await center.end(context.arguments.positionals[0])
            Console.output(tr("sharing.end.done"))
        }
    }

    static let block = MesCommand(spec: CommandSpec(["access", "block"], summary: "sharing.block.summary",
                                                    options: [profileOption], arguments: ["RPPS"]).examples("access block 10003456789")) { context in
        try await withCenter(context) { center in
            let entry = try await center.block(context.arguments.positionals[0])
            Console.output(tr("sharing.block.done", ["professional": safe(SharingWording.professional(entry.practitioner))]))
            Console.output(SharingWording.blockExplanation)
        }
    }

    static let unblock = MesCommand(spec: CommandSpec(["access", "unblock"], summary: "sharing.unblock.summary",
                                                      options: [profileOption], arguments: ["RPPS"]).examples("access unblock 10003456789")) { context in
        try await withCenter(context) { center in
            try await center.unblock(context.arguments.positionals[0])
            Console.output(tr("sharing.unblock.done"))
        }
    }

    static let blocked = MesCommand(spec: CommandSpec(["access", "blocked"], summary: "sharing.blocked.summary",
                                                      options: [jsonOption, profileOption]).examples("access blocked")) { context in
        try await withCenter(context) { center in
            let blocks = try center.blockedProfessionals()
            if context.arguments.has("--json") {
                Console.output(try json(blocks.map { block -> [String: Any] in
                    var object: [String: Any] = ["id": block.id, "since": iso(block.created)]
                    if case .professional(let practitioner) = block.target {
                        object["name"] = practitioner.name
                        object["rpps"] = practitioner.rpps ?? NSNull()
                    }
                    object["practitioner"] = block.practitionerID ?? NSNull()
                    return object
                }))
                return
            }
            if blocks.isEmpty { Console.output(tr("sharing.blocked.none")) }
            for block in blocks {
                guard case .professional(let practitioner) = block.target else { continue }
                let name = practitioner.name.isEmpty ? (block.practitionerID ?? "") : SharingWording.professional(practitioner)
                Console.output(tr("sharing.blocked.item", ["professional": safe(name), "since": LocalFormat.date(block.created)]))
            }
            Console.output(SharingWording.blockExplanation)
        }
    }

    static let directory = MesCommand(spec: CommandSpec(["access", "directory"], summary: "sharing.directory.summary",
                                                        options: [profileOption], arguments: ["NAME|RPPS"]).examples("access directory Dupont")) { context in
        try await withCenter(context) { center in
            let found = try await center.searchDirectory(context.arguments.positionals[0])
            if found.isEmpty { Console.output(tr("sharing.directory.none")) }
            for entry in found { Console.output(safe(SharingWording.professional(entry.practitioner))) }
        }
    }

    static let emergency = MesCommand(spec: CommandSpec(["access", "emergency"], summary: "sharing.emergency.summary", options: [
        OptionSpec("--samu", value: "on|off", help: "sharing.option.samu"),
        OptionSpec("--bris-de-glace", value: "on|off", help: "sharing.option.bris-de-glace"),
        OptionSpec("--masked", value: "on|off", help: "sharing.option.masked"),
        jsonOption, profileOption,
    ]).examples("access emergency", "access emergency --samu off")) { context in
        let samu = try onOff(context, "--samu"), glass = try onOff(context, "--bris-de-glace"), masked = try onOff(context, "--masked")
        return try await withCenter(context) { center in
            let policy = if samu == nil && glass == nil && masked == nil {
                try await center.policy()
            } else {
                try await center.setPolicy { policy in
                    if let samu { policy.opposeSamu = !samu }
                    if let glass { policy.opposeEmergency = !glass }
                    if let masked { policy.maskedVisibleInEmergency = masked }
                }
            }
            if context.arguments.has("--json") {
                Console.output(try json(["samu": !policy.opposeSamu, "brisDeGlace": !policy.opposeEmergency,
                                         "maskedVisibleInEmergency": policy.maskedVisibleInEmergency]))
                return
            }
            for (key, on) in [("sharing.emergency.samu", !policy.opposeSamu), ("sharing.emergency.bris-de-glace", !policy.opposeEmergency),
                              ("sharing.emergency.masked", policy.maskedVisibleInEmergency)] {
                Console.output(tr("sharing.screen.choice", ["label": tr(key), "state": tr(on ? "sharing.state.on" : "sharing.state.off")]))
            }
        }
    }

    static let maskAll = MesCommand(spec: CommandSpec(["access", "mask-all"], summary: "sharing.mask-all.summary",
                                                      options: [profileOption], optionalArguments: ["on|off"]).examples("access mask-all on")) { context in
        let wanted: Bool? = switch context.arguments.positionals.first {
        case nil: nil
        case "on": true
        case "off": false
        case let other?: throw UsageError(.invalidValue(option: "on|off", value: other))
        }
        return try await withCenter(context) { center in
            let policy = if let wanted { try await center.setPolicy { $0.maskAllDocuments = wanted } } else { try await center.policy() }
            Console.output(tr(policy.maskAllDocuments ? "sharing.mask-all.on" : "sharing.mask-all.off"))
        }
    }

    static let masked = MesCommand(spec: CommandSpec(["access", "masked"], summary: "sharing.masked.summary",
                                                     options: [profileOption]).examples("access masked")) { context in
        try await withCenter(context) { center in
            let documents = try center.maskedDocuments()
            if documents.isEmpty { Console.output(tr("sharing.masked.none")) }
            for document in documents {
                Console.output("\(LocalFormat.date(document.creationDate))  \(safe(document.title)) — \(safe(document.author.name))  \(safe(document.id))")
            }
        }
    }

    static let history = MesCommand(spec: CommandSpec(["history"], summary: "sharing.history.summary", options: [
        OptionSpec("--actor", value: "NAME", help: "sharing.option.actor"),
        OptionSpec("--role", value: "professional|caregiver|service|holder", help: "sharing.option.role"),
        OptionSpec("--kind", value: "read|create|update|delete|access-granted|emergency-access", help: "sharing.option.kind"),
        OptionSpec("--from", value: "DATE", help: "sharing.option.from"),
        OptionSpec("--to", value: "DATE", help: "sharing.option.to"),
        OptionSpec("--mine", help: "sharing.option.mine"),
        jsonOption, profileOption,
    ]).examples("history --role professional --from 01/11/2026", "history --json")) { context in
        var filter = HistoryFilter(actor: context.arguments.value("--actor"))
        if context.arguments.has("--mine") { filter.roles = [.holder] }
        if let role = context.arguments.value("--role") {
            guard let parsed = AuditEntry.ActorRole(rawValue: role) else { throw UsageError(.invalidValue(option: "--role", value: role)) }
            filter.roles = [parsed]
        }
        if let kind = context.arguments.value("--kind") {
            guard let parsed = AuditEntry.Action(rawValue: kind) else { throw UsageError(.invalidValue(option: "--kind", value: kind)) }
            filter.actions = [parsed]
        }
        filter.from = try day(context, "--from")
        filter.to = try day(context, "--to").map { $0.addingTimeInterval(86_400) }
        return try await withCenter(context) { center in
            let entries = try center.history(filter)
            let seen = try center.historySeen() ?? .distantPast
            if context.arguments.has("--json") {
                Console.output(try json(entries.map { entry -> [String: Any] in
                    ["id": entry.id, "date": iso(entry.date), "actor": entry.actorName, "role": entry.actorRole.rawValue,
                     "rpps": entry.actorRPPS ?? NSNull(), "action": entry.action.rawValue, "target": entry.targetID ?? NSNull(),
                     "targetKind": entry.targetKind?.rawValue ?? NSNull(), "via": entry.via?.rawValue ?? NSNull(), "new": entry.date > seen]
                }))
                return
            }
            if entries.isEmpty { Console.output(tr("sharing.history.none")) }
            for entry in entries {
                Console.output((entry.date > seen ? "* " : "  ") + safe(SharingWording.historyLine(entry)))
            }
        }
    }

    static let export = MesCommand(spec: CommandSpec(["export"], summary: "sharing.export.summary", options: [
        OptionSpec("--fhir", value: "FILE", help: "sharing.option.fhir"), profileOption,
    ]).examples("export --fhir ~/mon-espace.json")) { context in
        guard let path = context.arguments.value("--fhir") else { throw UsageError(.missingValue(option: "--fhir")) }
        return try await withCenter(context) { center in
            Console.error(tr("sharing.export.warning"))
            let count = try await center.exportFHIR(to: path, kiosk: false)
            Console.output(tr("sharing.export.done", ["count": String(count), "path": safe(path)]))
        }
    }

    // MARK: Helpers

    static func safe(_ text: String) -> String { TerminalUI.Sanitizer.sanitize(text) }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func parseRubriques(_ text: String?) throws(UsageError) -> [HealthRecord.Section] {
        guard let text else { return [.documents] }
        var rubriques: [HealthRecord.Section] = []
        for word in text.split(separator: ",") {
            guard let rubrique = HealthRecord.Section(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError(.invalidValue(option: "--rubriques", value: String(word)))
            }
            if !rubriques.contains(rubrique) { rubriques.append(rubrique) }
        }
        guard !rubriques.isEmpty else { throw UsageError(.invalidValue(option: "--rubriques", value: text)) }
        return rubriques
    }

    static func onOff(_ context: MesContext, _ option: String) throws(UsageError) -> Bool? {
        switch context.arguments.value(option) {
        case nil: return nil
        case "on": return true
        case "off": return false
        case let other?: throw UsageError(.invalidValue(option: option, value: other))
        }
    }

    static func day(_ context: MesContext, _ option: String) throws(UsageError) -> Date? {
        guard let text = context.arguments.value(option) else { return nil }
        guard let day = CalendarDate(iso: text), let instant = LocalFormat.instant(DateComponents(year: day.year, month: day.month, day: day.day)) else {
            throw UsageError(.invalidValue(option: option, value: text))
        }
        return instant
    }

    static func grantObject(_ grant: AccessGrant, now: Date) -> [String: Any] {
        [
            "id": grant.id, "status": grant.effectiveStatus(at: now).rawValue, "via": (grant.via ?? .code).rawValue,
            "professional": grant.professional?.name ?? NSNull(), "rpps": grant.professional?.rpps ?? NSNull(),
            "specialty": grant.professional?.specialty ?? NSNull(), "practitioner": grant.practitionerID ?? NSNull(),
            "since": iso(grant.created), "until": iso(grant.expires), "sections": grant.sections.map(\.rawValue).sorted()
        ]
    }

    static func json(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }

    /// Opens the vault, finds the space and runs `body` with its center; errors become messages
    /// and exit codes (offline 5, not logged in 7, not found 8).
    static func withCenter(_ context: MesContext, _ body: (SharingCenter) async throws -> Void) async throws -> ExitCode {
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        guard let center = try SharingCenter.open(vault, profileID: try context.profileID(in: vault)) else {
            throw CommandFailure(.notFound, tr("sharing.error.no-profile"))
        }
        do {
            try await body(center)
        } catch let error as SharingError {
            let code: ExitCode = switch error {
            case .offline: .offline
            case .notLoggedIn: .unauthorized
            case .notFound: .notFound
            case .refused, .alreadyBlocked, .output: .failure
            case .contentsMissing: .offline
            }
            throw CommandFailure(code, safe(SharingWording.error(error)))
        }
        return .success
    }
}
