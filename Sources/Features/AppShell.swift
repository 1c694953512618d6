import Foundation
import L10n
import TerminalUI

/// The state words of the header. Each is a word, never a colour alone.
public enum SyncState: Hashable, Sendable {
    case notConnected
    case upToDate
    case syncing
    case failed

    public var word: String {
        switch self {
        case .notConnected: tr("header.sync.not-connected")
        case .upToDate: tr("header.sync.up-to-date")
        case .syncing: tr("header.sync.syncing")
        case .failed: tr("header.sync.failed")
        }
    }
}

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
    public var sync: SyncState
    public var lock: LockState

    public init(profileName: String? = nil, actingFor: String? = nil, sync: SyncState = .notConnected, lock: LockState = .noVault) {
        self.profileName = profileName
        self.actingFor = actingFor
        self.sync = sync
        self.lock = lock
    }
}

/// The app: header, navigation of the eight sections, the current section's screen, a status
/// line, the help overlay and the quit confirmation. An `Application` for the TerminalUI runtime.
public struct AppShell: Application {
    /// Results of the screens' effects, tagged with the section they go back to.
    public enum Event: Sendable {
        case screen(AppSection, any Sendable)
        /// New header facts from the core (sync progress, lock, active profile).
        case header(HeaderInfo)
        /// How the first sync went.
        case synced(SyncState)
        /// How a passphrase typed on the lock screen went.
        case unlocked(SessionControl.UnlockResult)
    }

    public enum Focus: Hashable, Sendable {
        case navigation
        case content
    }

    public enum Overlay: Hashable, Sendable {
        /// The help, scrolled to this line.
        case help(scroll: Int)
        case quit(Dialog)
    }

    public private(set) var section: AppSection
    public private(set) var focus: Focus = .content
    public private(set) var overlay: Overlay?
    public private(set) var settings: AppSettings
    public var header: HeaderInfo
    /// The last sentence for the status line.
    public internal(set) var announcement: String?
    public private(set) var size = Size.minimum
    public internal(set) var exitCode: Int32?
    /// Shown while the vault is locked, instead of everything else.
    public internal(set) var lockScreen: LockScreen?
    /// Set when an ephemeral session ended because nobody used it (the kiosk hook).
    public internal(set) var endedWhenIdle = false
    /// Locking, unlocking, unsent changes and the first sync (nil: no vault, nothing to guard).
    let session: SessionControl?
    var idle: IdleWatch
    private var screens: [AppSection: any FeatureScreen] = [:]
    private let store: SettingsStore?
    /// The dossier médical of the open space (nil: no vault open, the section says so).
    private let documents: DocumentsServices?

    /// `store` keeps the settings (nil: not saved, as in a test). `screens` replaces
    /// the built-in screen of a section: the program plugs in screens that need the core.
    public init(settings: AppSettings = AppSettings(), header: HeaderInfo = HeaderInfo(), store: SettingsStore? = nil,
                section: AppSection = .home, screens: [AppSection: any FeatureScreen] = [:], documents: DocumentsServices? = nil,
                session: SessionControl? = nil) {
        self.settings = settings
        self.header = header
        self.store = store
        self.section = section
        self.documents = documents
        self.screens = screens
        self.session = session
        idle = IdleWatch(lastActivity: session?.clock() ?? .now)
        Localizer.shared.setLanguage(settings.language)
        announcement = arrivalAnnouncement()
    }

    /// The screen of a section: plug later issues' screens in here.
    func makeScreen(_ section: AppSection) -> any FeatureScreen {
        switch section {
        case .settings: SettingsScreen(settings: settings, store: store)
        case .documents: documents.map { DocumentsScreen(services: $0) } ?? ComingSoonScreen(section: section)
        default: ComingSoonScreen(section: section)
        }
    }

    /// The current section's screen.
    public var screen: any FeatureScreen { screens[section] ?? makeScreen(section) }

    /// The terminal is big enough for the layout.
    public var fits: Bool { Size.minimum.fits(in: size) }

    // MARK: Update

