import CLI
import Features
import Foundation
import HealthRecord
import L10n
import TerminalUI
import Vault

/// `mes spaces list`: the spaces this vault holds (the user's own, children's, the people the
/// user is aidant for), as the last sync left them. `--space ID|me|NAME` (a global option)
/// chooses the space every other command works in.
enum SpaceCommands {
    static let all: [MesCommand] = [list]

    static let list = MesCommand(spec: CommandSpec(["spaces", "list"], summary: "spaces.cli.list.summary",
                                                   options: [OptionSpec("--json", help: "spaces.cli.option.json")])
        .examples("spaces list", "spaces list --json")) { context in
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let spaces = try SpaceWiring.list(vault)
        let active = try vault.read { try $0.settings.value(SpaceWiring.activeKey, as: String.self) } ?? spaces.first?.id
        if context.arguments.has("--json") {
            let objects: [[String: Any]] = spaces.map { space in
                [
                    "id": space.id, "name": space.name, "relation": space.relation.rawValue, "active": space.id == active,
                    "rubriques": space.rubriques.map { $0.map(\.rawValue).sorted() as Any } ?? NSNull(),
                    "until": space.until.map { SharingCommands.iso($0) as Any } ?? NSNull(),
                ]
            }
            Console.output(try SharingCommands.json(objects))
            return .success
        }
        if spaces.isEmpty { Console.output(tr("spaces.cli.none")) }
        for space in spaces {
            var line = "\(space.id)  \(space.described)"
            if let rubriques = space.rubriques {
                line += ". " + tr("spaces.rubriques", ["list": rubriques.sorted().map(SpaceSummary.rubriqueName).joined(separator: ", ")])
            }
            if let until = space.until { line += ", " + tr("spaces.until", ["date": LocalFormat.date(until)]) }
            if space.id == active { line += " " + tr("spaces.active") }
            Console.output(Sanitizer.sanitize(line))
        }
        return .success
    }
}

extension MesContext {
    /// The space a command works in: `--profile ID` (older spelling), else `--space ID|me|NAME`,
    /// else nil (the user's own). A `--space` that names no space, or several, is refused.
    func profileID(in vault: Vault) throws -> String? {
        if let profile = arguments.value("--profile") { return profile }
        guard let wanted = arguments.value("--space") else { return nil }
        guard let space = try SpaceWiring.resolve(wanted, in: vault) else {
            throw CommandFailure(.notFound, tr("spaces.cli.unknown", ["space": Sanitizer.sanitize(wanted)]))
        }
        return space.id
    }
}
