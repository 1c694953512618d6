import CLI
import FHIR
import Features
import Foundation
import HealthRecord
import L10n
import Sharing
import Sync
import TerminalUI
import Vault

/// `mes aidants invite|list|revoke` (the holder's side of a space: the user's own, or a
/// child's with `--space`), `mes invitations list|accept|refuse` (the invited person's side),
/// and `mes spaces lost` (changes made in a space lost before they were sent). Changes need the
/// server (offline: exit 5); `aidants list` reads the vault as the last sync left it.
enum AidantCommands {
    static let all: [MesCommand] = [invite, list, revoke, invitations, accept, refuse, lost]

    static let jsonOption = OptionSpec("--json", help: "spaces.cli.option.json")

    static let invite = MesCommand(spec: CommandSpec(["aidants", "invite"], summary: "aidants.cli.invite.summary", options: [
        OptionSpec("--identifier", value: "ID", help: "aidants.cli.option.identifier"),
        OptionSpec("--family", value: "NAME", help: "aidants.cli.option.family"),
        OptionSpec("--given", value: "NAME", help: "aidants.cli.option.given"),
        OptionSpec("--birth-date", value: "YYYY-MM-DD", help: "aidants.cli.option.birth-date"),
        OptionSpec("--rubriques", value: "LIST", help: "sharing.option.rubriques"),
        OptionSpec("--until", value: "YYYY-MM-DD", help: "aidants.cli.option.until"),
        OptionSpec("--legal-representative", help: "aidants.cli.option.legal"),
    ]).examples("aidants invite --identifier julien.martineau --family Martineau --given Julien --birth-date 1994-03-12 --rubriques documents,agenda --until 2027-06-30",
                "aidants invite --space lucas --legal-representative --identifier julien.martineau --family Martineau --given Julien --birth-date 1994-03-12 --until 2033-09-03")) { context in
        let arguments = context.arguments
        func required(_ option: String) throws(UsageError) -> String {
            guard let value = arguments.value(option), !value.isEmpty else { throw UsageError(.missingArgument(option)) }
            return value
        }
        let invitee = DelegationOperations.Invitee(identifier: try required("--identifier"), family: try required("--family"),
                                                   given: try required("--given"), birthDate: try required("--birth-date"))
        guard invitee.birthDate.count == 10, FHIRDateTime.parse(invitee.birthDate) != nil else {
            throw UsageError(.invalidValue(option: "--birth-date", value: invitee.birthDate))
        }
        let untilText = try required("--until")
        guard let until = FHIRDateTime.range(of: untilText)?.end, untilText.count == 10 else {
            throw UsageError(.invalidValue(option: "--until", value: untilText))
        }
        let rubriques = try SharingCommands.parseRubriques(arguments.value("--rubriques"))
        return try await withOperations(context) { operations, space in
            let consent = try await operations.invite(invitee, patient: space.id, rubriques: rubriques, until: until,
                                                      legalRepresentative: arguments.has("--legal-representative"))
            Console.output(tr("aidants.cli.invited", ["name": Sanitizer.sanitize("\(invitee.given) \(invitee.family)", policy: .name),
                                                      "space": space.described, "id": consent]))
        }
    }

    static let list = MesCommand(spec: CommandSpec(["aidants", "list"], summary: "aidants.cli.list.summary", options: [jsonOption])
        .examples("aidants list", "aidants list --space lucas --json")) { context in
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let profile = try context.profileID(in: vault) ?? SpaceWiring.list(vault).first { $0.relation == .own }?.id
        let delegations = try vault.read { try $0.records(Delegation.self).all(profile: profile) }
            .sorted { $0.start > $1.start }
        let now = Date()
        if context.arguments.has("--json") {
            Console.output(try SharingCommands.json(delegations.map { delegation in
                [
                    "id": delegation.id, "name": delegation.delegateName, "account": delegation.delegateAccount ?? NSNull(),
                    "role": delegation.role.rawValue, "status": status(delegation, now: now),
                    "rubriques": delegation.sections.map(\.rawValue).sorted(), "since": SharingCommands.iso(delegation.start),
                    "until": delegation.end.map { SharingCommands.iso($0) as Any } ?? NSNull(),
                ] as [String: Any]
            }))
            return .success
        }
        if delegations.isEmpty { Console.output(tr("aidants.cli.none")) }
        for delegation in delegations {
            Console.output(Sanitizer.sanitize(tr("aidants.cli.line", [
                "name": delegation.delegateName, "status": CaregiversScreen.status(delegation, now: now),
                "rubriques": SharingWording.sections(delegation.sections),
                "until": delegation.end.map { LocalFormat.date($0) } ?? "—", "id": delegation.id,
            ])))
        }
        return .success
    }

