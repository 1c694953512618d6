import CLI
import Crypto
import Foundation
import L10n
import SystemShim
import TerminalUI
import Vault

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
    epilogueKeys: ["mes.help.epilogue"],
    manSection: 1,
    manSections: MesOptions.manSections,
    versionDetails: {
        ["SQLite \(Vault.sqliteVersion)", "libsodium \(Sodium.libraryVersion)", CursesTerminal.libraryVersion]
    })

await program.main(language: MesContext.configuredLanguage(environment: ProcessInfo.processInfo.environment)) { arguments in
    let context = try MesContext(arguments: arguments)
    do {
        if let command = MesCommands.all.first(where: { $0.spec.path == arguments.command }) {
            return try await command.run(context)
        }
        return try await InteractiveApp.run(context)
    } catch let error as VaultError {
        // Met after the vault opened (a damaged page read by the command itself): the vault
        // commands' words and exit codes, not the error's name.
        throw CommandFailure(VaultCommands.exitCode(for: error), error.message(directory: VaultDirectory(context.home)))
    } catch let error where !(error is CommandFailure) && !(error is UsageError) {
        // Any other error's description may carry text from outside (a server, a file).
        throw CommandFailure(.failure, Sanitizer.sanitize(String(describing: error)))
    }
}