    public mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .resized(let newSize):
            size = newSize
            if !fits { announcement = Self.tooSmallMessage(size) }
            return []
        case .event(.header(let info)):
            header = info
            if lockScreen != nil { header.lock = .locked }
            return []
        case .event(.synced(let state)):
            header.sync = state
            return []
        case .event(.unlocked(let result)):
            finishUnlock(result)
            return []
        case .event(.screen(let target, let payload)):
            var screen = screens[target] ?? makeScreen(target)
            let result = screen.receive(payload, settings: settings)
            screens[target] = screen
            return apply(result, from: target)
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
        if focus == .content && screen.capturesText && fits {
            let result = sendToScreen(key)
            if result.handled { return apply(result, from: section) }
        }
        switch key {
        case .character("?"), .function(1):
            overlay = .help(scroll: 0)
            announcement = tr("help.opened", ["screen": section.title])
            return []
        case .character("q"), .character("Q"):
            let question = quitQuestion
            overlay = .quit(.confirm(title: tr("quit.title"), message: question))
            announcement = question
            return []
        default:
            break
        }
        guard fits else { return [] }
        if let digit = key.digit, let target = AppSection(digit: digit) {
            return go(to: target, focus: .content)
        }
        if focus == .content {
            let result = sendToScreen(key)
            if result.handled { return apply(result, from: section) }
            switch key {
            case .escape, .tab, .backTab:
                focus = .navigation
                announcement = tr("nav.focused", ["section": section.label])
            case .character("/"):
                announcement = tr("search.unavailable")
            default:
                break
            }
            return []
        }
        switch key.motion {
        case .up, .left:
            return go(to: AppSection(rawValue: section.rawValue - 1) ?? .settings, focus: .navigation)
        case .down:
            return go(to: AppSection(rawValue: section.rawValue + 1) ?? .home, focus: .navigation)
        case .first:
            return go(to: .home, focus: .navigation)
        case .last:
            return go(to: .settings, focus: .navigation)
        default:
            if key == .enter || key == .tab || key == .backTab || key.motion == .right {
                focus = .content
                announcement = arrivalAnnouncement()
            }
        }
        return []
    }

    private mutating func handleOverlay(_ overlay: Overlay, _ key: Key) {
        switch overlay {
        case .help(let scroll):
            switch key {
            case .escape, .character("?"), .character("q"), .function(1), .enter:
                self.overlay = nil
                announcement = arrivalAnnouncement()
            default:
                switch key.motion {
                case .up: self.overlay = .help(scroll: max(0, scroll - 1))
                case .down: self.overlay = .help(scroll: scroll + 1)
                case .pageDown: self.overlay = .help(scroll: scroll + 10)
                case .pageUp: self.overlay = .help(scroll: max(0, scroll - 10))
                default: break
                }
            }
        case .quit(var dialog):
            switch dialog.handle(key) {
            case .accepted:
                self.overlay = nil
                exitCode = 0
            case .cancelled:
                self.overlay = nil
                announcement = tr("quit.cancelled")
            case .pending:
                self.overlay = .quit(dialog)
            }
        }
    }

    /// Shows a section; its screen hears it appear (to load what it shows) and may announce.
    private mutating func go(to target: AppSection, focus newFocus: Focus) -> [Effect<Event>] {
        let changed = target != section
        section = target
        // Made once and kept, so a screen reads its data when the user arrives, not every frame.
        if screens[target] == nil { screens[target] = makeScreen(target) }
        focus = newFocus
        announcement = arrivalAnnouncement()
        guard changed else { return [] }
        let arrival = announcement ?? ""
        var current = screen
        let result = current.appear(settings: settings)
        screens[section] = current
        let effects = apply(result, from: section)
        if let extra = result.announcement { announcement = arrival + " " + extra }
        return effects
    }

    private mutating func sendToScreen(_ key: Key) -> ScreenUpdate {
        var current = screen
        let result = current.handle(key, settings: settings)
        screens[section] = current
        return result
    }

    private mutating func apply(_ result: ScreenUpdate, from origin: AppSection) -> [Effect<Event>] {
        if let newSettings = result.settings {
            settings = newSettings
            Localizer.shared.setLanguage(newSettings.language)
        }
        if let sentence = result.announcement { announcement = sentence }
        return result.effects.map { effect in
            Effect<Event> {
                guard let payload = await effect.operation() else { return nil }
                return .screen(origin, payload)
            }
        }
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

    /// The key map of the shell itself, shown in every help.
    static var keyMap: KeyMap {
        KeyMap(title: tr("help.global"), bindings: [
            KeyBinding(label: "1-8", tr("help.global.sections")),
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("help.global.move")),
            KeyBinding([.enter, .right, .character("l")], tr("help.global.open")),
            KeyBinding([.tab, .backTab], tr("help.global.focus")),
            KeyBinding([.escape], tr("help.global.back")),
            KeyBinding([.character("/")], tr("help.global.search")),
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
