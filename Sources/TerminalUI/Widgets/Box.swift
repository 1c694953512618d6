/// Frames and separators. In screen-reader mode nothing decorative is drawn: callers use
/// `Box.content` to know where to draw, which is the whole area then.
public enum Box {
    /// Draws a frame around `area` with an optional title, and returns the inside.
    /// In screen-reader mode, draws only the title on the first row (no frame).
    @discardableResult
    public static func draw(_ area: Rect, title: String? = nil, into buffer: inout CellBuffer, context: ViewContext,
                            role: Role = .border) -> Rect {
        guard !area.isEmpty else { return area }
        if context.screenReader {
            guard let title else { return area }
            buffer.put(title, at: area.origin, style: context.style(.title), maxWidth: area.width)
            return area.inset(top: 1)
        }
        let symbols = context.symbols
        let style = context.style(role)
        guard area.width >= 2, area.height >= 2 else { return area }
        let horizontal = String(repeating: symbols.horizontal, count: area.width - 2)
        buffer.put(symbols.topLeft + horizontal + symbols.topRight, at: area.origin, style: style)
        buffer.put(symbols.bottomLeft + horizontal + symbols.bottomRight, at: Point(x: area.x, y: area.maxY - 1), style: style)
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer.put(symbols.vertical, at: Point(x: area.x, y: y), style: style)
            buffer.put(symbols.vertical, at: Point(x: area.maxX - 1, y: y), style: style)
        }
        if let title, area.width > 6 {
            buffer.put(" \(TextLayout.truncate(title, to: area.width - 6, ellipsis: symbols.ellipsis)) ",
                       at: Point(x: area.x + 2, y: area.y), style: context.style(.title))
        }
        return area.inset(by: 1)
    }

    /// A horizontal rule across `area`'s first row (a blank row in screen-reader mode).
    public static func rule(_ area: Rect, into buffer: inout CellBuffer, context: ViewContext) {
        guard !area.isEmpty, !context.screenReader else { return }
        buffer.put(String(repeating: context.symbols.horizontal, count: area.width), at: area.origin,
                   style: context.style(.border))
    }
}
