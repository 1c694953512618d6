import CLI
import FHIR
import Foundation
import L10n
import Sharing

/// `mes services list|connect|disconnect`: the catalogue de services. Each needs the server
/// (an unreachable one says so, exit 5). Names from the catalogue are sanitised.
enum ServiceCommands {
    static let all: [MesCommand] = [list, connect, disconnect]

    static let list = MesCommand(spec: CommandSpec(["services", "list"], summary: "sharing.services.list.summary",
                                                   options: [SharingCommands.jsonOption, SharingCommands.profileOption])
        .examples("services list", "services list --json")) { context in
        try await SharingCommands.withCenter(context) { center in
            let services = try await center.services()
            if context.arguments.has("--json") {
                Console.output(JSONText.escapingControls(JSON.array(services.map(\.json)).text))
                return
            }
            for entry in services { describe(entry) }
        }
    }

    static let connect = MesCommand(spec: CommandSpec(["services", "connect"], summary: "sharing.services.connect.summary", options: [
        OptionSpec("--finalities", value: "LIST", help: "sharing.option.finalities"), SharingCommands.profileOption,
    ], arguments: ["ID"]).examples("services connect tensio --finalities mesures", "services connect rdv-express")) { context in
        let id = context.arguments.positionals.first ?? ""
        let finalities = context.arguments.value("--finalities").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return try await SharingCommands.withCenter(context) { center in
            let entry = try await center.connect(service: id, finalities: finalities)
            Console.output(tr("sharing.services.connected", ["service": SharingCommands.safe(entry.name)]))
            describe(entry)
        }
    }

    static let disconnect = MesCommand(spec: CommandSpec(["services", "disconnect"], summary: "sharing.services.disconnect.summary",
                                                         options: [SharingCommands.profileOption], arguments: ["ID"])
        .examples("services disconnect tensio")) { context in
        let id = context.arguments.positionals.first ?? ""
        return try await SharingCommands.withCenter(context) { center in
            let name = (try await center.services()).first { $0.id == id }?.name ?? id
            try await center.disconnect(service: id)
            Console.output(tr("sharing.services.disconnected", ["service": SharingCommands.safe(name)]))
        }
    }

    /// A service, its state, and each finalité with what it reads and writes ([x] consented).
    static func describe(_ entry: API.ServiceEntry) {
        let safe = SharingCommands.safe
        Console.output("\(safe(entry.name)) (\(safe(entry.id))) — \(SharingWording.serviceState(entry))")
        if !entry.summary.isEmpty { Console.output("  " + safe(entry.summary)) }
        let chosen = Set(entry.connection?.finalities ?? [])
        for finality in entry.finalities {
            Console.output("  [\(chosen.contains(finality.id) ? "x" : " ")] \(safe(finality.title)) (\(safe(finality.id))) — \(SharingWording.exchanges(finality))")
        }
    }
}
