import CLI
import Foundation
import L10n

// mes-server: the reference DMP-compatible backend (FHIR R4, IHE MHD documents).
let program = Program(
    name: "mes-server",
    summaryKey: "server.summary",
    parser: ArgumentParser(
        globalOptions: Program.standardOptions,
        commands: [],
        defaultOptions: [
            OptionSpec("--data", value: "DIR", help: "server.option.data"),
            OptionSpec("--listen", value: "ADDRESS:PORT", help: "server.option.listen"),
            OptionSpec("--seed", value: "demo|synthetic:N", help: "server.option.seed"),
            OptionSpec("--tls-cert", value: "FILE", help: "server.option.tls-cert"),
            OptionSpec("--tls-key", value: "FILE", help: "server.option.tls-key"),
        ]))

await program.main { _ in
    throw CommandFailure(.failure, tr("app.not-ready"))
}
