import L10n

/// The help screen (`?` or F1), built from the key maps of what is on screen.
public enum HelpOverlay {
    /// The help's lines: one heading per key map, then one line per binding.
    public static func lines(_ keyMaps: [KeyMap], symbols: Symbols) -> [(text: String, isHeading: Bool)] {
        let keyWidth = min(24, (keyMaps.flatMap(\.bindings).map { DisplayWidth.of($0.keyLabels(symbols)) }.max() ?? 0) + 2)
        var lines: [(String, Bool)] = []
        for map in keyMaps {
            if !lines.isEmpty { lines.append(("", false)) }
            lines.append((map.title, true))
            for binding in map.bindings {
                lines.append(("  " + TextLayout.pad(binding.keyLabels(symbols), to: keyWidth) + binding.action, false))
            }
        }
        return lines
    }

    /// Draws the help over `area`: a framed box, or the whole area in screen-reader mode.
    /// `scroll` is the first line shown. Returns the cursor (on the title).
    @discardableResult
    public static func render(_ keyMaps: [KeyMap], scroll: Int, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext) -> Point {
        let content = lines(keyMaps, symbols: context.symbols)
        let width = context.screenReader ? area.width
            : min(area.width, max(50, (content.map { DisplayWidth.of($0.text) }.max() ?? 0) + 4))
        let frame = context.screenReader ? area : area.centered(Size(width: width, height: min(area.height, content.count + 4)))
        buffer.fill(frame, style: context.style(.dialog))
        let inside = Box.draw(frame, title: tr("ui.help.title"), into: &buffer, context: context)
        let body = inside.inset(left: context.screenReader ? 0 : 1, bottom: 1, right: context.screenReader ? 0 : 1)
        let first = max(0, min(scroll, content.count - body.height))
        for (offset, line) in content.dropFirst(first).prefix(body.height).enumerated() {
            buffer.put(line.text, at: Point(x: body.x, y: body.y + offset),
                       style: context.style(line.isHeading ? .title : .dialog), maxWidth: body.width)
        }
        buffer.put(tr("ui.help.close"), at: Point(x: body.x, y: inside.maxY - 1), style: context.style(.muted),
                   maxWidth: body.width)
        return context.screenReader ? area.origin : Point(x: frame.x + 3, y: frame.y)
    }
}
