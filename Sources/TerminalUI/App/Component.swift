/// The one shape of every piece of the interface: screens, readers, the lock screen, dialogs,
/// choosers, forms and fields (DESIGN.md §9).
///
/// - `update` takes one input and changes the state; it never reads or writes a file, the vault
///   or the network. Work of that kind goes into `Update.effects`; each effect's result comes
///   back later as `.event`.
/// - `render` is pure: it draws into the buffer and returns where the hardware cursor goes (on
///   the focused item) and, optionally, a sentence for the status line.
/// - A component opens a dialog by returning it in `Update.present`: the host then gives that
///   dialog every key and draws it on top until it closes, and hands its answer back as
///   `.event(Answer)`. Nothing under an open dialog hears a key.
public protocol Component: Sendable {
    /// Handles one input; see `ComponentInput`.
    mutating func update(_ input: ComponentInput) -> Update
    /// Draws into `area`. Must not change anything.
    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered
    /// The keys, for the help overlay (`?`/F1).
    var keyMap: KeyMap { get }
    /// The few keys that matter now, for the key bar (most important first).
    var keyHints: [KeyHint] { get }
    /// True while typed letters and digits are text (a field has the focus), not commands.
    var capturesText: Bool { get }
}

extension Component {
    public var keyHints: [KeyHint] { [] }
    public var capturesText: Bool { false }
}

/// What reaches a component.
public enum ComponentInput: Sendable {
    /// A key, while the component has the focus.
    case key(Key)
    /// The component comes on screen: the place to ask for what it shows (an effect).
    case appear
    /// The result of one of its effects, or the `Answer` of a dialog it opened.
    case event(any Sendable)
    /// The data it shows changed underneath (a sync brought something, another screen edited):
    /// the kinds of data that changed, as the host names them.
    case changed(Set<String>)
}

/// What an update gives back to its host.
public struct Update: Sendable {
    /// False when the component did not use the key, so the host may (Esc with nothing to close,
    /// a digit outside a text field…).
    public var handled: Bool
    /// Work to run off the UI thread (vault, files, network); each result comes back as `.event`.
    public var effects: [Effect<any Sendable>]
    /// A sentence for the status line (a result, a change of place), already localised.
    public var announcement: String?
    /// A dialog to open over this component: it owns the keys and the drawing until it closes.
    public var present: Modal?
    /// Set by a dialog when it closes: its answer, handed to whoever opened it.
    public var closed: (any Sendable)?
    /// Requests for the host app (new settings, sync now…): their types belong to the app.
    public var requests: [any Sendable]

    public init(handled: Bool = true, effects: [Effect<any Sendable>] = [], announcement: String? = nil,
                present: Modal? = nil, closed: (any Sendable)? = nil, requests: [any Sendable] = []) {
        self.handled = handled
        self.effects = effects
        self.announcement = announcement
        self.present = present
        self.closed = closed
        self.requests = requests
    }

    public static let ignored = Update(handled: false)
    public static let handled = Update()

    /// Just a sentence for the status line.
    public static func say(_ sentence: String?) -> Update { Update(announcement: sentence) }

    /// One effect, and what to say meanwhile.
    public static func run(_ effect: Effect<any Sendable>, saying sentence: String? = nil) -> Update {
        Update(effects: [effect], announcement: sentence)
    }

    /// Opens `dialog`; its answer comes back as `.event(Answer(tag:…))`.
    public static func open(_ dialog: any Component, tag: any Sendable, saying sentence: String? = nil) -> Update {
        Update(announcement: sentence, present: Modal(dialog, tag: tag))
    }
}

/// A dialog opened over a component, with the tag its answer comes back with.
public struct Modal: Sendable {
    public var component: any Component
    public var tag: any Sendable

    public init(_ component: any Component, tag: any Sendable) {
        self.component = component
        self.tag = tag
    }
}

/// The answer of a closed dialog, handed to the component that opened it.
public struct Answer: Sendable {
    /// The tag given to `Update.open`.
    public var tag: any Sendable
    /// What the dialog closed with (`Dialog.Outcome`, `Chooser.Outcome`, `Form.Outcome`…).
    public var value: any Sendable

    public init(tag: any Sendable, value: any Sendable) {
        self.tag = tag
        self.value = value
    }
}

/// What a render gives back besides its cells.
public struct Rendered: Sendable, Equatable {
    /// Where the hardware cursor goes (the focused item); nil leaves it to the host.
    public var cursor: Point?
    /// A sentence for the status line, when the view itself has one (rare: updates say most).
    public var announcement: String?

    public init(cursor: Point? = nil, announcement: String? = nil) {
        self.cursor = cursor
        self.announcement = announcement
    }
}

/// One entry of the key bar: a key and a short word (`/ chercher`).
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var action: String

    public init(_ key: String, _ action: String) {
        self.key = key
        self.action = action
    }

    public init(_ key: Key, _ action: String) {
        self.key = key.label(.unicode)
        self.action = action
    }
}

/// Runs a modal component: gives it a key, returns its answer once it closes.
public struct ModalHost: Sendable {
    public private(set) var modal: Modal

    public init(_ modal: Modal) { self.modal = modal }

    /// The answer when the dialog closed, else nil (and the update to apply).
    public mutating func update(_ input: ComponentInput) -> (update: Update, answer: Answer?) {
        var component = modal.component
        let update = component.update(input)
        modal.component = component
        guard let value = update.closed else { return (update, nil) }
        return (update, Answer(tag: modal.tag, value: value))
    }
}
