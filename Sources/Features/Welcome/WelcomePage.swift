import Foundation
import TerminalUI

/// The shape the kiosk's welcome and the first run share: a header line, a body of wrapped
/// sentences and labelled one-line fields, a status line and a key bar with no help key (every
/// word these screens need is on them). Screen-reader layout: no margins.
struct WelcomePage {
    private(set) var buffer: CellBuffer
    let context: ViewContext
    private let rows: [Rect]
    let body: Rect
    /// The next free row of the body.
    var y: Int

    init(size: Size, capabilities: TerminalCapabilities, screenReader: Bool, header: String) {
        context = ViewContext(size: size, theme: Theme(.standard, usesColor: capabilities.colors), symbols: capabilities.symbols,
                              screenReader: screenReader)
        buffer = CellBuffer(size: size, style: context.style(.normal), asciiOnly: !capabilities.utf8)
        rows = buffer.bounds.splitRows([.fixed(1), .fill(1), .fixed(1), .fixed(1)])
        buffer.fill(rows[0], style: context.style(.header))
        buffer.put(" " + header, at: rows[0].origin, style: context.style(.header), maxWidth: rows[0].width)
        body = screenReader ? rows[1] : rows[1].inset(left: 2, right: 2)
        y = body.y + (screenReader ? 0 : 1)
    }

    /// A sentence, wrapped to the body's width.
    mutating func line(_ text: String, _ role: Role = .normal) {
        for piece in TextLayout.wrap(text, width: body.width) where y < body.maxY {
            buffer.put(piece, at: Point(x: body.x, y: y), style: context.style(role), maxWidth: body.width)
            y += 1
        }
    }

    /// A title, a blank row, a sentence, a blank row.
    mutating func heading(_ title: String, _ text: String) {
        line(title, .title)
        y += 1
        line(text)
        y += 1
    }

    /// A text at the start of the current row (not wrapped); returns where it starts.
    mutating func put(_ text: String, _ role: Role, indent: Int = 0) -> Point {
        let origin = Point(x: body.x + indent, y: y)
        buffer.put(text, at: origin, style: context.style(role), maxWidth: max(0, body.width - indent))
        y += 1
        return origin
    }

    /// A label and a one-line field drawn by `draw` in the room after it; returns the field's cursor.
    mutating func field(_ label: String, gap: Int = 1, draw: (inout CellBuffer, Rect) -> Point) -> Point {
        let labelWidth = min(DisplayWidth.of(label), body.width / 2)
        buffer.put(label, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: labelWidth)
        let area = Rect(x: body.x + labelWidth, y: y, width: max(1, min(44, body.width - labelWidth)), height: 1)
        let cursor = draw(&buffer, area)
        y += 1 + gap
        return cursor
    }

    /// The notice under the fields, the status line, the key bar; the cursor (on the status line
    /// while waiting, for a screen reader).
    consuming func frame(notice: String?, waiting: Bool, status: String, hints: [KeyHint], cursor: Point?) -> Frame {
        if let notice {
            y += 1
            line(notice, waiting ? .normal : .warning)
        }
        let style = context.style(.status)
        buffer.fill(rows[2], style: style)
        let statusLine = TextLayout.truncate(notice ?? status, to: max(1, rows[2].width - 2), ellipsis: context.symbols.ellipsis)
        buffer.put(" " + statusLine, at: rows[2].origin, style: style, maxWidth: rows[2].width)
        KeyBar.render(hints, into: &buffer, area: rows[3], context: context, help: false)
        let shown = waiting ? (context.screenReader ? rows[2].origin : nil) : cursor
        return Frame(buffer: buffer, cursor: shown, announcement: notice)
    }
}

/// What a key does in a one-time code's field (the kiosk's welcome and the first run).
enum CodeEntry {
    case typed
    case back
    case missing
    case submit(String)

    static func handle(_ key: Key, _ field: inout TextField) -> CodeEntry {
        switch key {
        case .escape: return .back
        case .enter:
            let typed = field.text.trimmingCharacters(in: .whitespaces)
            return typed.isEmpty ? .missing : .submit(typed)
        default:
            _ = field.handle(key)
            return .typed
        }
    }
}
