import Foundation
import HealthRecord
import L10n
import TerminalUI

public enum LockState: Hashable, Sendable {
    case noVault
    case locked
    case unlocked

    public var word: String {
        switch self {
        case .noVault: tr("header.lock.no-vault")
        case .locked: tr("header.lock.locked")
        case .unlocked: tr("header.lock.unlocked")
        }
    }
}

/// What the header says: whose space is open, for whom the user acts, sync and lock state.
public struct HeaderInfo: Hashable, Sendable {
    /// The active profile's display name (from outside: sanitised as a name when drawn).
    public var profileName: String?
    /// Set when the user acts as an aidant for someone else's space.
    public var actingFor: String?
    /// How the last sync ended (the shell keeps the truth from then on).
    public var sync: SyncState
    /// Local changes waiting to be sent when the app starts.
    public var pending: Int
    public var lock: LockState

    public init(profileName: String? = nil, actingFor: String? = nil, sync: SyncState = .notConnected, pending: Int = 0,
                lock: LockState = .noVault) {
        self.profileName = profileName
        self.actingFor = actingFor
        self.sync = sync
        self.pending = pending
        self.lock = lock
    }
}

/// The app: header, the sections (a side list from 120 columns, a one-line tab bar below), the
/// current section's screen, a message line with its history, a key bar, the help, dialogs, the
/// lock screen and sync. An `Application` for the TerminalUI runtime.
public struct AppShell: Application {
    /// What reaches the shell from outside the keyboard.
    public enum Event: Sendable {
        /// The result of a screen's effect, tagged with the section it goes back to.
        case screen(AppSection, any Sendable)
        /// New header facts from the core (active profile, lock).
        case header(HeaderInfo)
        /// A sync ended.
        case synced(SyncResult)
        /// The vault changed (any writer: this app, a sync): the kinds of records that changed,
        /// and how many local changes wait in the outbox now (nil: unknown).
        case dataChanged(kinds: Set<String>, pending: Int?)
        /// How a passphrase typed on the lock screen went.
        case unlocked(SessionControl.UnlockResult)
        /// The spaces of the vault, read for the space chooser (`@`).
        case spacesListed([SpaceSummary])
        /// A space was opened: its services replace the current ones.
        case spaceOpened(SpaceBundle)
        /// A space could not be opened (said on the message line).
        case spaceFailed(String)
    }

    public enum Focus: Hashable, Sendable {
        case navigation
        case content
    }

    /// What the shell itself shows over the screen.
    public enum Overlay: Hashable, Sendable {
        /// The help, scrolled to this line.
        case help(scroll: Int)
        /// The messages said so far, scrolled to this line from the end.
        case messages(scroll: Int)
    }

    /// A dialog open over everything: who opened it (nil: the shell) and the dialog.
    struct OpenDialog: Sendable {
        var owner: AppSection?
        var modal: Modal
    }

    /// Tag of the shell's own quit question.
    struct QuitQuestion: Sendable {}
    /// Tag of the space chooser: the spaces it lists.
    struct SpaceQuestion: Sendable { var spaces: [SpaceSummary] }

