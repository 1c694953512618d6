import L10n

/// A row of tabs; the chosen one is bracketed and styled (never shown by colour alone).
public enum Tabs {
    /// Draws the titles on `area`'s first row. Returns the cursor (on the chosen tab).
    @discardableResult
    public static func render(_ titles: [String], selected: Int, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext, focused: Bool) -> Point {
        guard !area.isEmpty, titles.indices.contains(selected) else { return area.origin }
        if context.screenReader {
            let text = tr("ui.tabs.position", ["title": titles[selected], "index": String(selected + 1), "count": String(titles.count)])
            buffer.put(text, at: area.origin, style: context.style(focused ? .focus : .title), maxWidth: area.width)
            return area.origin
        }
        var x = area.x
        var cursor = area.origin
        for (index, title) in titles.enumerated() {
            let chosen = index == selected
            let label = chosen ? "[\(title)]" : " \(title) "
            if chosen { cursor = Point(x: x + 1, y: area.y) }
            let style = context.style(chosen ? (focused ? .focus : .selection) : .normal)
            x += buffer.put(label, at: Point(x: x, y: area.y), style: style, maxWidth: area.maxX - x) + 1
            if x >= area.maxX { break }
        }
        return cursor
    }
}

/// A progress bar with its percentage in figures (read by screen readers, shown in monochrome).
public enum ProgressBar {
    public static func render(fraction: Double, label: String = "", into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext) {
        guard !area.isEmpty else { return }
        let clamped = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let percent = tr("ui.progress.percent", ["value": LocalFormat.decimal(clamped * 100)])
        let text = label.isEmpty ? percent : "\(label) \(percent)"
        if context.screenReader {
            buffer.put(text, at: area.origin, style: context.style(.normal), maxWidth: area.width)
            return
        }
        let barWidth = max(0, area.width - DisplayWidth.of(text) - 3)
        let filled = Int((Double(barWidth) * clamped).rounded())
        let bar = String(repeating: context.symbols.barFull, count: filled)
            + String(repeating: context.symbols.barEmpty, count: barWidth - filled)
        buffer.put("[", at: area.origin, style: context.style(.normal))
        buffer.put(bar, at: Point(x: area.x + 1, y: area.y), style: context.style(.chart))
        buffer.put("] " + text, at: Point(x: area.x + 1 + barWidth, y: area.y), style: context.style(.normal),
                   maxWidth: area.width - barWidth - 1)
    }
}
