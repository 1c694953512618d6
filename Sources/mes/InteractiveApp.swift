import Agenda
import CLI
import Documents
import Features
import Messaging
import Sharing
import Foundation
import MedicalProfile
import HealthRecord
import L10n
import Sync
import TerminalUI
import Vault

/// The interactive terminal app (`mes` with no command).
enum InteractiveApp {
    @MainActor
    static func run(_ context: MesContext) async throws -> ExitCode {
        // A kiosk serves visitor after visitor: its own loop (Docs/kiosk.md).
        if context.arguments.has("--kiosk") { return try await KioskMode.run(context) }
        // The demo leaves nothing behind, not even display preferences: they live in memory, and
        // the user's own settings.json is neither read nor written.
        let ephemeral = context.arguments.has("--demo")
        let store = ephemeral ? SettingsStore.inMemory() : SettingsStore(directory: context.home)
        if ephemeral {
            // What a killed session left goes first.
            SessionEnding.sweep()
        }
        // Every ending cleans up, the user's own sessions too: a terminal that goes away (SIGHUP)
        // or a SIGTERM closes the vault (its key wiped, its WAL checkpointed) and erases the
        // screen, rather than leaving a process with the vault open and nobody at the keys.
        SessionEnding.install(kiosk: false)
        // Set before anything touches networking (the demo's login is the first).
        let scratch = ephemeral ? try FoundationScratch.redirect() : nil
        if let scratch { SessionEnding.register { try? FileManager.default.removeItem(at: scratch) } }
        defer { scratch.map { try? FileManager.default.removeItem(at: $0) } }
        var settings = store.load() ?? AppSettings(language: Localizer.shared.language)
        if context.arguments.value("--lang") != nil {
            settings.language = Localizer.shared.language
        }
        if context.arguments.has("--screen-reader") {
            settings.screenReader = true
        }
        // `--demo` brings its own server, account and ephemeral vault, with no question asked.
        let demo = context.arguments.has("--demo") ? try await DemoSession.start(report: Console.info) : nil
        defer { demo?.close() }
        if let demo { SessionEnding.register { demo.close() } }
        // The vault is unlocked before the terminal switches screens, so the passphrase prompt
        // (or its file or descriptor) works as for every other command.
        var opened = try demo?.vault ?? openVaultIfPresent(context)
        if opened == nil, demo == nil, isatty(0) == 1, isatty(1) == 1 {
            // No vault yet: the first run makes it, logs in and syncs (nothing to read first).
            switch try FirstRunFlow.run(context, screenReader: settings.screenReader) {
            case .opened(let vault): opened = vault
            case .explore: break
            case .quit: return .success
            }
        }
        let vault = opened
        defer { vault?.close() }
        if let vault, demo == nil { SessionEnding.register { vault.close() } }
        // Every section works in the active space: the one open last, else the user's own.
        let space = try vault.flatMap { try SpaceWiring.initial($0) }
        let bundle = try vault.flatMap { vault in try space.map { try SpaceWiring.open($0, vault: vault) } }
        let spaces = vault.map { SpaceWiring.services($0) }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(environment: context.environment)
        } catch {
            throw CommandFailure(.failure, error.description)
        }
        let header = vault.map(Self.header(for:)) ?? HeaderInfo()
        let session = vault.map { SessionControl.forVault($0) }
        let sync = vault.flatMap { syncService(for: $0) }
        let runtime = Runtime(app: AppShell(settings: settings, header: header, store: store, documents: bundle?.documents,
                                            agenda: bundle?.agenda, session: session, sync: sync, sharing: bundle?.sharing,
                                            messages: bundle?.messages, profile: bundle?.profile, home: bundle?.home, spaces: spaces,
                                            activeSpace: bundle?.space),
                              backend: terminal)
        if let vault { runtime.subscribe(changes(of: vault)) }
        let code = runtime.run()
        runtime.cancelSubscriptions()
        terminal.close()
        if ephemeral {
            SessionEnding.eraseTerminal()
            demo?.close()
            scratch.map { try? FileManager.default.removeItem(at: $0) }
            SessionEnding.finish()
        }
        return ExitCode(rawValue: code) ?? .failure
    }

    /// The Documents section's services for a space (nil before the first sync).
    /// Contents not in the vault yet are fetched on demand when an account is logged in.
    /// `printer`: a kiosk's configured CUPS queue (none: a kiosk does not print).
    static func documentsServices(kiosk: Bool, printer: String? = nil, profileID: String? = nil) -> (Vault) throws -> DocumentsServices? {
        { vault in
            guard let library = try DocumentLibrary.open(vault, profileID: profileID) else { return nil }
            var fetch: (@Sendable (Document) async throws -> [UInt8])?
            var maskAll: (@Sendable (Bool) async throws -> Void)?
            if try Account.stored(in: vault) != nil {
                let engine = SyncEngine(vault: vault)
                fetch = { document in try await engine.fetchContent(of: document.id).bytes }
                // "Mask all my documents" is the server's policy, set through the sharing center.
                if let center = try SharingCenter.open(vault) {
                    maskAll = { on in try await center.setPolicy { $0.maskAllDocuments = on } }
                }
            }
            let canPrint = DocumentOutput.canPrint() && (!kiosk || printer != nil)
            return DocumentsServices(library: library, kiosk: kiosk, canPrint: canPrint, printer: printer, fetchContent: fetch,
                                     setMaskAllPolicy: maskAll)
        }
    }

    /// The Agenda section's services for a space (nil before the first sync).
    static func agendaServices(kiosk: Bool, profileID: String? = nil) -> (Vault) throws -> AgendaServices? {
        { vault in
            // The prevention calendar is read when first needed (the Accueil's recommendations,
            // off the UI thread), not before the first frame.
            guard let book = try AgendaBook.open(vault, profileID: profileID, calendar: nil) else { return nil }
            return AgendaServices(book: book, kiosk: kiosk)
        }
    }

    /// The Messagerie's services for the vault's own space (nil before the first sync): its
    /// documents for the picker, and the pharmacy directory when an account is logged in.
    static func messagesServices(kiosk: Bool, profileID: String? = nil) -> (Vault) throws -> MessagesServices? {
        { vault in
            guard let messenger = try Messenger.open(vault, profileID: profileID) else { return nil }
            var pharmacies: (@Sendable (String) async throws -> [PharmacyEntry])?
            let account = try Account.stored(in: vault)
            if account != nil {
                let engine = SyncEngine(vault: vault)
                let profileID = messenger.profileID
                pharmacies = { search in try await engine.pharmacies(for: profileID, search: search) }
            }
            let own = try messenger.profile()
            let author = own?.relation == .delegated ? account?.displayName : nil
            return MessagesServices(messenger: messenger, library: try DocumentLibrary.open(vault, profileID: messenger.profileID), kiosk: kiosk,
                                    author: author, pharmacies: pharmacies)
        }
    }

    /// What the header says about an open vault: the holder's own space, how the last sync
    /// went, and how many local changes wait to be sent.
    static func header(for vault: Vault) -> HeaderInfo {
        let (profile, lastSync, pending) = (try? vault.read { session in
            (try session.profiles.all().first { $0.relation == .own }, try SyncSettings.lastSync(session), try session.outbox.count())
        }) ?? (nil, nil, 0)
        let account = try? Account.stored(in: vault)
        let sync: SyncState = lastSync.map { syncState($0.outcome) } ?? (account == nil ? .notConnected : .failed)
        return HeaderInfo(profileName: profile?.displayName ?? account?.displayName, sync: sync, pending: pending, lock: .unlocked)
    }

    /// The header's word for a sync outcome.
    static func syncState(_ outcome: String) -> SyncState {
        switch SyncReport.Outcome(rawValue: outcome) {
        case .complete?: .upToDate
        case .offline?: .offline
        case .unauthorized?: .unauthorized
        case .incomplete?, nil: .failed
        }
    }

    /// How the app syncs a vault logged in to an account (nil otherwise): the sync engine, off
    /// the UI; the app runs it as it starts, a moment after each local change, and on `$`.
    static func syncService(for vault: Vault) -> SyncService? {
        guard (try? Account.stored(in: vault)) != nil else { return nil }
        let engine = SyncEngine(vault: vault)
        return SyncService {
            let report = await engine.sync()
            let notices = report.lostChanges.map { lost in
                let space = Sanitizer.sanitize(lost.spaceName, policy: .name)
                return lost.count > 0 ? trPlural("spaces.lost.reported", count: lost.count, ["space": space]) : tr("spaces.lost.ended", ["space": space])
            }
            return SyncResult(state: syncState(report.outcome.rawValue), pending: report.pending, received: report.received,
                              lostSpaces: report.lostChanges.map(\.profileID), notices: notices)
        }
    }

    /// The vault's change notifications, as the shell's events: which kinds of records changed,
    /// and how many local changes wait in the outbox now.
    static func changes(of vault: Vault) -> @Sendable (_ post: @escaping @Sendable (AppShell.Event) -> Void) async -> Void {
        { post in
            for await change in vault.changes() {
                let pending = change.outboxChanged ? (try? vault.read { try $0.outbox.count() }) : nil
                let kinds = Set(change.records.keys.map(\.rawValue))
                guard !kinds.isEmpty || pending != nil else { continue }
                post(.dataChanged(kinds: kinds, pending: pending))
            }
        }
    }

    /// The vault of `--home`, opened with its passphrase, when there is one.
    static func openVaultIfPresent(_ context: MesContext) throws -> Vault? {
        let directory = VaultDirectory(context.home)
        guard directory.exists else { return nil }
        var vault: Vault?
        _ = try VaultCommands.run(directory) { vault = try VaultCommands.openVault(context, directory) }
        return vault
    }
}