    public private(set) var section: AppSection
    public private(set) var focus: Focus = .content
    public internal(set) var overlay: Overlay?
    public private(set) var settings: AppSettings
    public var header: HeaderInfo {
        didSet { sync.assume(header.sync) }
    }
    public private(set) var sync: SyncStatus
    /// The messages of the message line, oldest first (the last one shows).
    public private(set) var messages: [String] = []
    public private(set) var size = Size.minimum
    public internal(set) var exitCode: Int32?
    /// Shown while the vault is locked, instead of everything else.
    public internal(set) var lockScreen: LockScreen?
    /// Set when an ephemeral session ended because nobody used it (the kiosk hook).
    public internal(set) var endedWhenIdle = false
    /// Locking, unlocking and unsent changes (nil: no vault, nothing to guard).
    let session: SessionControl?
    var idle: IdleWatch
    var dialog: OpenDialog?
    private var screens: [AppSection: any FeatureScreen] = [:]
    /// The screens as the program plugged them in, before they loaded anything.
    private let pluggedScreens: [AppSection: any FeatureScreen]
    private let store: SettingsStore?
    /// The dossier médical of the open space (nil: no vault open, the section says so).
    private var documents: DocumentsServices?
    /// The profil médical of the open space (nil: no vault open, the section says so).
    private var profile: ProfileServices?
    /// The messagerie of the open space (nil: no vault open or not synced yet).
    private var messaging: MessagesServices?
    /// Partage et confidentialité of the open space (nil: no vault open).
    private var sharing: SharingServices?
    let syncService: SyncService?
    /// The agenda of the open space (nil: no vault open).
    private var agenda: AgendaServices?
    /// The Accueil of the open space (nil: no vault open).
    private var home: HomeServices?
    /// How to list and open spaces (nil: no vault, a single space).
    let spaces: SpacesServices?
    /// The space open now (nil: no vault open).
    public private(set) var activeSpace: SpaceSummary?
    /// Agenda items falling due while the app runs, said on the status line when they do.
    var agendaDue: [(at: ContinuousClock.Instant, sentence: String)] = []

    /// `store` keeps the settings (nil: not saved, as in a kiosk, a demo or a test). `screens`
    /// replaces the built-in screen of a section. `sync` is how to sync (nil: no account).
    public init(settings: AppSettings = AppSettings(), header: HeaderInfo = HeaderInfo(), store: SettingsStore? = nil,
                section: AppSection = .home, screens: [AppSection: any FeatureScreen] = [:], documents: DocumentsServices? = nil,
                agenda: AgendaServices? = nil, session: SessionControl? = nil, sync: SyncService? = nil, sharing: SharingServices? = nil,
                messages: MessagesServices? = nil, profile: ProfileServices? = nil, home: HomeServices? = nil,
                spaces: SpacesServices? = nil, activeSpace: SpaceSummary? = nil) {
        self.profile = profile
        self.home = home
        self.spaces = spaces
        self.activeSpace = activeSpace
        self.settings = settings
        self.sharing = sharing
        messaging = messages
        self.header = activeSpace?.header(into: header) ?? header
        self.store = store
        self.section = section
        self.documents = documents
        self.agenda = agenda
        self.screens = screens
        self.pluggedScreens = screens
        self.session = session
        syncService = sync
        self.sync = SyncStatus(last: header.sync, pending: header.pending)
        idle = IdleWatch(lastActivity: session?.clock() ?? .now)
        Localizer.shared.setLanguage(settings.language)
        say(arrivalAnnouncement())
        // What falls due today or tomorrow, said when the app starts.
        if let due = agenda?.dueAtStart { say(due) }
        agendaDue = Self.schedule(agenda?.dueLater ?? [])
        if let news = sharing?.newcomersAtStart { say(news) }
    }

    /// The screen of a section: plug new sections' screens in here.
    func makeScreen(_ section: AppSection) -> any FeatureScreen {
        if let reason = activeSpace?.whyNot(section) { return OutOfScopeScreen(section: section, reason: reason) }
        switch section {
        case .home: return home.map { HomeScreen(services: $0) } ?? ComingSoonScreen(section: section)
        case .caregivers: return spaces.map { CaregiversScreen(services: $0, active: activeSpace) } ?? ComingSoonScreen(section: section)
        default: return makeSpaceScreen(section)
        }
    }

    private func makeSpaceScreen(_ section: AppSection) -> any FeatureScreen {
        switch section {
        case .settings: SettingsScreen(settings: settings, store: store)
        case .documents: documents.map { DocumentsScreen(services: $0) } ?? ComingSoonScreen(section: section)
        case .medicalProfile: profile.map { ProfileScreen(services: $0) } ?? ComingSoonScreen(section: section)
        case .agenda: agenda.map { AgendaScreen(services: $0) } ?? ComingSoonScreen(section: section)
        case .messages: messaging.map { MessagesScreen(services: $0) } ?? ComingSoonScreen(section: section)
        case .sharing: sharing.map { SharingScreen(services: $0) } ?? ComingSoonScreen(section: section)
        default: ComingSoonScreen(section: section)
        }
    }

