import CLI
import L10n

/// The interactive terminal app (`mes` with no command).
enum InteractiveApp {
    static func run(_ context: MesContext) async throws -> ExitCode {
        throw CommandFailure(.failure, tr("app.not-ready"))
    }
}
