import L10n

/// A modal list to pick one option from (a category, a sort…): ↑/↓ to move, Enter to choose,
/// Esc to leave it as it was. Framed over what is under it; in screen-reader mode it takes the
/// whole area, cleared first, one option a line.
public struct Chooser: Component, Hashable {
    public enum Outcome: Hashable, Sendable {
        case chosen(Int)
        case cancelled
    }

    public var title: String
    public var options: [String]
    public private(set) var list: ListState

    public init(title: String, options: [String], selected: Int = 0) {
        self.title = title
        self.options = options
        list = ListState(count: options.count, selected: selected)
    }

    public var selected: Int { list.selected }

    public var keyMap: KeyMap {
        KeyMap(title: title, bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("ui.chooser.move")),
            KeyBinding([.enter], tr("ui.chooser.choose")),
            KeyBinding([.escape], tr("ui.chooser.cancel")),
        ])
    }

    public var keyHints: [KeyHint] {
        [KeyHint(.enter, tr("ui.chooser.choose")), KeyHint(.escape, tr("ui.chooser.cancel"))]
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        switch key {
        case .escape, .character("q"):
            return Update(announcement: tr("ui.chooser.cancelled"), closed: Outcome.cancelled)
        case .enter, .character(" "):
            return Update(closed: Outcome.chosen(list.selected))
        default:
            guard let motion = key.motion, motion != .left, motion != .right else { return .handled }
            list.move(motion, visibleRows: 10)
            return .say(options.indices.contains(list.selected)
                        ? options[list.selected] + ", " + list.position : nil)
        }
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let width = context.screenReader ? area.width
            : min(area.width, (options.map(DisplayWidth.of).max() ?? 20) + 8)
        let box = context.screenReader ? area
            : Rect(x: area.x, y: area.y, width: width, height: min(area.height, options.count + 2))
        buffer.fill(box, style: context.style(.dialog))
        var inner = Box.draw(box, title: title, into: &buffer, context: context)
        if !context.screenReader { inner = inner.inset(left: 1, right: 1) }
        let cursor = ListView.render(list, row: { options[$0] }, into: &buffer, area: inner, context: context, focused: true)
        return Rendered(cursor: cursor)
    }
}