    /// pending, active, refused, revoked or expired (the JSON's words).
    static func status(_ delegation: Delegation, now: Date) -> String {
        switch delegation.status {
        case .proposed, .active:
            if let end = delegation.end, end <= now { return "expired" }
            return delegation.status == .proposed ? "pending" : "active"
        case .refused: return "refused"
        case .revoked: return "revoked"
        }
    }

    static let revoke = MesCommand(spec: CommandSpec(["aidants", "revoke"], summary: "aidants.cli.revoke.summary", arguments: ["ID"])
        .examples("aidants revoke delegation-julien")) { context in
        guard let consent = context.arguments.positionals.first else { throw UsageError(.missingArgument("ID")) }
        return try await withOperations(context) { operations, _ in
            try await operations.revoke(consent: consent)
            Console.output(tr("aidants.cli.revoked", ["id": Sanitizer.sanitize(consent)]))
        }
    }

    static let invitations = MesCommand(spec: CommandSpec(["invitations", "list"], summary: "invitations.cli.list.summary",
                                                          options: [jsonOption]).examples("invitations list", "invitations list --json")) { context in
        try await withOperations(context) { operations, _ in
            let list = try await operations.invitations()
            if context.arguments.has("--json") {
                Console.output(try SharingCommands.json(list.map { invitation in
                    [
                        "id": invitation.consent, "space": invitation.patient, "name": invitation.name, "status": invitation.status,
                        "role": invitation.legalRepresentation ? "legal-representative" : "caregiver",
                        "rubriques": invitation.rubriques.map(\.rawValue), "until": invitation.until.map { SharingCommands.iso($0) as Any } ?? NSNull(),
                    ] as [String: Any]
                }))
                return
            }
            if list.isEmpty { Console.output(tr("invitations.cli.none")) }
            for invitation in list {
                Console.output(Sanitizer.sanitize(tr(invitation.legalRepresentation ? "invitations.cli.line.legal" : "invitations.cli.line", [
                    "name": invitation.name, "status": CaregiversScreen.word(invitation.status),
                    "rubriques": SharingWording.sections(Set(invitation.rubriques)),
                    "until": invitation.until.map { LocalFormat.date($0) } ?? "—", "id": invitation.consent,
                ])))
            }
        }
    }

    static let accept = answerCommand("accept", summary: "invitations.cli.accept.summary", accept: true)
    static let refuse = answerCommand("refuse", summary: "invitations.cli.refuse.summary", accept: false)

    static func answerCommand(_ word: String, summary: String, accept: Bool) -> MesCommand {
        MesCommand(spec: CommandSpec(["invitations", word], summary: summary, arguments: ["ID"]).examples("invitations \(word) 3f2a9c1e")) { context in
            guard let consent = context.arguments.positionals.first else { throw UsageError(.missingArgument("ID")) }
            return try await withOperations(context) { operations, _ in
                try await operations.answer(consent: consent, accept: accept)
                Console.output(tr(accept ? "invitations.cli.accepted" : "invitations.cli.refused", ["id": Sanitizer.sanitize(consent)]))
            }
        }
    }

