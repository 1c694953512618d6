import L10n

/// A modal dialog: a question to confirm, an error to acknowledge, or a prompt for a line of text.
///
/// Keys: `o`/`y` and `n` answer a question directly; ←/→ or Tab move between the buttons;
/// Enter presses the focused one; Esc cancels.
public struct Dialog: Hashable, Sendable {
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

    public var kind: Kind
    public var title: String
    public var message: String
    public var field: TextField
    /// 0 for yes/OK, 1 for no/cancel.
    public var focusedButton = 0

    public static func confirm(title: String, message: String) -> Dialog {
        Dialog(kind: .confirm, title: title, message: message, field: TextField())
    }

    public static func error(title: String, message: String) -> Dialog {
        Dialog(kind: .error, title: title, message: message, field: TextField())
    }

    public static func prompt(title: String, message: String, text: String = "", placeholder: String = "") -> Dialog {
        Dialog(kind: .prompt, title: title, message: message, field: TextField(text, placeholder: placeholder))
    }

    private var buttons: [String] {
        switch kind {
        case .confirm: [tr("ui.dialog.yes"), tr("ui.dialog.no")]
        case .error: [tr("ui.dialog.ok")]
        case .prompt: [tr("ui.dialog.ok"), tr("ui.dialog.cancel")]
        }
    }

    public mutating func handle(_ key: Key) -> Outcome {
        if kind == .prompt, focusedButton == 0, key != .enter, key != .tab, key != .backTab, field.handle(key) {
            return .pending
        }
        switch key {
        case .escape:
            return kind == .error ? .accepted(nil) : .cancelled
        case .character("o"), .character("y"), .character("O"), .character("Y"):
            if kind == .confirm { return .accepted(nil) }
        case .character("n"), .character("N"):
            if kind == .confirm { return .cancelled }
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
            KeyBinding([.character("o"), .character("y")], tr("ui.help.dialog.yes")),
            KeyBinding([.character("n"), .escape], tr("ui.help.dialog.no")),
            KeyBinding([.tab, .left, .right], tr("ui.help.dialog.move")),
            KeyBinding([.enter], tr("ui.help.dialog.press")),
        ])
    }

    /// Draws the dialog centred in `area` (full width, unframed in screen-reader mode).
    /// Returns the cursor: on the field of a prompt, else on the focused button.
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        let innerWidth = context.screenReader ? area.width : min(area.width - 4, max(40, min(60, DisplayWidth.of(message) + 4)))
        let lines = TextLayout.wrap(message, width: max(1, innerWidth - (context.screenReader ? 0 : 2)))
        let height = lines.count + (kind == .prompt ? 2 : 0) + 2 + (context.screenReader ? 1 : 2)
        let frame = context.screenReader ? Rect(x: area.x, y: area.y, width: area.width, height: min(area.height, height))
            : area.centered(Size(width: innerWidth, height: height))
        let style = context.style(kind == .error ? .error : .dialog)
        buffer.fill(frame, style: context.style(.dialog))
        var inside = Box.draw(frame, title: title, into: &buffer, context: context, role: kind == .error ? .error : .border)
        if !context.screenReader { inside = inside.inset(left: 1, right: 1) }
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
        return cursor
    }
}
