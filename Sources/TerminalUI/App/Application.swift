/// What the terminal can show, known once at start-up.
public struct TerminalCapabilities: Hashable, Sendable {
    /// The locale's character set is UTF-8 (else borders and symbols fall back to ASCII).
    public var utf8: Bool
    /// Colours may be used: the terminal has them and `NO_COLOR` is not set.
    public var colors: Bool

    public init(utf8: Bool, colors: Bool) {
        self.utf8 = utf8
        self.colors = colors
    }

    /// Whether the environment forbids colours (`NO_COLOR` set to anything non-empty, see no-color.org).
    public static func colorsForbidden(by environment: [String: String]) -> Bool {
        if let value = environment["NO_COLOR"], !value.isEmpty { return true }
        return false
    }

    public var symbols: Symbols { Symbols.forLocale(utf8: utf8) }
}

/// Everything a view needs besides its state: the room it has and how to draw.
public struct ViewContext: Sendable {
    public var size: Size
    public var theme: Theme
    public var symbols: Symbols
    /// Linear layout, no decorative boxes, the cursor on the focused item, no animation.
    public var screenReader: Bool
    /// Whether what is drawn has the keyboard focus (a selection is drawn as focused or not).
    public var focused: Bool

    public init(size: Size, theme: Theme, symbols: Symbols = .unicode, screenReader: Bool = false, focused: Bool = true) {
        self.size = size
        self.theme = theme
        self.symbols = symbols
        self.screenReader = screenReader
        self.focused = focused
    }

    /// Colours are shown (a theme with colours, on a terminal that has them, `NO_COLOR` unset).
    public var colors: Bool { theme.usesColor }

    public func style(_ role: Role) -> Style { theme.style(role) }
}

/// The output of a view: its cells, where the hardware cursor sits, and what to announce.
///
/// The cursor is frame output (DESIGN.md §9): on the focused item after every refresh, so that
/// screen readers and braille displays follow it. nil hides the cursor.
public struct Frame: Sendable {
    public var buffer: CellBuffer
    public var cursor: Point?
    /// A sentence for the status line (a change of screen, a result), already localised.
    public var announcement: String?

    public init(buffer: CellBuffer, cursor: Point? = nil, announcement: String? = nil) {
        self.buffer = buffer
        self.cursor = cursor
        self.announcement = announcement
    }
}

/// What reaches an application: a key, a new terminal size, or the result of an effect.
public enum Input<Event: Sendable>: Sendable {
    case key(Key)
    case resized(Size)
    case event(Event)
}

/// Async work an update asks for (reading the vault, syncing, saving settings). It runs off the
/// UI thread; the event it returns, if any, comes back through `update`.
public struct Effect<Event: Sendable>: Sendable {
    public let operation: @Sendable () async -> Event?

    public init(_ operation: @escaping @Sendable () async -> Event?) {
        self.operation = operation
    }
}

/// An app in the Elm architecture: state → view (pure, into a cell buffer) and
/// input → (state, effects). `update` mutates the state in place and returns the effects.
public protocol Application {
    associatedtype Event: Sendable

    /// Handles one input; returns the effects to run.
    mutating func update(_ input: Input<Event>) -> [Effect<Event>]

    /// Draws the current state. Must not change anything.
    func view(size: Size, capabilities: TerminalCapabilities) -> Frame

    /// Set when the app is done; the runtime then stops and returns it.
    var exitCode: Int32? { get }

    /// Work to start as the runtime starts (a first sync…). None by default.
    mutating func start() -> [Effect<Event>]

    /// When the app wants to be woken without any input (an idle delay), or nil. The runtime
    /// sleeps until then, with no polling and no redraw in between.
    var wakeUpTime: ContinuousClock.Instant? { get }

    /// Called once `wakeUpTime` has passed, with the current time.
    mutating func wakeUp(now: ContinuousClock.Instant) -> [Effect<Event>]
}

extension Application {
    public mutating func start() -> [Effect<Event>] { [] }
    public var wakeUpTime: ContinuousClock.Instant? { nil }
    public mutating func wakeUp(now: ContinuousClock.Instant) -> [Effect<Event>] { [] }
}
