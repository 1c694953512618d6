import TerminalUI

/// What a screen gets to draw with, besides its own state.
public struct ScreenContext: Sendable {
    public var view: ViewContext
    /// Whether the screen has the keyboard focus (else the navigation has it).
    public var focused: Bool
    public var settings: AppSettings
    public var capabilities: TerminalCapabilities

    public init(view: ViewContext, focused: Bool, settings: AppSettings, capabilities: TerminalCapabilities) {
        self.view = view
        self.focused = focused
        self.settings = settings
        self.capabilities = capabilities
    }
}

/// What a screen's update gives back to the shell.
public struct ScreenUpdate: Sendable {
    /// False when the screen did not use the key, so the shell may (Tab past the last field,
    /// Esc with nothing to close, a digit outside a text field…).
    public var handled: Bool
    /// Work to run off the UI; the events come back to this screen's `receive`.
    public var effects: [Effect<any Sendable>]
    /// A sentence for the status line (a result, a change), already localised.
    public var announcement: String?
    /// New settings to apply (the Settings screen).
    public var settings: AppSettings?

    public init(handled: Bool = true, effects: [Effect<any Sendable>] = [], announcement: String? = nil,
                settings: AppSettings? = nil) {
        self.handled = handled
        self.effects = effects
        self.announcement = announcement
        self.settings = settings
    }

    public static let ignored = ScreenUpdate(handled: false)
    public static let handled = ScreenUpdate()
}

/// A screen of a section, in the Elm architecture: its state is the conforming value, `handle`
/// and `receive` are its update, `render` its view. Later issues plug their screens in by
/// conforming to this protocol and registering them in `AppShell.makeScreen`.
public protocol FeatureScreen: Sendable {
    /// True when the screen may hold what it read from the vault (records, document text): when
    /// the vault locks, such a screen is dropped and made afresh, so nothing decrypted stays in
    /// memory behind the lock screen (Docs/security.md). True unless a screen says otherwise.
    var holdsVaultData: Bool { get }
    /// The screen's keys, shown in the help overlay.
    var keyMap: KeyMap { get }
    /// True while the focused element takes typed letters and digits (so they are not shortcuts).
    var capturesText: Bool { get }
    /// What to announce when the user arrives on the screen (its title is said already).
    var summary: String? { get }

    /// Handles a key while the screen has the focus.
    mutating func handle(_ key: Key, settings: AppSettings) -> ScreenUpdate
    /// Called when the user arrives on the screen: the place to ask the core for what it shows.
    mutating func appear(settings: AppSettings) -> ScreenUpdate
    /// Handles the result of one of the screen's effects.
    mutating func receive(_ event: any Sendable, settings: AppSettings) -> ScreenUpdate
    /// Draws the screen into `area`; returns where the cursor goes (the focused item), if anywhere.
    func render(into buffer: inout CellBuffer, area: Rect, context: ScreenContext) -> Point?
}

extension FeatureScreen {
    public var holdsVaultData: Bool { true }
    public var capturesText: Bool { false }
    public var summary: String? { nil }
    public mutating func appear(settings: AppSettings) -> ScreenUpdate { .ignored }
    public mutating func receive(_ event: any Sendable, settings: AppSettings) -> ScreenUpdate { .ignored }
}
