import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// One document open for reading, on the whole width: its details, then its content as text,
/// as a lab report table, or as what can be said of it (images, PDF without `pdftotext`); or
/// its history. Pure: what it shows arrives as events from the Documents screen's effects.
///
/// Its update asks its parent for the actions on the document (`DocumentsAction` in
/// `Update.requests`) and closes with `Update.closed`.
struct DocumentReader: Component {
    enum Body: Sendable, Equatable {
        case loading
        /// The content is not in the vault and cannot be fetched now.
        case notFetched
        case reading(DocumentReading)
        case failed(String)
        case history([String])
    }

    let documentID: String
    private(set) var summary: DocumentSummary
    private(set) var note: String?
    private(set) var body = Body.loading
    private(set) var scroll = 0
    /// The content body while the history is shown over it.
    private var hiddenBody: Body?

    init(summary: DocumentSummary) {
        documentID = summary.id
        self.summary = summary
    }

    var keyMap: KeyMap {
        KeyMap(title: tr("documents.viewer.title"), bindings: [
            KeyBinding([.up, .down, .pageUp, .pageDown], tr("documents.help.scroll")),
            KeyBinding([.escape, .left], tr("documents.help.back")),
            KeyBinding([.character("m")], tr("documents.help.mask")),
            KeyBinding([.character("H")], tr("documents.help.history")),
            KeyBinding([.character("e"), .character("p")], tr("documents.help.export")),
            KeyBinding([.character("d")], tr("documents.help.delete")),
        ])
    }

