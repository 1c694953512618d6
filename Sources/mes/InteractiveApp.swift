import CLI
import Features
import Foundation
import L10n
import TerminalUI

/// The interactive terminal app (`mes` with no command).
enum InteractiveApp {
    @MainActor
    static func run(_ context: MesContext) async throws -> ExitCode {
        let kiosk = context.arguments.has("--kiosk")
        // A kiosk leaves nothing behind, not even display preferences.
        let store = kiosk ? nil : SettingsStore(directory: context.home)
        var settings = store?.load() ?? AppSettings(language: Localizer.shared.language)
        if context.arguments.value("--lang") != nil {
            settings.language = Localizer.shared.language
        }
        if context.arguments.has("--screen-reader") {
            settings.screenReader = true
        }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(environment: context.environment, raw: kiosk)
        } catch {
            throw CommandFailure(.failure, error.description)
        }
        let runtime = Runtime(app: AppShell(settings: settings, store: store), backend: terminal)
        let code = runtime.run()
        terminal.close()
        return ExitCode(rawValue: code) ?? .failure
    }
}
