import CLI
import Foundation
import L10n
import SystemShim

// mes: the terminal companion for Mon espace santé.
// Health data may sit in this process's memory: never let it reach a core dump.
_ = mes_disable_core_dumps()

let program = Program(
    name: "mes",
    summaryKey: "mes.summary",
    parser: ArgumentParser(
        globalOptions: MesOptions.global,
        commands: MesCommands.all.map(\.spec),
        defaultOptions: MesOptions.interactive),
    epilogueKeys: ["mes.help.epilogue"])

await program.main { arguments in
    let context = try MesContext(arguments: arguments)
    if let command = MesCommands.all.first(where: { $0.spec.path == arguments.command }) {
        return try await command.run(context)
    }
    return try await InteractiveApp.run(context)
}
