import CLI
import Foundation
import L10n

// mes-server: the reference DMP-compatible backend (FHIR R4, IHE MHD documents).
let program = Program(
    name: "mes-server",
    summaryKey: "server.summary",
    parser: ArgumentParser(
        globalOptions: Program.standardOptions,
        commands: ProCommand.specs + ProMessageCommand.specs + ImportCommand.specs,
        defaultOptions: ServeCommand.options),
    epilogueKeys: ["server.help.epilogue"],
    manSection: 8,
    manSections: [
        ManSection(heading: "man.heading.files", entries: [
            ("/lib/systemd/system/mes-server.service", "man.server.files.unit"), ("/var/lib/mes-server/", "man.server.files.state"),
        ]),
    ])

await program.main { arguments in
    if arguments.command.first == "pro" {
        return try await ProCommand.run(arguments)
    }
    if arguments.command.first == "import" { return try ImportCommand.run(arguments) }
    return try ServeCommand.run(arguments)
}
