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
        let visitor = Visitor(server: config.server)
        defer {
            visitor.end()
            terminal.close()
            SessionEnding.eraseTerminal()
        }
        let welcome = Runtime(app: KioskWelcome(languages: config.languages, simple: config.simpleWording, screenReader: screenReader,
                                                farewell: farewell, idleDelay: config.idleDelay, login: visitor.login),
                              backend: terminal)
        welcome.subscribe(visitor.progress)
        let welcomeCode = welcome.run()
        welcome.cancelSubscriptions()
        guard welcomeCode == 0, let vault = visitor.vault else { return false }
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
        let profile = try ProfileBook.open(vault).map { ProfileServices(book: $0, library: documents?.library) }
        let shell = AppShell(settings: settings, header: InteractiveApp.header(for: vault), store: SettingsStore.inMemory(),
                             documents: documents, agenda: agenda, session: session, sync: InteractiveApp.syncService(for: vault),
                             sharing: sharing, messages: messages, profile: profile)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.subscribe(InteractiveApp.changes(of: vault))
        let code = runtime.run()
        runtime.cancelSubscriptions()
        return code == 0
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

/// One visitor's login and session: the challenge between password and code, the ephemeral
/// vault once the code is accepted, and the first sync's progress for the welcome to show.
private final class Visitor: Sendable {
    let server: URL
    private let state = Mutex<State>(State())
    private let progressLines: AsyncStream<String>
    private let progressInput: AsyncStream<String>.Continuation

    private struct State {
        var challenge: LoginChallenge?
        var vault: Vault?
        var cleanup: Int?
    }

    init(server: URL) {
        self.server = server
        (progressLines, progressInput) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    var vault: Vault? { state.withLock { $0.vault } }

    var login: KioskLogin {
        KioskLogin(checkPassword: { [self] identifier, password in await checkPassword(identifier, password) },
                   checkCode: { [self] code in await checkCode(code) })
    }

    /// The first sync's progress, as the welcome's events.
    var progress: @Sendable (_ post: @escaping @Sendable (KioskWelcome.Event) -> Void) async -> Void {
        { [progressLines] post in
            for await line in progressLines { post(.progress(line)) }
        }
    }

    private func checkPassword(_ identifier: String, _ password: SecureBytes) async -> KioskLogin.Outcome {
        do {
            let challenge = try await LoginChallenge.start(server: server, identifier: identifier, password: password.text)
            state.withLock { $0.challenge = challenge }
            return .accepted
        } catch {
            return Self.refusal(error)
        }
    }

    private func checkCode(_ code: String) async -> KioskLogin.Outcome {
        guard let challenge = state.withLock({ $0.challenge }) else { return .restart("kiosk.error.expired-code") }
        let account: Account
        do {
            account = try await challenge.finish(oneTimeCode: code)
        } catch {
            return Self.refusal(error)
        }
        state.withLock { $0.challenge = nil }
        progressInput.yield(tr("kiosk.sync.starting"))
        do {
            let vault = try Vault.ephemeral()
            let token = SessionEnding.register { vault.close() }
            state.withLock {
                $0.vault = vault
                $0.cleanup = token
            }
            try account.save(in: vault)
            let input = progressInput
            _ = await SyncEngine(vault: vault).sync { progress in
                input.yield(tr("kiosk.sync.progress", ["count": String(progress.received)]))
            }
            return .accepted
        } catch {
            end()
            return .refused("kiosk.error.other", detail: Sanitizer.sanitize(String(describing: error)))
        }
    }

    /// The visitor is gone: the vault's key is wiped and its files removed.
    func end() {
        let (vault, token) = state.withLock { state in
            defer { state = State() }
            return (state.vault, state.cleanup)
        }
        vault?.close()
        if let token { SessionEnding.unregister(token) }
        progressInput.finish()
    }

    /// A login refusal in the kiosk's words (a text key of `KioskWelcome.words`).
    static func refusal(_ error: any Error) -> KioskLogin.Outcome {
        guard let error = error as? SyncError else { return .refused("kiosk.error.other", detail: Sanitizer.sanitize(String(describing: error))) }
        switch error.code {
        case "offline", "server-trouble": return .refused("kiosk.error.offline")
        case "login-refused:invalid-code": return .refused("kiosk.error.wrong-code")
        case "login-refused:expired-code", "login-refused:invalid-challenge": return .restart("kiosk.error.expired-code")
        case "login-refused:locked-out": return .restart("kiosk.error.locked-out")
        case _ where error.code.hasPrefix("login-refused"): return .refused("kiosk.error.wrong-password")
        default: return .refused("kiosk.error.other", detail: Sanitizer.sanitize(error.code))
        }
    }
}