    /// The current section's screen.
    public var screen: any FeatureScreen { screens[section] ?? makeScreen(section) }

    /// The terminal is big enough for the layout.
    public var fits: Bool { Size.minimum.fits(in: size) }

    /// The last sentence of the message line.
    public var announcement: String? { messages.last }

    /// The open dialog, if any (it has the keys).
    public var openDialog: (any Component)? { dialog?.modal.component }

    var now: ContinuousClock.Instant { session?.clock() ?? .now }

    /// A kiosk visitor's session.
    public var isKiosk: Bool { session?.kiosk ?? false }

    // MARK: Update

    public mutating func start() -> [Effect<Event>] {
        var effects = appearEffects()
        if syncService != nil, sync.start(now: now) { effects += [syncEffect()] }
        return effects
    }

    public mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .resized(let newSize):
            size = newSize
            if !fits { say(Self.tooSmallMessage(size)) }
            return []
        case .event(.header(let info)):
            header = info
            if lockScreen != nil { header.lock = .locked }
            return []
        case .event(.synced(let result)):
            sync.finished(result, now: now)
            header.sync = result.state
            if result.state == .offline { say(tr("sync.app.offline")) }
            if result.state == .unauthorized { say(tr("sync.app.unauthorized")) }
            for notice in result.notices { say(notice) }
            // The space open now is gone (its delegation ended): back to the first one left.
            if let active = activeSpace, result.lostSpaces.contains(active.id) { return leaveLostSpace() }
            return []
        case .event(.dataChanged(let kinds, let pending)):
            if let pending { sync.outbox(pending, now: now, canSync: syncService != nil) }
            guard !kinds.isEmpty, lockScreen == nil else { return [] }
            // An item added, moved or deleted during the session: its alarm is said at its time.
            if kinds.contains(RecordKind.agendaEvent.rawValue), let agenda { agendaDue = Self.schedule(agenda.currentAlarms()) }
            return deliver(.changed(kinds), to: section)
        case .event(.spacesListed(let list)):
            return chooseSpace(among: list)
        case .event(.spaceOpened(let bundle)):
            return openSpace(bundle)
        case .event(.spaceFailed(let message)):
            say(message)
            return []
        case .event(.unlocked(let result)):
            finishUnlock(result)
            // The screen dropped at the lock loads again what it shows.
            return lockScreen == nil && screen.holdsVaultData ? appearEffects() : []
        case .event(.screen(let target, let payload)):
            // What a screen asked for before the lock, arriving after it, is not kept.
            if lockScreen != nil { return [] }
            return deliver(.event(payload), to: target)
        case .key(let key):
            return handle(key)
        }
    }

    private mutating func handle(_ key: Key) -> [Effect<Event>] {
        if let effects = handleSessionKey(key) { return effects }
        if let overlay {
            handleOverlay(overlay, key)
            return []
        }
        // An open dialog owns every key until it closes.
        if dialog != nil { return handleDialogKey(key) }
        let typing = focus == .content && screen.capturesText && fits
        if typing {
            let result = sendToScreen(.key(key))
            if result.handled { return apply(result, from: section) }
        }
        switch key {
        case .character("?"), .function(1):
            overlay = .help(scroll: 0)
            say(tr("help.opened", ["screen": section.title]))
            return []
        case .character("q"), .character("Q"):
            let question = isKiosk ? tr("kiosk.end.question") : quitQuestion
            let title = tr(isKiosk ? "kiosk.end-session" : "quit.title")
            dialog = OpenDialog(owner: nil, modal: Modal(Dialog.confirm(title: title, message: question, safeAnswer: .yes),
                                                         tag: QuitQuestion()))
            say(question)
            return []
        case Self.messagesKey:
            overlay = .messages(scroll: 0)
            say(tr("messages.opened"))
            return []
        case Self.syncKey:
            return syncNow()
        case Self.spaceKey:
            return listSpaces()
        default:
            break
        }
        guard fits else { return [] }
        if let digit = key.digit, let target = AppSection(digit: digit) {
            return go(to: target, focus: .content)
        }
        if focus == .content {
            if !typing {
                let result = sendToScreen(.key(key))
                if result.handled { return apply(result, from: section) }
            }
            switch key {
            case .escape, .tab, .backTab:
                focus = .navigation
                say(tr("nav.focused", ["section": section.label]))
            case .character("/"):
                say(tr("search.unavailable"))
            default:
                break
            }
            return []
        }
        // The side list goes up and down, the tab bar left and right; both take either.
        let enters = key == .enter || key == .tab || key == .backTab || (isWide && key.motion == .right)
        if enters {
            focus = .content
            say(arrivalAnnouncement())
            return []
        }
        switch key.motion {
        case .up, .left:
            return go(to: AppSection(rawValue: section.rawValue - 1) ?? .settings, focus: .navigation)
        case .down, .right:
            return go(to: AppSection(rawValue: section.rawValue + 1) ?? .home, focus: .navigation)
        case .first:
            return go(to: .home, focus: .navigation)
        case .last:
            return go(to: .settings, focus: .navigation)
        default:
            return []
        }
    }

    private mutating func handleDialogKey(_ key: Key) -> [Effect<Event>] {
        guard var open = dialog else { return [] }
        var component = open.modal.component
        let result = component.update(.key(key))
        open.modal.component = component
        if !result.handled, key == .character("?") || key == .function(1) {
            overlay = .help(scroll: 0)
            say(tr("help.opened", ["screen": section.title]))
            return []
        }
        guard let value = result.closed else {
            dialog = open
            return apply(result, from: open.owner)
        }
        dialog = nil
        let answer = Answer(tag: open.modal.tag, value: value)
        var effects = apply(result, from: open.owner)
        guard let owner = open.owner else {
            if let question = open.modal.tag as? SpaceQuestion { return effects + answerSpace(question, value) }
            answerQuit(value)
            return effects
        }
        effects += deliver(.event(answer), to: owner)
        return effects
    }

    private mutating func answerQuit(_ value: any Sendable) {
        if case .accepted? = value as? Dialog.Outcome {
            exitCode = 0
        } else {
            say(tr("quit.cancelled"))
        }
    }

    private mutating func handleOverlay(_ overlay: Overlay, _ key: Key) {
        let closes: Bool = switch key {
        case .escape, .character("?"), .character("q"), .function(1), .enter: true
        case Self.messagesKey: true
        default: false
        }
        if closes {
            self.overlay = nil
            say(dialog == nil ? arrivalAnnouncement() : tr("help.closed"))
            return
        }
        func scrolled(_ scroll: Int) -> Int {
            switch key.motion {
            case .up: max(0, scroll - 1)
            case .down: scroll + 1
            case .pageDown: scroll + 10
            case .pageUp: max(0, scroll - 10)
            default: scroll
            }
        }
        switch overlay {
        case .help(let scroll): self.overlay = .help(scroll: scrolled(scroll))
        case .messages(let scroll): self.overlay = .messages(scroll: scrolled(scroll))
        }
    }

    /// `$`: a sync now, said in the header at once.
    private mutating func syncNow() -> [Effect<Event>] {
        guard syncService != nil else {
            say(tr("sync.app.not-connected"))
            return []
        }
        guard sync.start(now: now) else {
            say(tr("sync.app.already"))
            return []
        }
        say(tr("sync.app.started"))
        return [syncEffect()]
    }

    private func syncEffect() -> Effect<Event> {
        let service = syncService
        return Effect { .synced(await service?.sync() ?? SyncResult(state: .notConnected, pending: 0)) }
    }

    /// Starts the scheduled sync when it is due (from `wakeUp`).
    mutating func startDueSync(now: ContinuousClock.Instant) -> [Effect<Event>] {
        guard syncService != nil, sync.isDue(now), sync.start(now: now) else { return [] }
        return [syncEffect()]
    }

    /// Shows a section; its screen hears it appear (to load what it shows) and may announce.
    private mutating func go(to target: AppSection, focus newFocus: Focus) -> [Effect<Event>] {
        let changed = target != section
        section = target
        focus = newFocus
        guard changed else {
            say(arrivalAnnouncement())
            return []
        }
        let arrival = arrivalAnnouncement()
        say(arrival)
        return appearEffects()
    }

    /// On lock, every screen that may hold vault data lets go of what it loaded (decrypted
    /// records, document text): it starts afresh, as the program plugged it in (Docs/security.md).
    mutating func dropLoadedScreens() {
        for (section, screen) in screens where screen.holdsVaultData { screens[section] = pluggedScreens[section] }
    }

    /// The current screen appears: it asks for what it shows.
    private mutating func appearEffects() -> [Effect<Event>] {
        let arrival = messages.last
        var current = screen
        let result = current.update(.appear)
        screens[section] = current
        let effects = apply(result, from: section)
        if let extra = result.announcement, let arrival { replaceLastMessage(arrival + " " + extra) }
        return effects
    }

    private mutating func sendToScreen(_ input: ComponentInput) -> Update {
        var current = screen
        let result = current.update(input)
        screens[section] = current
        return result
    }

    /// Hands an input to a section's screen (made if needed) and applies what it returns.
    private mutating func deliver(_ input: ComponentInput, to target: AppSection) -> [Effect<Event>] {
        var screen = screens[target] ?? makeScreen(target)
        let result = screen.update(input)
        screens[target] = screen
        return apply(result, from: target)
    }

    private mutating func apply(_ result: Update, from origin: AppSection?) -> [Effect<Event>] {
        var effects: [Effect<Event>] = []
        for request in result.requests {
            switch request as? ShellRequest {
            case .apply(let newSettings)?:
                settings = newSettings
                Localizer.shared.setLanguage(newSettings.language)
            case .syncNow?:
                effects += syncNow()
            case .switchSpace(let id)?:
                effects += [switchSpaceEffect(id)]
            case .open(let item)?:
                effects += openItem(item)
            case nil:
                break
            }
        }
        if let sentence = result.announcement, !sentence.isEmpty { say(sentence) }
        if let modal = result.present { dialog = OpenDialog(owner: origin, modal: modal) }
        guard let origin else { return effects }
        return effects + result.effects.map { effect in
            Effect<Event> {
                guard let payload = await effect.operation() else { return nil }
                return .screen(origin, payload)
            }
        }
    }

    /// Puts a sentence on the message line and in its history.
    mutating func say(_ sentence: String) {
        guard !sentence.isEmpty else { return }
        if messages.last == sentence { return }
        messages.append(sentence)
        if messages.count > Self.messagesKept { messages.removeFirst(messages.count - Self.messagesKept) }
    }

    private mutating func replaceLastMessage(_ sentence: String) {
        if !messages.isEmpty { messages.removeLast() }
        say(sentence)
    }

    /// `Réglages, section 8 sur 8.` and what the screen says about itself.
    func arrivalAnnouncement() -> String {
        let place = tr("nav.arrived", ["section": section.title, "number": String(section.digit),
                                       "total": String(AppSection.allCases.count)])
        guard let summary = screen.summary else { return place }
        return place + " " + summary
    }

    static func tooSmallMessage(_ size: Size) -> String {
        tr("shell.too-small", ["needed": Size.minimum.description, "actual": size.description])
    }

    /// From this width the sections are a list on the left; below, a one-line tab bar.
    public static let sideListWidth = 120
    var isWide: Bool { size.width >= Self.sideListWidth && !screen.usesWholeWidth }

    static let messagesKept = 100
    /// Opens the history of the message line.
    public static let messagesKey = Key.character("!")
    /// Syncs now (neomutt's key).
    public static let syncKey = Key.character("$")
    /// Chooses the space to work in, from anywhere.
    public static let spaceKey = Key.character("@")

    /// The key map of the shell itself, shown in every help.
    static var keyMap: KeyMap {
        KeyMap(title: tr("help.global"), bindings: [
            KeyBinding(label: "1-8", tr("help.global.sections")),
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("help.global.move")),
            KeyBinding([.enter, .right, .character("l")], tr("help.global.open")),
            KeyBinding([.tab, .backTab], tr("help.global.focus")),
            KeyBinding([.escape], tr("help.global.back")),
            KeyBinding([.character("/")], tr("help.global.search")),
            KeyBinding([syncKey], tr("help.global.sync")),
            KeyBinding([messagesKey], tr("help.global.messages")),
            KeyBinding([spaceKey], tr("help.global.space")),
            KeyBinding([.character("?"), .function(1)], tr("help.global.help")),
            KeyBinding([.control("l")], tr("help.global.redraw")),
            KeyBinding([.character("q")], tr("help.global.quit")),
        ])
    }

    // MARK: View

    public func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        ShellView(shell: self, size: size, capabilities: capabilities).render()
    }
}