    static let lost = MesCommand(spec: CommandSpec(["spaces", "lost"], summary: "spaces.cli.lost.summary", options: [
        OptionSpec("--export", value: "FILE", help: "spaces.cli.option.export"),
        OptionSpec("--clear", help: "spaces.cli.option.clear"),
    ]).examples("spaces lost", "spaces lost --export changes-helene.json", "spaces lost --clear")) { context in
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let changes = try vault.read { try $0.lostChanges.all() }
        if let path = context.arguments.value("--export") {
            // What the holder needs to redo the changes: the records as they would have been sent.
            let objects: [[String: Any]] = changes.map { change in
                ["space": change.profileID, "spaceName": change.spaceName, "kind": change.kind, "id": change.recordID,
                 "operation": change.operation, "created": SharingCommands.iso(change.created), "lost": SharingCommands.iso(change.lost),
                 "record": change.payload.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? NSNull()]
            }
            let url = URL(fileURLWithPath: path)
            guard !FileManager.default.fileExists(atPath: url.path) else { throw CommandFailure(.failure, tr("spaces.cli.lost.exists")) }
            try Data(try SharingCommands.json(objects).utf8).write(to: url, options: .withoutOverwriting)
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            Console.output(trPlural("spaces.cli.lost.exported", count: changes.count, ["file": Sanitizer.sanitize(path)]))
        }
        if context.arguments.has("--clear") {
            try vault.write { try $0.lostChanges.clear() }
            Console.output(tr("spaces.cli.lost.cleared"))
            return .success
        }
        if context.arguments.value("--export") == nil {
            if changes.isEmpty { Console.output(tr("spaces.cli.lost.none")) }
            for change in changes {
                Console.output(Sanitizer.sanitize(tr("spaces.cli.lost.line", ["space": change.spaceName, "kind": change.kind, "id": change.recordID,
                                                                              "date": LocalFormat.dateTime(change.created)])))
            }
        }
        return .success
    }

    /// Opens the vault and the server's delegation operations for the space of `--space`
    /// (default: the user's own); errors become messages and exit codes.
    static func withOperations(_ context: MesContext, _ body: (DelegationOperations, SpaceSummary) async throws -> Void) async throws -> ExitCode {
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let spaces = try SpaceWiring.list(vault)
        let wanted = try context.profileID(in: vault)
        let space = spaces.first { $0.id == wanted } ?? spaces.first { $0.relation == .own }
            ?? SpaceSummary(id: "", name: "", relation: .own)
        let operations: DelegationOperations
        do { operations = try DelegationOperations(vault: vault) } catch { throw CommandFailure(.unauthorized, tr("aidants.cli.not-logged-in")) }
        do {
            try await body(operations, space)
        } catch let error as SyncError {
            switch error {
            case .offline, .serverTrouble: throw CommandFailure(.offline, tr("aidants.cli.offline"))
            case .unauthorized, .notLoggedIn: throw CommandFailure(.unauthorized, tr("aidants.cli.not-logged-in"))
            case .refused(let status, let detail):
                let code: ExitCode = status == 404 ? .notFound : .failure
                throw CommandFailure(code, refusal(detail))
            default: throw CommandFailure(.failure, Sanitizer.sanitize(error.code))
            }
        }
        return .success
    }

    /// The server's refusal in the user's words.
    static func refusal(_ detail: String?) -> String {
        switch detail {
        case "aidant-limit": tr("aidants.refused.aidant-limit", ["limit": "3"])
        case "aidant-busy": tr("aidants.refused.aidant-busy", ["limit": "5"])
        case "no-match": tr("aidants.refused.no-match")
        case "already-delegated": tr("aidants.refused.already")
        case "holder-only", "no-access": tr("aidants.refused.holder-only")
        case "not-a-minor": tr("aidants.refused.not-a-minor")
        case "representative-limit": tr("aidants.refused.representatives")
        case "self-delegation": tr("aidants.refused.self")
        default: tr("aidants.refused.other", ["detail": Sanitizer.sanitize(detail ?? "?")])
        }
    }
}
