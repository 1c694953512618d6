import L10n
import TerminalUI

/// Draws the shell: a pure function of its state and the terminal.
///
/// Rows: the header; below 120 columns a one-line numbered tab bar of the sections (from 120
/// columns, a list on the left instead); the screen; the message line; the key bar. A reader
/// takes the whole width. Screen-reader layout: the same, one after the other, no frames, and
/// the cursor always on what has the focus. An open dialog is drawn last, over everything.
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
        var buffer = CellBuffer(size: size, style: context.style(.normal), asciiOnly: !capabilities.utf8)
        if let lockScreen = shell.lockScreen { return renderLocked(lockScreen, &buffer, context) }
        guard shell.fits else { return renderTooSmall(&buffer, context) }
        let wide = shell.isWide && !context.screenReader
        let rows = buffer.bounds.splitRows([.fixed(1), .fixed(wide || context.screenReader ? 0 : 1), .fill(1), .fixed(1), .fixed(1)])
        drawHeader(&buffer, rows[0], context)
        var cursor: Point?
        if context.screenReader {
            cursor = drawLinearBody(&buffer, rows[2], context)
        } else if wide {
            cursor = drawWideBody(&buffer, rows[2], context)
        } else {
            let navigation = drawTabBar(&buffer, rows[1], context)
            let screenCursor = drawScreen(&buffer, rows[2], context)
            cursor = shell.focus == .navigation ? navigation : screenCursor ?? rows[2].origin
        }
        if let dialog = shell.openDialog {
            cursor = drawDialog(dialog, &buffer, rows[2], context)
        }
        switch shell.overlay {
        case .help(let scroll):
            let maps = helpMaps.filter { !$0.bindings.isEmpty }
            cursor = HelpOverlay.render(maps, scroll: scroll, into: &buffer, area: rows[2], context: context)
        case .messages(let scroll):
            cursor = MessageHistory.render(shell.messages, scroll: scroll, into: &buffer, area: rows[2], context: context)
        case nil:
            break
        }
        if shell.isWarningOfIdleEnd {
            cursor = Dialog.error(title: tr("lock.idle.title"), message: shell.idleWarningMessage)
                .render(into: &buffer, area: rows[2], context: context).cursor
        }
        drawMessageLine(&buffer, rows[3], context)
        KeyBar.render(keyHints, into: &buffer, area: rows[4], context: context)
        let showCursor = context.screenReader || shell.overlay != nil || shell.openDialog != nil || shell.isWarningOfIdleEnd
            || (shell.focus == .content && shell.screen.capturesText)
        return Frame(buffer: buffer, cursor: showCursor ? cursor : nil, announcement: shell.announcement)
    }

    /// The help of what has the keys: the open dialog's, else the screen's; then the shell's.
    private var helpMaps: [KeyMap] {
        if let dialog = shell.openDialog { return [dialog.keyMap] }
        return [shell.screen.keyMap, shell.keyMap]
    }

    /// The keys that matter now: the dialog's alone while one is open; else the screen's, then
    /// the shell's few.
    var keyHints: [KeyHint] {
        if shell.overlay != nil { return [KeyHint(.escape, tr("keys.close"))] }
        if let dialog = shell.openDialog { return dialog.keyHints }
        var hints = shell.focus == .content ? shell.screen.keyHints : [KeyHint(.enter, tr("keys.open-section"))]
        hints += [KeyHint("1-8", tr("keys.sections"))]
        if shell.header.lock != .noVault || shell.sync.last != .notConnected { hints.append(KeyHint("$", tr("keys.sync"))) }
        hints += [KeyHint("!", tr("keys.messages")), KeyHint("q", tr(shell.isKiosk ? "kiosk.end-session" : "keys.quit"))]
        return hints
    }

    /// `mes │ Profil : … (aidant pour …) │ Synchro : … │ Coffre : …`. The state words always show
    /// in full; the names share what is left (each cut with an ellipsis, never dropped).
    private func drawHeader(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) {
        let style = context.style(.header)
        buffer.fill(area, style: style)
        let separator = context.screenReader ? ". " : " \(context.symbols.separator) "
        let actingFor = shell.header.actingFor.map { Sanitizer.sanitize($0, policy: .name) }
        // Acting for someone in their space: "Profil : aidant pour Hélène MARTINEAU".
        let profile = shell.header.profileName.map { Sanitizer.sanitize($0, policy: .name) }
            ?? actingFor.map { tr("header.acting-for.alone", ["name": $0]) } ?? tr("header.no-profile")
        let acting = shell.header.profileName == nil ? "" : actingFor.map { " " + tr("header.acting-for", ["name": $0]) } ?? ""
        // A kiosk visitor always sees how to end the session; there is no lock to speak of.
        let states = separator + tr("header.sync", ["state": shell.sync.word])
            + separator + (shell.isKiosk ? KeyBar.text(KeyHint(AppShell.endSessionKey, tr("kiosk.end-session")))
                                         : tr("header.lock", ["state": shell.header.lock.word]))
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
        buffer.put(" " + TextLayout.truncate(line, to: area.width - 1, ellipsis: ellipsis), at: area.origin, style: style,
                   maxWidth: area.width)
    }

    /// From 120 columns: the sections on the left, a rule, the screen's title and the screen.
    private func drawWideBody(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point? {
        let navigationWidth = (AppSection.allCases.map { DisplayWidth.of($0.label) }.max() ?? 20) + 4
        let columns = area.splitColumns([.fixed(navigationWidth), .fixed(1), .fill(1)])
        let navigation = drawNavigation(&buffer, columns[0], context)
        for y in columns[1].y..<columns[1].maxY {
            buffer.put(context.symbols.vertical, at: Point(x: columns[1].x, y: y), style: context.style(.border))
        }
        let content = columns[2].inset(left: 1, right: 1)
        buffer.put(shell.section.title, at: content.origin, style: context.style(.title), maxWidth: content.width)
        Box.rule(content.inset(top: 1), into: &buffer, context: context)
        let screenCursor = drawScreen(&buffer, content.inset(top: 2), context)
        return shell.focus == .navigation ? navigation : screenCursor ?? content.origin
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

    /// Below 120 columns: `1 Accueil [2 Documents] 3 Profil …` on one line, the current section
    /// bracketed and styled. In screen-reader mode: "Documents, section 2 sur 8." alone.
    private func drawTabBar(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point {
        let current = shell.section
        let role: Role = shell.focus == .navigation ? .navigationSelected : .selection
        buffer.fill(area, style: context.style(.navigation))
        let labels = AppSection.allCases.map { "\($0.digit) \($0.shortTitle)" }
        let index = current.rawValue - 1
        // One space between tabs; the current one in brackets. Start far enough left that the
        // current tab shows whole; a cut end says so with an ellipsis.
        func width(from start: Int) -> Int {
            labels[start...].reduce(0) { $0 + DisplayWidth.of($1) + 1 } + 2 + (start > 0 ? 2 : 0)
        }
        var first = 0
        while first < index, width(from: first) > area.width { first += 1 }
        var x = area.x
        var cursor = area.origin
        if first > 0 {
            x += buffer.put(context.symbols.ellipsis + " ", at: Point(x: x, y: area.y), style: context.style(.navigation))
        }
        for (position, label) in labels.enumerated().dropFirst(first) {
            let isCurrent = position == index
            let text = isCurrent ? "[\(label)]" : label
            let room = area.maxX - x - (position == labels.count - 1 ? 0 : 2)
            if DisplayWidth.of(text) > room {
                buffer.put(context.symbols.ellipsis, at: Point(x: x, y: area.y), style: context.style(.navigation))
                break
            }
            if isCurrent { cursor = Point(x: x + 1, y: area.y) }
            x += buffer.put(text, at: Point(x: x, y: area.y), style: context.style(isCurrent ? role : .navigation))
            x += buffer.put(" ", at: Point(x: x, y: area.y), style: context.style(.navigation))
        }
        return cursor
    }

    /// Screen-reader layout: the sections on one (wrapped) line, the place, then the screen.
    private func drawLinearBody(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point? {
        let list = tr("nav.sections-line", ["sections": AppSection.allCases.map(\.label).joined(separator: ", ")])
        var y = area.y
        for line in TextLayout.wrap(list, width: area.width) where y < area.maxY {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.navigation), maxWidth: area.width)
            y += 1
        }
        let current = shell.section
        let place = tr("nav.arrived", ["section": current.title, "number": String(current.digit), "total": String(AppSection.allCases.count)])
        buffer.put(place, at: Point(x: area.x, y: y), style: context.style(.title), maxWidth: area.width)
        let placeCursor = Point(x: area.x, y: y)
        let screenArea = Rect(x: area.x, y: y + 2, width: area.width, height: area.maxY - y - 2)
        let screenCursor = drawScreen(&buffer, screenArea, context)
        return shell.focus == .navigation ? placeCursor : screenCursor ?? placeCursor
    }

    /// The current screen in `area`; returns its cursor.
    private func drawScreen(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point? {
        var screenContext = context
        screenContext.focused = shell.focus == .content && shell.overlay == nil && shell.openDialog == nil
        return shell.screen.render(into: &buffer, area: area, context: screenContext).cursor
    }

    /// A dialog over the screen; in screen-reader mode it clears the area first and takes it all.
    private func drawDialog(_ dialog: any Component, _ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) -> Point? {
        if context.screenReader { buffer.fill(area, style: context.style(.normal)) }
        return dialog.render(into: &buffer, area: area, context: context).cursor
    }

    /// The last message, cut with an ellipsis when longer than the line (`!` shows it whole).
    private func drawMessageLine(_ buffer: inout CellBuffer, _ area: Rect, _ context: ViewContext) {
        let style = context.style(.status)
        buffer.fill(area, style: style)
        let text = TextLayout.truncate(shell.announcement ?? "", to: max(0, area.width - 2), ellipsis: context.symbols.ellipsis)
        buffer.put(" " + text, at: area.origin, style: style, maxWidth: area.width)
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
        if let dialog = shell.openDialog, y + 1 < size.height {
            cursor = dialog.render(into: &buffer, area: Rect(x: 0, y: y + 1, width: size.width, height: size.height - y - 1),
                                   context: linear).cursor ?? cursor
        }
        return Frame(buffer: buffer, cursor: cursor, announcement: AppShell.tooSmallMessage(size))
    }
}

/// The key bar: `Entrée ouvrir  / chercher  …  ? aide`. A hint that does not fit is left out
/// whole (never cut), and the help key always shows, last (unless the screen has no help: `help` false).
public enum KeyBar {
    public static func render(_ hints: [KeyHint], into buffer: inout CellBuffer, area: Rect, context: ViewContext, help hasHelp: Bool = true) {
        guard !area.isEmpty else { return }
        let style = context.style(.status)
        buffer.fill(area, style: style)
        let help = KeyHint("?", tr("keys.help"))
        let all = hints.filter { $0.key != "?" }
        let separator = context.screenReader ? ", " : "  "
        let helpText = hasHelp ? text(help) : ""
        var room = area.width - 2 - DisplayWidth.of(helpText)
        var shown: [String] = []
        for hint in all {
            let piece = text(hint)
            let needed = DisplayWidth.of(piece) + DisplayWidth.of(separator)
            if needed > room { continue }
            shown.append(piece)
            room -= needed
        }
        if hasHelp { shown.append(helpText) }
        var x = area.x + 1
        for (index, piece) in shown.enumerated() {
            if index > 0 { x += buffer.put(separator, at: Point(x: x, y: area.y), style: style) }
            // The key in bold, its word plain: the bar reads as pairs.
            let key = String(piece.prefix { $0 != " " })
            let keyWidth = buffer.put(key, at: Point(x: x, y: area.y), style: style.adding(.bold))
            x += keyWidth + buffer.put(String(piece.dropFirst(key.count)), at: Point(x: x + keyWidth, y: area.y), style: style)
        }
    }

    static func text(_ hint: KeyHint) -> String { hint.key + " " + hint.action }
}

/// The history of the message line (`!`), newest last, each message whole (wrapped).
enum MessageHistory {
    static func render(_ messages: [String], scroll: Int, into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        buffer.fill(area, style: context.style(.dialog))
        var inside = Box.draw(area, title: tr("messages.title"), into: &buffer, context: context)
        if !context.screenReader { inside = inside.inset(left: 1, right: 1) }
        let lines = messages.flatMap { message in TextLayout.wrap("- " + message, width: inside.width) }
        let height = max(0, inside.height - 1)
        let last = max(0, lines.count - scroll)
        let first = max(0, last - height)
        for (offset, line) in lines[first..<last].enumerated() {
            buffer.put(line, at: Point(x: inside.x, y: inside.y + offset), style: context.style(.dialog), maxWidth: inside.width)
        }
        buffer.put(tr("messages.close"), at: Point(x: inside.x, y: inside.maxY - 1), style: context.style(.muted), maxWidth: inside.width)
        return context.screenReader ? area.origin : Point(x: area.x + 3, y: area.y)
    }
}
