import L10n
import TerminalUI

/// Draws the shell: a pure function of its state and the terminal.
///
/// Normal layout: header on the first row, the sections on the left, the screen on the right,
/// the status line at the bottom. Screen-reader layout: the same, one after the other, with no
/// frames, and the cursor always on what has the focus.
struct ShellView {
    let shell: AppShell
    let size: Size
    let capabilities: TerminalCapabilities

    var context: ViewContext {
        ViewContext(size: size, theme: Theme(shell.settings.theme, usesColor: capabilities.colors),
                    symbols: capabilities.symbols, screenReader: shell.settings.screenReader)
    }

    func render() -> Frame {
        let context = self.context
        var buffer = CellBuffer(size: size, style: context.style(.normal))
        if let lockScreen = shell.lockScreen { return renderLocked(lockScreen, &buffer, context) }
        guard shell.fits else { return renderTooSmall(&buffer, context) }
        let rows = buffer.bounds.splitRows([.fixed(1), .fill(1), .fixed(1)])
        drawHeader(&buffer, rows[0], context)
        var cursor = context.screenReader ? drawLinearBody(&buffer, rows[1], context) : drawBody(&buffer, rows[1], context)
        switch shell.overlay {
        case .help(let scroll):
            let maps = [shell.screen.keyMap, shell.keyMap].filter { !$0.bindings.isEmpty }
            cursor = HelpOverlay.render(maps, scroll: scroll, into: &buffer, area: rows[1], context: context)
        case .quit(let dialog):
            cursor = dialog.render(into: &buffer, area: rows[1], context: context)
        case nil:
            break
        }
        if shell.isWarningOfIdleEnd {
            cursor = Dialog.error(title: tr("lock.idle.title"), message: AppShell.idleWarningMessage)
                .render(into: &buffer, area: rows[1], context: context)
        }
        drawStatus(&buffer, rows[2], context)
        let showCursor = context.screenReader || shell.overlay != nil || shell.isWarningOfIdleEnd
            || (shell.focus == .content && shell.screen.capturesText)
        return Frame(buffer: buffer, cursor: showCursor ? cursor : nil, announcement: shell.announcement)
    }

    /// `mes │ Profil : … (aidant pour …) │ Synchro : … │ Coffre : …`. The state words always show
    /// in full; the names share what is left (each cut with an ellipsis, never dropped).
    private func drawHeader(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) {
        let style = context.style(.header)
        buffer.fill(area, style: style)
        let separator = context.screenReader ? ". " : " \(context.symbols.separator) "
        let profile = shell.header.profileName.map { Sanitizer.sanitize($0, policy: .name) } ?? tr("header.no-profile")
        let acting = shell.header.actingFor.map { " " + tr("header.acting-for", ["name": Sanitizer.sanitize($0, policy: .name)]) } ?? ""
        let states = separator + tr("header.sync", ["state": shell.header.sync.word])
            + separator + tr("header.lock", ["state": shell.header.lock.word])
        let profileLabel = tr("header.profile", ["name": ""])
        var title = "mes" + separator
        var room = area.width - 2 - DisplayWidth.of(title + profileLabel + states)
        if DisplayWidth.of(profile + acting) > room {
            title = ""
            room += DisplayWidth.of("mes" + separator)
        }
        let actingWidth = DisplayWidth.of(acting)
        let nameRoom = max(1, min(DisplayWidth.of(profile), max(room / 2, room - actingWidth)))
        let ellipsis = context.symbols.ellipsis
        let line = title + profileLabel + TextLayout.truncate(profile, to: nameRoom, ellipsis: ellipsis)
            + TextLayout.truncate(acting, to: max(0, room - nameRoom), ellipsis: ellipsis) + states
        buffer.put(" " + line, at: area.origin, style: style, maxWidth: area.width)
    }