// MARK: - Spaces

extension AppShell {
    /// `@`: reads the spaces, then asks which one.
    mutating func listSpaces() -> [Effect<Event>] {
        guard let spaces else {
            say(tr("spaces.none"))
            return []
        }
        return [Effect {
            do { return .spacesListed(try spaces.list()) } catch { return .spaceFailed(tr("spaces.failed")) }
        }]
    }

    mutating func chooseSpace(among list: [SpaceSummary]) -> [Effect<Event>] {
        guard list.count > 1 else {
            say(tr("spaces.only-one"))
            return []
        }
        let current = list.firstIndex { $0.id == activeSpace?.id } ?? 0
        let chooser = Chooser(title: tr("spaces.chooser.title"), options: list.map(\.described), selected: current)
        dialog = OpenDialog(owner: nil, modal: Modal(chooser, tag: SpaceQuestion(spaces: list)))
        say(tr("spaces.chooser.opened", ["current": list[current].described]))
        return []
    }

    mutating func answerSpace(_ question: SpaceQuestion, _ value: any Sendable) -> [Effect<Event>] {
        guard case .chosen(let index)? = value as? Chooser.Outcome, question.spaces.indices.contains(index) else {
            say(tr("spaces.unchanged"))
            return []
        }
        let chosen = question.spaces[index]
        if chosen.id == activeSpace?.id {
            say(tr("spaces.already", ["space": chosen.described]))
            return []
        }
        return [switchSpaceEffect(chosen.id)]
    }