    var keyHints: [KeyHint] {
        [KeyHint(.escape, tr("documents.hint.back")), KeyHint("↑↓", tr("documents.hint.scroll")),
         KeyHint("m", summary.isMasked ? tr("documents.hint.unmask") : tr("documents.hint.mask")),
         KeyHint("H", tr("documents.hint.history")), KeyHint("e", tr("documents.hint.export")),
         KeyHint("p", tr("documents.hint.print")), KeyHint("d", tr("documents.hint.delete"))]
    }

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return handle(key)
        case .event(let event as DocumentsEvent): return receive(event)
        default: return .ignored
        }
    }

    private mutating func receive(_ event: DocumentsEvent) -> Update {
        switch event {
        case .opened(let id, let note, let body) where id == documentID:
            self.note = note
            if case .history = self.body { hiddenBody = body } else { self.body = body }
            switch body {
            case .failed(let message): return .say(message)
            case .notFetched: return .say(tr("documents.viewer.not-fetched"))
            default: return .handled
            }
        case .history(let id, let lines) where id == documentID:
            if case .history = body {} else { hiddenBody = body }
            body = .history(lines)
            scroll = 0
            return .say(tr("documents.history.opened", ["title": summary.title]))
        default:
            return .ignored
        }
    }

    /// The list was read again: the document's new details (masked…), or nil when it is gone.
    mutating func refresh(_ summaries: [DocumentSummary]) -> Bool {
        guard let updated = summaries.first(where: { $0.id == documentID }) else { return false }
        summary = updated
        return true
    }

    private mutating func handle(_ key: Key) -> Update {
        switch key {
        case .escape, .left, .character("h"):
            if case .history = body, let hiddenBody {
                body = hiddenBody
                self.hiddenBody = nil
                scroll = 0
                return .say(tr("documents.viewer.back"))
            }
            return Update(closed: true)
        case .character("m"): return Update(requests: [DocumentsAction.toggleMask(documentID)])
        case .character("d"): return Update(requests: [DocumentsAction.delete(documentID)])
        case .character("e"): return Update(requests: [DocumentsAction.export(documentID)])
        case .character("p"): return Update(requests: [DocumentsAction.print(documentID)])
        case .character("H"): return Update(requests: [DocumentsAction.history(documentID)])
        default:
            switch key.motion {
            case .up: scroll = max(0, scroll - 1)
            case .down: scroll += 1
            case .pageUp: scroll = max(0, scroll - 10)
            case .pageDown: scroll += 10
            case .first: scroll = 0
            default: return .ignored
            }
            return .handled
        }
    }

    // MARK: View

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        var y = area.y
        let ellipsis = context.symbols.ellipsis
        func line(_ text: String, _ role: Role = .normal) {
            guard y < area.maxY else { return }
            buffer.put(TextLayout.truncate(text, to: area.width, ellipsis: ellipsis), at: Point(x: area.x, y: y),
                       style: context.style(role), maxWidth: area.width)
            y += 1
        }
        let marks = DocumentWording.marks(summary)
        let title = marks.isEmpty ? summary.title : summary.title + " [" + marks.joined(separator: ", ") + "]"
        for piece in TextLayout.wrap(Sanitizer.sanitize(title), width: area.width) { line(piece, .accent) }
        line([DocumentWording.category(summary.category), DocumentWording.author(summary), LocalFormat.date(summary.date)]
            .joined(separator: " · "), .muted)
        let masking = summary.isMasked ? tr("documents.mask.explanation") : tr("documents.show.not-masked")
        for piece in TextLayout.wrap(masking, width: area.width) { line(piece, summary.isMasked ? .warning : .muted) }
        if let note { line(tr("documents.show.note", ["note": note])) }
        let header = y
        y += 1
        let lines = bodyLines(width: area.width, screenReader: context.screenReader)
        let visible = max(0, area.maxY - y)
        let first = min(scroll, max(0, lines.count - visible))
        for (text, role) in lines.dropFirst(first).prefix(visible) { line(text, role) }
        if !context.screenReader && lines.count > visible {
            if first > 0 { buffer.put(context.symbols.arrowUp, at: Point(x: area.maxX - 1, y: header + 1), style: context.style(.muted)) }
            if first + visible < lines.count {
                buffer.put(context.symbols.arrowDown, at: Point(x: area.maxX - 1, y: area.maxY - 1), style: context.style(.muted))
            }
        }
        return Rendered(cursor: area.origin)
    }

    /// The body as lines of at most `width` columns, with their roles.
    func bodyLines(width: Int, screenReader: Bool = false) -> [(String, Role)] {
        switch body {
        case .loading: return [(tr("documents.viewer.loading"), .muted)]
        case .notFetched: return [(tr("documents.viewer.not-fetched"), .muted)]
        case .failed(let message): return TextLayout.wrap(message, width: width).map { ($0, .error) }
        case .history(let lines):
            return [(tr("documents.history.heading"), .title)] + lines.flatMap { TextLayout.wrap($0, width: width) }.map { ($0, .normal) }
        case .reading(.metadataOnly(let reason)):
            return TextLayout.wrap(DocumentWording.unreadable(reason), width: width).map { ($0, .muted) }
                + [(tr("documents.size.line", ["format": summary.format, "size": DocumentWording.size(summary.size)]), .muted)]
        case .reading(.text(let text)):
            return Sanitizer.lines(text).flatMap { TextLayout.wrap($0, width: width) }.map { ($0, .normal) }
        case .reading(.labReport(let report)):
            return screenReader ? Self.labPairs(report, width: width) : Self.labTable(report, width: width)
        }
    }

    /// A lab report for a screen reader: one line per analysis, read as "analyte : valeur"
    /// pairs (`Potassium : 4,2 mmol/L, normes 3,5 – 5, élevé`), the flag in words.
    static func labPairs(_ report: LabReport, width: Int) -> [(String, Role)] {
        let (header, rows) = DocumentWording.labReportRows(report)
        var lines: [(String, Role)] = [(report.title, .title)]
        for (row, result) in zip(rows, report.results) {
            let cells = row.map { Sanitizer.sanitize($0) }
            var parts = [tr("ui.labelled", ["label": cells[0], "value": (cells[1] + " " + cells[2]).trimmingCharacters(in: .whitespaces)])]
            if !cells[3].isEmpty { parts.append(header[3] + " " + cells[3]) }
            if !cells[4].isEmpty { parts.append(cells[4]) }
            let role: Role = result.isOutOfRange ? .warning : .normal
            lines += TextLayout.wrap(parts.joined(separator: ", "), width: width).map { ($0, role) }
        }
        return lines
    }

    /// A lab report as an aligned table; out-of-range rows carry their flag in words and a
    /// symbol (and the warning style on top, never alone). When the names of the analyses do
    /// not fit beside the values, each name takes its own line above them.
    static func labTable(_ report: LabReport, width: Int) -> [(String, Role)] {
        let (header, rows) = DocumentWording.labReportRows(report)
        let cells = ([header] + rows).map { $0.map { Sanitizer.sanitize($0) } }
        let widths = header.indices.map { column in cells.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        let valuesWidth = widths.dropFirst().reduce(0, +) + 2 * (widths.count - 2)
        let stacked = widths[0] + 2 + valuesWidth > width
        func values(_ row: [String]) -> String {
            row.indices.dropFirst().map { column in
                TextLayout.pad(row[column], to: widths[column], alignRight: column == 1)
            }.joined(separator: "  ")
        }
        func line(_ row: [String]) -> String {
            stacked ? "  " + values(row) : TextLayout.pad(row[0], to: widths[0]) + "  " + values(row)
        }
        var lines: [(String, Role)] = [(report.title, .title)]
        if stacked { lines.append((cells[0][0], .muted)) }
        lines.append((line(cells[0]), .muted))
        for (row, result) in zip(cells.dropFirst(), report.results) {
            let role: Role = result.isOutOfRange ? .warning : .normal
            if stacked { lines += TextLayout.wrap(row[0], width: width).map { ($0, role) } }
            lines.append((line(row), role))
        }
        return lines
    }
}
