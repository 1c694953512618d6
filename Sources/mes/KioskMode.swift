import CLI
import Crypto
import Documents
import MedicalProfile
import Features
import Foundation
import L10n
import Sharing
import Synchronization
import Sync
import TerminalUI
import Vault

/// `mes --kiosk`: one process serves visitor after visitor on a shared terminal (a maison France
/// services). For each: the welcome (language, then login with the one-time code), an ephemeral
/// vault whose key lives only in memory, the first sync, then the app with "Terminer ma session"
/// always in view. However the session ends — the visitor, the idle delay, a signal — the key is
/// wiped, the files removed, screen and scrollback erased; then the welcome comes back, or, on
/// SIGTERM/SIGHUP/SIGINT, the process ends (DESIGN.md §10, Docs/kiosk.md).
enum KioskMode {
    @MainActor
    static func run(_ context: MesContext) async throws -> ExitCode {
        let config = try KioskConfig.load(path: context.arguments.value("--kiosk-config") ?? KioskConfig.defaultPath)
        SessionEnding.sweep()
        SessionEnding.install(kiosk: true)
        lockDownEnvironment()
        // Foundation's per-user folders for networking, in a private folder emptied after each visitor.
        let scratch = try FoundationScratch.redirect()
        SessionEnding.register { try? FileManager.default.removeItem(at: scratch) }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let screenReader = context.arguments.has("--screen-reader")
        var farewell = false
        while true {
            let ended = try visit(context: context, config: config, screenReader: screenReader, farewell: farewell)
            emptyFolder(scratch)
            guard ended else {
                try? FileManager.default.removeItem(at: scratch)
                SessionEnding.finish()
                return .success
            }
            farewell = true
        }
    }

    /// One visitor, from the welcome to the end of the session. Returns false when the terminal
    /// went away (then the process ends).
    @MainActor
    private static func visit(context: MesContext, config: KioskConfig, screenReader: Bool, farewell: Bool) throws -> Bool {
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(environment: context.environment, raw: true)
        } catch {
            throw CommandFailure(.failure, error.description)
        }
        let login = LoginFlow(ephemeral: true) { try Vault.ephemeral() }
        defer {
            login.end()
            terminal.close()
            SessionEnding.eraseTerminal()
        }
        let welcome = Runtime(app: KioskWelcome(languages: config.languages, simple: config.simpleWording, screenReader: screenReader,
                                                farewell: farewell, idleDelay: config.idleDelay, login: checks(login, config.server)),
                              backend: terminal)
        welcome.subscribe(login.progress { KioskWelcome.Event.progress($0) })
        let welcomeCode = welcome.run()
        welcome.cancelSubscriptions()
        guard welcomeCode == 0, let vault = login.vault else { return false }
        let language = welcome.app.language
        var settings = AppSettings(language: language)
        settings.screenReader = screenReader
        var session = SessionControl.forVault(vault)
        session.kiosk = true
        session.idleDelay = config.idleDelay
        session.idleWarning = config.warning
        let documents = try InteractiveApp.documentsServices(kiosk: true, printer: config.printer)(vault)
        let agenda = try InteractiveApp.agendaServices(kiosk: true)(vault)
        let messages = try InteractiveApp.messagesServices(kiosk: true)(vault)
        let sharing = try SharingCenter.open(vault).map { SharingServices(center: $0, kiosk: true) }
        let profile = try ProfileBook.open(vault).map { book in
            var services = ProfileServices(book: book, library: documents?.library)
            services.kiosk = true
            return services
        }
        let shell = AppShell(settings: settings, header: InteractiveApp.header(for: vault), store: SettingsStore.inMemory(),
                             documents: documents, agenda: agenda, session: session, sync: InteractiveApp.syncService(for: vault),
                             sharing: sharing, messages: messages, profile: profile)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.subscribe(InteractiveApp.changes(of: vault))
        let code = runtime.run()
        runtime.cancelSubscriptions()
        return code == 0
    }

    /// The welcome's checks: a visitor's login into an ephemeral vault, refusals in the kiosk's words.
    private static func checks(_ login: LoginFlow, _ server: URL) -> KioskLogin {
        KioskLogin(checkPassword: { identifier, password in
            outcome(await login.start(server: server, identifier: identifier, password: password.text))
        }, checkCode: { code in
            outcome(await login.finish(code: code))
        })
    }

    static func outcome(_ refusal: LoginFlow.Refusal?) -> KioskLogin.Outcome {
        switch refusal {
        case nil: .accepted
        case .wrongPassword?: .refused("kiosk.error.wrong-password")
        case .wrongCode?: .refused("kiosk.error.wrong-code")
        case .expiredCode?: .restart("kiosk.error.expired-code")
        case .lockedOut?: .restart("kiosk.error.locked-out")
        case .offline?: .refused("kiosk.error.offline")
        case .other(let reason)?: .refused("kiosk.error.other", detail: reason)
        }
    }

    /// Nothing the kiosk starts (`lp`) may open a shell, an editor or a pager.
    private static func lockDownEnvironment() {
        for name in ["EDITOR", "VISUAL", "PAGER", "BROWSER"] { unsetenv(name) }
        setenv("SHELL", "/bin/false", 1)
        setenv("LESSSECURE", "1", 1)
    }

    private static func emptyFolder(_ folder: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
