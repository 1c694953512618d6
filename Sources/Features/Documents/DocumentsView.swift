import Documents
import HealthRecord
import L10n
import TerminalUI

extension DocumentsScreen {
    /// The list: a line of filters, a line for search (or the keys), the rows that fit (category
    /// headings with counts, then date, title and marks), and the selected document's author.
    public func render(into buffer: inout CellBuffer, area: Rect, context: ScreenContext) -> Point? {
        if let viewer { return viewer.render(into: &buffer, area: area, context: context) }
        let view = context.view
        guard area.height >= 6 else { return area.origin }
        let rows = area.splitRows([.fixed(1), .fixed(1), .fill(1), .fixed(1), .fixed(1)])
        buffer.put(filterLine, at: rows[0].origin, style: view.style(.muted), maxWidth: area.width)
        var cursor = drawSearchLine(&buffer, rows[1], view)
        if let failure {
            buffer.put(failure, at: rows[2].origin, style: view.style(.error), maxWidth: area.width)
        } else if items.isEmpty {
            buffer.put(all.isEmpty ? tr("documents.list.empty") : tr("documents.list.no-match"), at: rows[2].origin,
                       style: view.style(.muted), maxWidth: area.width)
        } else {
            let selected = drawRows(&buffer, rows[2], context)
            if mode == .list { cursor = selected ?? cursor }
        }
        if let summary = selectedSummary {
            let detail = DocumentWording.author(summary) + " · " + DocumentWording.size(summary.size)
            buffer.put(detail, at: rows[3].origin, style: view.style(.muted), maxWidth: area.width)
            if let snippet, snippet.id == summary.id {
                buffer.put("« " + snippet.text + " »", at: rows[4].origin, style: view.style(.normal), maxWidth: area.width)
            }
        }
        switch mode {
        case .choosingCategory(let line):
            return drawChooser(&buffer, area: area, line: line, context: context)
        case .dialog(let dialog, _):
            return dialog.render(into: &buffer, area: area, context: view)
        default:
            return cursor
        }
    }

    /// "Catégorie : Toutes (16) · Tri : date ↓ · non lus · masqués".
    var filterLine: String {
        let category = filter.category.map { "\(DocumentWording.category($0)) (\(listing.counts[$0] ?? 0))" }
            ?? "\(tr("documents.category.all")) (\(listing.counts.values.reduce(0, +)))"
        var parts = [tr("documents.filter.category", ["category": category]), tr("documents.filter.sort", ["sort": Self.sortName(sort)])]
        if filter.unreadOnly { parts.append(tr("documents.filter.unread")) }
        if filter.maskedOnly { parts.append(tr("documents.filter.masked")) }
        return parts.joined(separator: " · ")
    }

    private func drawSearchLine(_ buffer: inout CellBuffer, _ row: Rect, _ view: ViewContext) -> Point? {
        guard mode == .searching || !search.text.isEmpty else {
            buffer.put(tr("documents.keys"), at: row.origin, style: view.style(.muted), maxWidth: row.width)
            return nil
        }
        let label = tr("documents.search.label") + " "
        let width = buffer.put(label, at: row.origin, style: view.style(.normal), maxWidth: row.width)
        let results = " " + tr("documents.count", ["count": String(listing.rows.count)])
        let fieldWidth = max(4, row.width - width - DisplayWidth.of(results))
        let field = Rect(x: row.x + width, y: row.y, width: fieldWidth, height: 1)
        let cursor = search.render(into: &buffer, area: field, context: view, focused: mode == .searching)
        buffer.put(results, at: Point(x: field.maxX, y: row.y), style: view.style(.muted), maxWidth: row.maxX - field.maxX)
        return mode == .searching ? cursor : nil
    }

    /// Draws only the rows that fit around the selection; returns the selected row's position.
    private func drawRows(_ buffer: inout CellBuffer, _ area: Rect, _ context: ScreenContext) -> Point? {
        let view = context.view
        let first = max(0, min(selection - area.height / 2, items.count - area.height))
        var cursor: Point?
        let words = searchWords
        for (offset, item) in items[first..<min(items.count, first + area.height)].enumerated() {
            let y = area.y + offset
            let index = first + offset
            switch item {
            case .group(let category, let count):
                buffer.put("\(DocumentWording.category(category)) (\(count))", at: Point(x: area.x, y: y), style: view.style(.title),
                           maxWidth: area.width)
            case .document(let row):
                let summary = listing.rows[row]
                let isSelected = index == selection
                let role: Role = isSelected ? (context.focused ? .focus : .selection) : (summary.isRead ? .normal : .accent)
                let marks = DocumentWording.marks(summary)
                let markText = marks.isEmpty ? "" : " [" + marks.joined(separator: ", ") + "]"
                let pointer = isSelected ? view.symbols.pointer : " "
                let date = LocalFormat.date(summary.date)
                let titleWidth = max(4, area.width - 2 - DisplayWidth.of(date) - 1 - DisplayWidth.of(markText))
                let title = TextLayout.truncate(Sanitizer.sanitize(summary.title), to: titleWidth)
                let text = TextLayout.pad("\(pointer) \(date) \(title)", to: area.width - DisplayWidth.of(markText)) + markText
                let style = view.style(role)
                buffer.put(text, at: Point(x: area.x, y: y), style: style, maxWidth: area.width)
                if !words.isEmpty { highlight(words, in: title, at: Point(x: area.x + 2 + DisplayWidth.of(date) + 1, y: y), &buffer, style) }
                if isSelected { cursor = Point(x: area.x, y: y) }
            }
        }
        return cursor
    }

    /// The words of the search, folded, for highlighting.
    private var searchWords: [String] {
        search.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { Self.fold(String($0)) }.filter { !$0.isEmpty }
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Underlines (and reverses) the words of the title that start with a searched word: a
    /// style change on top of the brackets of the snippet line, never colour alone.
    private func highlight(_ words: [String], in title: String, at origin: Point, _ buffer: inout CellBuffer, _ style: Style) {
        var column = 0
        for word in title.split(separator: " ", omittingEmptySubsequences: false) {
            let width = DisplayWidth.of(String(word))
            let folded = Self.fold(String(word))
            if words.contains(where: { folded.contains($0) }) {
                buffer.addAttributes([.underline, .bold], in: Rect(x: origin.x + column, y: origin.y, width: width, height: 1))
            }
            column += width + 1
        }
    }

    /// The category chooser, over the list: "Toutes" then the twelve categories with counts.
    private func drawChooser(_ buffer: inout CellBuffer, area: Rect, line: Int, context: ScreenContext) -> Point {
        let view = context.view
        let labels = (0...Document.Category.allCases.count).map(chooserLabel)
        let width = min(area.width, (labels.map(DisplayWidth.of).max() ?? 20) + 6)
        let box = Rect(x: area.x, y: area.y, width: width, height: min(area.height, labels.count + 2))
        buffer.fill(box, style: view.style(.dialog))
        if !view.screenReader { Box.draw(box, title: tr("documents.category.choose"), into: &buffer, context: view) }
        let inner = box.inset(by: 1)
        let first = max(0, min(line - inner.height / 2, labels.count - inner.height))
        var cursor = inner.origin
        for (offset, label) in labels[first..<min(labels.count, first + inner.height)].enumerated() {
            let index = first + offset
            let y = inner.y + offset
            let marker = index == line ? view.symbols.pointer : " "
            buffer.put("\(marker) \(label)", at: Point(x: inner.x, y: y), style: view.style(index == line ? .focus : .dialog), maxWidth: inner.width)
            if index == line { cursor = Point(x: inner.x, y: y) }
        }
        return cursor
    }
}
