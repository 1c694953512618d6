import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// One document open for reading: its details, then its content as text, as a lab report
/// table, or as what can be said of it (images, PDF without `pdftotext`); or its history.
struct DocumentViewer: Sendable {
    enum Body: Sendable, Equatable {
        case loading
        /// The content is not in the vault and cannot be fetched now.
        case notFetched
        case reading(DocumentReading)
        case failed(String)
        case history([String])
    }

    enum Outcome: Sendable {
        case handled(ScreenUpdate)
        case close
        case action(DocumentsAction)
    }

    let documentID: String
    private(set) var summary: DocumentSummary
    private(set) var note: String?
    private(set) var body = Body.loading
    private(set) var scroll = 0
    /// The content body while the history is shown over it.
    private var hiddenBody: Body?

    init(summary: DocumentSummary, services: DocumentsServices) {
        documentID = summary.id
        self.summary = summary
        note = try? services.library.document(summary.id).note
    }

    var capturesText: Bool { false }

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

    /// Shows the content from the vault, or asks for it from the server.
    mutating func start(services: DocumentsServices) -> [Effect<any Sendable>] {
        do {
            if let reading = try services.library.reading(of: documentID) {
                body = .reading(reading)
                return []
            }
        } catch {
            body = .failed(DocumentsEffects.message(for: error))
            return []
        }
        guard let fetch = services.fetchContent, let document = try? services.library.document(documentID) else {
            body = .notFetched
            return []
        }
        body = .loading
        return [DocumentsEffects.fetch(document, with: fetch)]
    }

    /// The content arrived (verified) or could not be fetched.
    mutating func receive(_ result: Result<[UInt8], DocumentsFetchError>, services: DocumentsServices) -> String {
        switch result {
        case .success(let bytes):
            do {
                try services.library.storeContent(bytes, of: documentID)
                _ = start(services: services)
                return tr("documents.viewer.fetched")
            } catch {
                body = .failed(DocumentsEffects.message(for: error))
            }
        case .failure(let error):
            body = .failed(error.message)
        }
        if case .failed(let message) = body { return message }
        return ""
    }

    /// Reads the details again (after masking).
    mutating func refresh(services: DocumentsServices) {
        if let updated = try? services.library.summary(documentID) { summary = updated }
    }

    mutating func showHistory(services: DocumentsServices) {
        let entries = (try? services.library.history(of: documentID)) ?? []
        if case .history = body {} else { hiddenBody = body }
        body = .history(entries.map(DocumentWording.historyLine))
        scroll = 0
    }

    mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape, .left, .character("h"):
            if case .history = body, let hiddenBody, hiddenBody != .loading {
                body = hiddenBody
                self.hiddenBody = nil
                scroll = 0
                return .handled(ScreenUpdate(announcement: tr("documents.viewer.back")))
            }
            return .close
        case .character("m"): return .action(.toggleMask(documentID))
        case .character("d"): return .action(.delete(documentID))
        case .character("e"): return .action(.export(documentID))
        case .character("p"): return .action(.print(documentID))
        case .character("H"):
            return .action(.history(documentID))
        default:
            switch key.motion {
            case .up: scroll = max(0, scroll - 1)
            case .down: scroll += 1
            case .pageUp: scroll = max(0, scroll - 10)
            case .pageDown: scroll += 10
            case .first: scroll = 0
            default: return .handled(.ignored)
            }
            return .handled(.handled)
        }
    }

    // MARK: View

    func render(into buffer: inout CellBuffer, area: Rect, context: ScreenContext) -> Point? {
        let view = context.view
        var y = area.y
        func line(_ text: String, _ role: Role = .normal) {
            guard y < area.maxY else { return }
            buffer.put(text, at: Point(x: area.x, y: y), style: view.style(role), maxWidth: area.width)
            y += 1
        }
        line(summary.title, .accent)
        line([DocumentWording.category(summary.category), DocumentWording.author(summary), LocalFormat.date(summary.date)]
            .joined(separator: " · "), .muted)
        line(summary.isMasked ? "[\(tr("documents.mark.masked"))] " + tr("documents.mask.explanation") : tr("documents.show.not-masked"),
             summary.isMasked ? .warning : .muted)
        if let note { line(tr("documents.show.note", ["note": note])) }
        y += 1
        let lines = bodyLines(width: area.width)
        let visible = max(0, area.maxY - y)
        let first = min(scroll, max(0, lines.count - visible))
        for (text, role) in lines.dropFirst(first).prefix(visible) { line(text, role) }
        return area.origin
    }

    /// The body as lines of at most `width` columns, with their roles.
    func bodyLines(width: Int) -> [(String, Role)] {
        switch body {
        case .loading: return [(tr("documents.viewer.loading"), .muted)]
        case .notFetched: return [(tr("documents.viewer.not-fetched"), .muted)]
        case .failed(let message): return [(message, .error)]
        case .history(let lines): return [(tr("documents.history.heading"), .title)] + lines.map { ($0, .normal) }
        case .reading(.metadataOnly(let reason)):
            return TextLayout.wrap(DocumentWording.unreadable(reason), width: width).map { ($0, .muted) }
                + [(tr("documents.size.line", ["format": summary.format, "size": DocumentWording.size(summary.size)]), .muted)]
        case .reading(.text(let text)):
            return Sanitizer.lines(text).flatMap { TextLayout.wrap($0, width: width) }.map { ($0, .normal) }
        case .reading(.labReport(let report)):
            return Self.labTable(report, width: width)
        }
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
