import L10n

/// What a text field and a text area share to be components: keys edit, the render is the
/// field's own with the focus of the context.
public protocol TextEditing: Component {
    /// Handles an editing key; false for keys the field does not use.
    mutating func handle(_ key: Key) -> Bool
    /// Draws the text; returns where the insertion point is.
    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point
}

extension TextEditing {
    public var keyMap: KeyMap { KeyMap(title: tr("ui.field.title"), bindings: []) }
    public var capturesText: Bool { true }

    public mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        return handle(key) ? .handled : .ignored
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        Rendered(cursor: render(into: &buffer, area: area, context: context, focused: context.focused))
    }
}
