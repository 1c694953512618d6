import L10n

/// A key the user pressed, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl with a letter, given in lower case (`.control("l")` is Ctrl-L).
    case control(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete, insert
    /// F1…F12.
    case function(Int)

    /// The digit 0–9 this key types, if any.
    public var digit: Int? {
        if case .character(let character) = self, let value = character.wholeNumberValue, character.isASCII { return value }
        return nil
    }

    /// How this key moves a selection: arrows, `hjkl`, paging and Home/End.
    public var motion: Motion? {
        switch self {
        case .up, .character("k"): .up
        case .down, .character("j"): .down
        case .left, .character("h"): .left
        case .right, .character("l"): .right
        case .pageUp: .pageUp
        case .pageDown, .character(" "): .pageDown
        case .home, .character("g"): .first
        case .end, .character("G"): .last
        default: nil
        }
    }

    /// How this key moves a selection where letters are typed (arrows and paging keys only).
    public var arrowMotion: Motion? {
        switch self {
        case .up: .up
        case .down: .down
        case .left: .left
        case .right: .right
        case .pageUp: .pageUp
        case .pageDown: .pageDown
        case .home: .first
        case .end: .last
        default: nil
        }
    }

    /// The key's name as a help screen shows it, in the current language.
    public func label(_ symbols: Symbols = .unicode) -> String {
        switch self {
        case .character(" "): tr("key.space")
        case .character(let character): String(character)
        case .control(let letter): tr("key.control", ["key": letter.uppercased()])
        case .up: symbols.arrowUp
        case .down: symbols.arrowDown
        case .left: symbols.arrowLeft
        case .right: symbols.arrowRight
        case .home: tr("key.home")
        case .end: tr("key.end")
        case .pageUp: tr("key.page-up")
        case .pageDown: tr("key.page-down")
        case .enter: tr("key.enter")
        case .escape: tr("key.escape")
        case .tab: tr("key.tab")
        case .backTab: tr("key.back-tab")
        case .backspace: tr("key.backspace")
        case .delete: tr("key.delete")
        case .insert: tr("key.insert")
        case .function(let number): "F\(number)"
        }
    }
}

/// A movement through a list, a grid or a text.
public enum Motion: Hashable, Sendable {
    case up, down, left, right, pageUp, pageDown, first, last
}

/// One line of a help screen: the keys and what they do (already localised).
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: String
    /// Shown instead of the keys' own labels (for a range such as `1–8`).
    public var label: String?

    public init(_ keys: [Key], _ action: String) {
        self.keys = keys
        self.action = action
    }

    public init(label: String, _ action: String) {
        self.keys = []
        self.action = action
        self.label = label
    }

    /// The keys' labels joined for display, e.g. `↑ k`.
    public func keyLabels(_ symbols: Symbols = .unicode) -> String {
        label ?? keys.map { $0.label(symbols) }.joined(separator: " ")
    }
}

/// The keys of a screen, grouped under a title: the help overlay is built from it.
public struct KeyMap: Hashable, Sendable {
    public var title: String
    public var bindings: [KeyBinding]

    public init(title: String, bindings: [KeyBinding]) {
        self.title = title
        self.bindings = bindings
    }
}
