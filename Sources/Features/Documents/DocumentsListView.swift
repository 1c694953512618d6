import Foundation
import Documents
import HealthRecord
import L10n
import TerminalUI

extension DocumentsScreen {
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        if let reader { return reader.render(into: &buffer, area: area, context: context) }
        return list.render(into: &buffer, area: area, context: context)
    }
}

extension DocumentsList {
    /// The list: the filters, the mode line (search being typed, or its results), the rows that
    /// fit (category headings with counts, then date, title and marks), then the selected
    /// document's author, size and rank, and the passage that matches the search.
    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard area.height >= 6 else { return Rendered(cursor: area.origin) }
        let searching = mode != .browsing
        let rows = area.splitRows([.fixed(1), .fixed(searching ? 1 : 0), .fill(1), .fixed(1), .fixed(searching ? 1 : 0)])
        let ellipsis = context.symbols.ellipsis
        buffer.put(TextLayout.truncate(filterLine(context.symbols), to: area.width, ellipsis: ellipsis), at: rows[0].origin,
                   style: context.style(.muted), maxWidth: area.width)
        var cursor: Point? = searching ? drawSearchLine(&buffer, rows[1], context) : nil
        if !loaded {
            buffer.put(tr("documents.loading"), at: rows[2].origin, style: context.style(.muted), maxWidth: area.width)
        } else if let failure {
            buffer.put(failure, at: rows[2].origin, style: context.style(.error), maxWidth: area.width)
        } else if paged.count == 0 {
            buffer.put(total == 0 ? tr("documents.list.empty") : tr("documents.list.no-match"), at: rows[2].origin,
                       style: context.style(.muted), maxWidth: area.width)
        } else {
            let words = searchWords
            let selected = ListView.render(paged.state, rows: { row(at: $0, words: words, context: context) }, into: &buffer,
                                           area: rows[2], context: context, focused: context.focused && !typing)
            if !typing { cursor = selected }
        }
        if let summary = selectedSummary {
            let detail = [DocumentWording.author(summary), DocumentWording.size(summary.size), position].compactMap { $0 }
                .joined(separator: " · ")
            buffer.put(TextLayout.truncate(detail, to: area.width, ellipsis: ellipsis), at: rows[3].origin,
                       style: context.style(.muted), maxWidth: area.width)
            if let snippet, snippet.id == summary.id {
                let text = TextLayout.truncate(tr("ui.quoted", ["text": Sanitizer.sanitize(snippet.text)]), to: area.width, ellipsis: ellipsis)
                buffer.put(text, at: rows[4].origin, style: context.style(.normal), maxWidth: area.width)
            }
        }
        return Rendered(cursor: cursor)
    }

    /// One row: a category heading, or `date title [marks]` with the marks right after the title.
    private func row(at index: Int, words: [String], context: ViewContext) -> ListRow {
        switch paged.item(at: index) {
        case .heading(let group)?:
            return .heading("\(DocumentWording.category(Self.categories[group])) (\(paged.groupCounts[group]))")
        case .row?, nil:
            // A row not read yet (the page is on its way): a placeholder, never stale text.
            guard let summary = paged.row(at: index) else { return ListRow(context.symbols.ellipsis, role: .muted) }
            let marks = DocumentWording.marks(summary)
            let date = LocalFormat.date(summary.date)
            let title = Sanitizer.sanitize(summary.title)
            let offset = DisplayWidth.of(date) + 1
            return ListRow(date + " " + title, marks: marks.isEmpty ? "" : "[" + marks.joined(separator: ", ") + "]",
                           role: summary.isRead ? .normal : .accent,
                           emphasis: words.isEmpty ? [] : Self.matches(of: words, in: title).map { ($0.lowerBound + offset)..<($0.upperBound + offset) })
        }
    }

    /// "Catégorie : Toutes (16) · Tri : date, récents d'abord · non lus · masqués".
    func filterLine(_ symbols: Symbols) -> String {
        let category = filter.category.map { "\(DocumentWording.category($0)) (\(counts[$0] ?? 0))" }
            ?? "\(tr("documents.category.all")) (\(counts.values.reduce(0, +)))"
        var parts = [tr("documents.filter.category", ["category": category]), tr("documents.filter.sort", ["sort": Self.sortName(sort)])]
        if filter.unreadOnly { parts.append(tr("documents.filter.unread")) }
        if filter.maskedOnly { parts.append(tr("documents.filter.masked")) }
        return parts.joined(separator: " · ")
    }

    /// Typing: `Recherche (saisie) : glyc▏  3 documents`; results: `Résultats de « glyc » : 3 documents`.
    private func drawSearchLine(_ buffer: inout CellBuffer, _ row: Rect, _ context: ViewContext) -> Point? {
        let count = " " + trPlural("documents.count", count: shownCount)
        guard typing else {
            let line = tr("documents.search.results", ["text": search.text]) + count
            buffer.put(TextLayout.truncate(line, to: row.width, ellipsis: context.symbols.ellipsis), at: row.origin,
                       style: context.style(.title), maxWidth: row.width)
            return nil
        }
        let label = tr("documents.search.typing") + " "
        let width = buffer.put(label, at: row.origin, style: context.style(.title), maxWidth: row.width)
        let fieldWidth = max(4, row.width - width - DisplayWidth.of(count))
        let field = Rect(x: row.x + width, y: row.y, width: fieldWidth, height: 1)
        let cursor = search.render(into: &buffer, area: field, context: context, focused: true)
        buffer.put(count, at: Point(x: field.maxX, y: row.y), style: context.style(.muted), maxWidth: row.maxX - field.maxX)
        return cursor
    }

    /// The words of the search, folded, for highlighting.
    private var searchWords: [String] {
        search.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { Self.fold(String($0)) }.filter { !$0.isEmpty }
    }

    static func fold(_ text: String) -> String {
        // ASCII has no diacritics: folding is lower-casing, without Foundation (every visible
        // row's words are folded at every frame while a search is shown).
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The columns of the title's words that contain a searched word.
    static func matches(of words: [String], in title: String) -> [Range<Int>] {
        var column = 0
        var ranges: [Range<Int>] = []
        for word in title.split(separator: " ", omittingEmptySubsequences: false) {
            let width = DisplayWidth.of(String(word))
            let folded = fold(String(word))
            if words.contains(where: { folded.contains($0) }) { ranges.append(column..<(column + width)) }
            column += width + 1
        }
        return ranges
    }
}