    private func drawBody(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point {
        let navigationWidth = (AppSection.allCases.map { DisplayWidth.of($0.label) }.max() ?? 20) + 4
        let columns = area.splitColumns([.fixed(navigationWidth), .fixed(1), .fill(1)])
        var cursor = drawNavigation(&buffer, columns[0], context)
        for y in columns[1].y..<columns[1].maxY {
            buffer.put(context.symbols.vertical, at: Point(x: columns[1].x, y: y), style: context.style(.border))
        }
        let content = columns[2].inset(left: 1, right: 1)
        buffer.put(shell.section.title, at: content.origin, style: context.style(.title), maxWidth: content.width)
        Box.rule(content.inset(top: 1), into: &buffer, context: context)
        let screenArea = content.inset(top: 3)
        let screenCursor = shell.screen.render(into: &buffer, area: screenArea, context: screenContext(context))
        if shell.focus == .content { cursor = screenCursor ?? content.origin }
        return cursor
    }

    /// The sections, one a row, the current one marked by a pointer and by its style.
    private func drawNavigation(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point {
        var cursor = area.origin
        for (index, section) in AppSection.allCases.enumerated() {
            let y = area.y + 1 + index
            guard y < area.maxY else { break }
            let current = section == shell.section
            let role: Role = current ? (shell.focus == .navigation ? .navigationSelected : .selection) : .navigation
            let marker = current ? context.symbols.pointer : " "
            let row = Rect(x: area.x, y: y, width: area.width, height: 1)
            buffer.fill(row, style: context.style(role))
            buffer.put("\(marker) \(section.label)", at: Point(x: area.x + 1, y: y), style: context.style(role), maxWidth: area.width - 1)
            if current { cursor = Point(x: area.x + 3, y: y) }
        }
        return cursor
    }

    /// Screen-reader layout: the sections on one (wrapped) line, then the screen below, no frames.
    private func drawLinearBody(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point {
        let list = tr("nav.sections-line", ["sections": AppSection.allCases.map(\.label).joined(separator: ", ")])
        var y = area.y
        var cursor = area.origin
        for line in TextLayout.wrap(list, width: area.width) where y < area.maxY {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.navigation), maxWidth: area.width)
            y += 1
        }
        y += 1
        let title = tr("nav.arrived", ["section": shell.section.title, "number": String(shell.section.digit),
                                       "total": String(AppSection.allCases.count)])
        buffer.put(title, at: Point(x: area.x, y: y), style: context.style(.title), maxWidth: area.width)
        if shell.focus == .navigation { cursor = Point(x: area.x, y: y) }
        let screenArea = Rect(x: area.x, y: y + 2, width: area.width, height: area.maxY - y - 2)
        let screenCursor = shell.screen.render(into: &buffer, area: screenArea, context: screenContext(context))
        if shell.focus == .content { cursor = screenCursor ?? Point(x: area.x, y: y) }
        return cursor
    }

    private func screenContext(_ context: ViewContext) -> ScreenContext {
        ScreenContext(view: context, focused: shell.focus == .content && shell.overlay == nil,
                      settings: shell.settings, capabilities: capabilities)
    }

    /// The announcement on the left, the two keys everyone needs on the right.
    private func drawStatus(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) {
        let style = context.style(.status)
        buffer.fill(area, style: style)
        let hints = tr("shell.hints")
        let hintsWidth = DisplayWidth.of(hints)
        let room = area.width - hintsWidth - 3
        buffer.put(" " + TextLayout.truncate(shell.announcement ?? "", to: max(0, room), ellipsis: context.symbols.ellipsis),
                   at: area.origin, style: style, maxWidth: max(0, room + 1))
        buffer.put(hints, at: Point(x: area.maxX - hintsWidth - 1, y: area.y), style: style)
    }

    /// Below 80x24: a clear message instead of a broken layout (and the quit question, if asked).
    private func renderTooSmall(_ buffer: inout CellBuffer, _ context: ViewContext) -> Frame {
        var linear = context
        linear.screenReader = true
        var lines = TextLayout.wrap(AppShell.tooSmallMessage(size), width: size.width)
        lines += TextLayout.wrap(tr("shell.too-small.hint"), width: size.width)
        var y = 0
        for line in lines where y < size.height {
            buffer.put(line, at: Point(x: 0, y: y), style: context.style(y == 0 ? .warning : .normal))
            y += 1
        }
        var cursor = Point(x: 0, y: 0)
        if case .quit(let dialog) = shell.overlay, y + 1 < size.height {
            cursor = dialog.render(into: &buffer, area: Rect(x: 0, y: y + 1, width: size.width, height: size.height - y - 1),
                                   context: linear)
        }
        return Frame(buffer: buffer, cursor: cursor, announcement: AppShell.tooSmallMessage(size))
    }
}