    func switchSpaceEffect(_ id: String) -> Effect<Event> {
        let spaces = spaces
        return Effect {
            do {
                guard let bundle = try spaces?.open(id) else { return .spaceFailed(tr("spaces.failed")) }
                return .spaceOpened(bundle)
            } catch {
                return .spaceFailed(tr("spaces.failed"))
            }
        }
    }

    /// Every section now works in the new space: its screens start afresh; the header and the
    /// message line say whose space it is.
    mutating func openSpace(_ bundle: SpaceBundle) -> [Effect<Event>] {
        activeSpace = bundle.space
        home = bundle.home
        documents = bundle.documents
        agenda = bundle.agenda
        messaging = bundle.messages
        sharing = bundle.sharing
        profile = bundle.profile
        screens = pluggedScreens
        header = bundle.space.header(into: header)
        say(tr("spaces.switched", ["space": bundle.space.described]) + " " + arrivalAnnouncement())
        return appearEffects()
    }

    /// Opens the first space left (the user's own) after the open one was lost.
    func leaveLostSpace() -> [Effect<Event>] {
        let spaces = spaces
        return [Effect {
            do {
                guard let first = try spaces?.list().first, let bundle = try spaces?.open(first.id) else { return .spaceFailed(tr("spaces.lost.gone")) }
                return .spaceOpened(bundle)
            } catch {
                return .spaceFailed(tr("spaces.failed"))
            }
        }]
    }

    /// A line of the Accueil opened: its section, then its item there.
    mutating func openItem(_ item: OpenItem) -> [Effect<Event>] {
        guard let target = item.section else { return [] }
        var effects = go(to: target, focus: .content)
        effects += deliver(.event(item), to: target)
        return effects
    }
}
