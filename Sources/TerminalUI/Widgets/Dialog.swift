import L10n

/// A modal dialog: a question to confirm, an error to acknowledge, or a prompt for a line of text.
///
/// Safe by default: a question starts on "Non" unless the caller says the yes is harmless
/// (`safeAnswer: .yes`, for "Quitter ?" say), so Enter alone never deletes or unmasks anything.
/// The buttons show their keys ("Oui (o)", "Non (n)"): the words match the keys of the language.
/// Keys: the yes key and `n` answer at once; ←/→ or Tab move between the buttons; Enter presses
/// the focused one; Esc cancels.
public struct Dialog: Component, Hashable {
    public enum Kind: Hashable, Sendable {
        case confirm
        case error
        case prompt
    }

    public enum Outcome: Hashable, Sendable {
        /// Still open.
        case pending
        /// Yes / OK; a prompt gives its text.
        case accepted(String?)
        case cancelled
    }

    /// The answer Enter gives when the user has not moved.
    public enum SafeAnswer: Hashable, Sendable {
        case yes
        case no
    }

    public var kind: Kind
    public var title: String
    public var message: String
    public var field: TextField
    /// 0 for yes/OK, 1 for no/cancel.
    public var focusedButton = 0

    /// A yes/no question, on "Non" unless `safeAnswer` is `.yes`.
    public static func confirm(title: String, message: String, safeAnswer: SafeAnswer = .no) -> Dialog {
        Dialog(kind: .confirm, title: title, message: message, field: TextField(), focusedButton: safeAnswer == .no ? 1 : 0)
    }

    public static func error(title: String, message: String) -> Dialog {
        Dialog(kind: .error, title: title, message: message, field: TextField())
    }

    public static func prompt(title: String, message: String, text: String = "", placeholder: String = "") -> Dialog {
        Dialog(kind: .prompt, title: title, message: message, field: TextField(text, placeholder: placeholder))
    }

    /// The letter that says yes in the current language (`o` in French, `y` in English).
    public static var yesKey: Character { tr("ui.dialog.yes.key").first ?? "o" }
    public static var noKey: Character { tr("ui.dialog.no.key").first ?? "n" }

    private var buttons: [String] {
        switch kind {
        case .confirm:
            [tr("ui.dialog.button", ["label": tr("ui.dialog.yes"), "key": String(Self.yesKey)]),
             tr("ui.dialog.button", ["label": tr("ui.dialog.no"), "key": String(Self.noKey)])]
        case .error: [tr("ui.dialog.ok")]
        case .prompt: [tr("ui.dialog.ok"), tr("ui.dialog.cancel")]
        }
    }

    public var capturesText: Bool { kind == .prompt && focusedButton == 0 }

    public var keyMap: KeyMap { Self.keyMap }

    public var keyHints: [KeyHint] {
        switch kind {
        case .confirm:
            [KeyHint(String(Self.yesKey), tr("ui.dialog.yes")), KeyHint(String(Self.noKey), tr("ui.dialog.no")),
             KeyHint(.enter, tr("ui.help.dialog.press"))]
        case .error: [KeyHint(.enter, tr("ui.dialog.ok"))]
        case .prompt: [KeyHint(.enter, tr("ui.dialog.ok")), KeyHint(.escape, tr("ui.dialog.cancel"))]
        }
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        switch handle(key) {
        case .pending: return .handled
        case let outcome: return Update(closed: outcome)
        }
    }

    /// Handles a key; the outcome says whether the dialog is answered.
    public mutating func handle(_ key: Key) -> Outcome {
        if kind == .prompt, focusedButton == 0, key != .enter, key != .tab, key != .backTab, key != .escape, field.handle(key) {
            return .pending
        }
        switch key {
        case .escape:
            return kind == .error ? .accepted(nil) : .cancelled
        case .character(let letter) where kind == .confirm && letter.lowercased() == String(Self.yesKey):
            return .accepted(nil)
        case .character(let letter) where kind == .confirm && letter.lowercased() == String(Self.noKey):
            return .cancelled
        case .tab, .backTab, .left, .right, .character("h"), .character("l"):
            focusedButton = (focusedButton + 1) % buttons.count
        case .enter:
            if focusedButton == 1 { return .cancelled }
            return .accepted(kind == .prompt ? field.text : nil)
        default:
            break
        }
        return .pending
    }

    /// The keys of a dialog, for the help overlay.
    public static var keyMap: KeyMap {
        KeyMap(title: tr("ui.help.dialog"), bindings: [
            KeyBinding([.character(yesKey)], tr("ui.help.dialog.yes")),
            KeyBinding([.character(noKey), .escape], tr("ui.help.dialog.no")),
            KeyBinding([.tab, .left, .right], tr("ui.help.dialog.move")),
            KeyBinding([.enter], tr("ui.help.dialog.press")),
        ])
    }

    /// Draws the dialog centred in `area` (full width, unframed, over a cleared area in
    /// screen-reader mode). The cursor: on the field of a prompt, else on the focused button.
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let reader = context.screenReader
        // Framed: a border column and a margin on each side.
        let textWidth = reader ? area.width : max(1, min(area.width - 8, max(36, min(64, DisplayWidth.of(message)))))
        let lines = message.isEmpty ? [] : TextLayout.wrap(message, width: textWidth)
        let height = lines.count + (kind == .prompt ? 2 : 0) + 2 + (reader ? 1 : 2)
        let frame = reader ? area : area.centered(Size(width: textWidth + 4, height: height))
        buffer.fill(frame, style: context.style(.dialog))
        var inside = Box.draw(frame, title: title, into: &buffer, context: context, role: kind == .error ? .error : .border)
        if !reader { inside = inside.inset(left: 1, right: 1) }
        let style = context.style(kind == .error ? .error : .dialog)
        var y = inside.y
        for line in lines where y < inside.maxY {
            buffer.put(line, at: Point(x: inside.x, y: y), style: style, maxWidth: inside.width)
            y += 1
        }
        var cursor = Point(x: inside.x, y: y)
        if kind == .prompt {
            y += 1
            cursor = field.render(into: &buffer, area: Rect(x: inside.x, y: y, width: inside.width, height: 1),
                                  context: context, focused: focusedButton == 0)
            y += 1
        }
        y += 1
        var x = inside.x
        for (index, label) in buttons.enumerated() {
            let focused = index == focusedButton
            let text = focused ? "[\(context.symbols.pointer)\(label)]" : "[ \(label)]"
            let written = buffer.put(text, at: Point(x: x, y: y), style: context.style(focused ? .focus : .normal),
                                     maxWidth: inside.maxX - x)
            if focused && !(kind == .prompt && focusedButton == 0) { cursor = Point(x: x + 1, y: y) }
            x += written + 2
        }
        return Rendered(cursor: cursor)
    }
}
