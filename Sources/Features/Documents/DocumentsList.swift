import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// The list of the Documents screen: the dossier grouped by the categories MES shows, with
/// counts; filters, sorting and full-text search. Three modes, each shown on screen and in the
/// key bar: browsing, typing a search (letters are text), and browsing a search's results.
///
/// Holds only light summaries; the list view draws only the rows that fit, so 30,000
/// documents stay instant. Asks its parent for actions on documents with `Update.requests`.
struct DocumentsList: Component {
    /// One line of the list: a category heading or a document (an index into `listing.rows`).
    enum Item: Hashable, Sendable {
        case group(Document.Category, Int)
        case document(Int)
    }

    enum Mode: Hashable, Sendable {
        case browsing
        /// Typing a search: letters and digits are text.
        case typingSearch
        /// The results of a search, browsed with the usual keys.
        case searchResults
    }

    let services: DocumentsServices
    private(set) var loaded = false
    private(set) var all: [DocumentSummary] = []
    private(set) var listing = DocumentListing([], filter: DocumentFilter(), sort: DocumentSort())
    private(set) var items: [Item] = []
    /// Where the category headings are in `items` (twelve at most), to rank the selection.
    private var headings: [Int] = []
    private(set) var filter = DocumentFilter()
    private(set) var sort = DocumentSort()
    private(set) var search = TextField()
    private(set) var typing = false
    /// The selected document's passage that matches the search (words between `[` and `]`).
    private(set) var snippet: (id: String, text: String)?
    private(set) var list = ListState(count: 0)
    /// A failure to read the vault, shown in place of the list.
    private(set) var failure: String?
    /// Numbers the searches, so a late answer to an older one is dropped.
    private var searchGeneration = 0

    init(services: DocumentsServices) {
        self.services = services
    }

    var mode: Mode {
        if typing { return .typingSearch }
        return search.text.isEmpty ? .browsing : .searchResults
    }

    var capturesText: Bool { typing }

    var keyMap: KeyMap {
        KeyMap(title: tr("section.documents"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("documents.help.move")),
            KeyBinding([.enter], tr("documents.help.open")),
            KeyBinding([.character("/")], tr("documents.help.search")),
            KeyBinding([.character("c")], tr("documents.help.category")),
            KeyBinding([.character("s"), .character("o")], tr("documents.help.sort")),
            KeyBinding([.character("u"), .character("x")], tr("documents.help.filters")),
            KeyBinding([.character("m")], tr("documents.help.mask")),
            KeyBinding([.character("M")], tr("documents.help.mask-all")),
            KeyBinding([.character("a")], tr("documents.help.add")),
            KeyBinding([.character("d")], tr("documents.help.delete")),
            KeyBinding([.character("e"), .character("p")], tr("documents.help.export")),
            KeyBinding([.character("r")], tr("documents.help.refresh")),
        ])
    }

    var keyHints: [KeyHint] {
        switch mode {
        case .typingSearch:
            return [KeyHint(.enter, tr("documents.hint.results")), KeyHint(.escape, tr("documents.hint.clear-search")),
                    KeyHint("↑↓", tr("documents.hint.move"))]
        case .searchResults, .browsing:
            var hints = [KeyHint(.enter, tr("documents.hint.open")), KeyHint("/", tr(mode == .browsing ? "documents.hint.search" : "documents.hint.edit-search"))]
            if mode == .searchResults { hints.append(KeyHint(.escape, tr("documents.hint.clear-search"))) }
            hints += [KeyHint("c", tr("documents.hint.category")), KeyHint("s", tr("documents.hint.sort")),
                      KeyHint("m", selectedSummary?.isMasked == true ? tr("documents.hint.unmask") : tr("documents.hint.mask")),
                      KeyHint("M", tr("documents.hint.mask-all")), KeyHint("a", tr("documents.hint.add")),
                      KeyHint("u", tr("documents.hint.unread")), KeyHint("x", tr("documents.hint.masked"))]
            return hints
        }
    }

    var summary: String? {
        guard loaded else { return tr("documents.loading") }
        return tr("documents.screen.summary", ["count": String(listing.rows.count), "total": String(listing.total)])
    }

    // MARK: Update

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return typing ? handleSearchKey(key) : handleListKey(key)
        case .event(let event as DocumentsEvent): return receive(event)
        default: return .ignored
        }
    }

    private mutating func receive(_ event: DocumentsEvent) -> Update {
        switch event {
        case .searched(let generation, let text, let ids) where generation == searchGeneration && text == search.text:
            filter.searchResults = ids
            return applyFilter(keeping: selectedSummary?.id)
        case .snippet(let id, let text):
            snippet = text.map { (id, $0) }
            return .handled
        default:
            return .ignored
        }
    }

    /// New summaries from the vault (first load, after an edit, after a sync).
    mutating func take(_ result: Result<[DocumentSummary], DocumentsFailure>, select: String?) -> Update {
        let keep = select ?? selectedSummary?.id
        let first = !loaded
        loaded = true
        switch result {
        case .success(let summaries):
            all = summaries
            failure = nil
        case .failure(let failure):
            all = []
            self.failure = failure.message
        }
        var update = applyFilter(keeping: keep)
        // Words found in newly arrived documents: search again.
        if !search.text.isEmpty { update.effects += [runSearch()] }
        // The first read says what arrived (the arrival said "reading…").
        if first { update.announcement = summary }
        return update
    }

    private mutating func handleListKey(_ key: Key) -> Update {
        if let motion = key.motion, motion != .left, motion != .right {
            return move(motion)
        }
        switch key {
        case .enter, .right, .character("l"):
            guard let summary = selectedSummary else { return .ignored }
            return Update(requests: [Opening(summary: summary)])
        case .character("/"):
            typing = true
            return .say(tr("documents.search.started"))
        case .character("c"):
            return Update(requests: [DocumentsAction.chooseCategory])
        case .character("s"):
            let keys = DocumentSort.Key.allCases
            sort = DocumentSort(key: keys[((keys.firstIndex(of: sort.key) ?? 0) + 1) % keys.count])
            return sayingAfter(applyFilter(keeping: selectedSummary?.id), tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("o"):
            sort.ascending.toggle()
            return sayingAfter(applyFilter(keeping: selectedSummary?.id), tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("u"):
            filter.unreadOnly.toggle()
            return sayingAfter(applyFilter(keeping: nil), filterSentence(filter.unreadOnly, "documents.filter.unread"))
        case .character("x"):
            filter.maskedOnly.toggle()
            return sayingAfter(applyFilter(keeping: nil), filterSentence(filter.maskedOnly, "documents.filter.masked"))
        case .character("r"):
            return Update(requests: [Reload()])
        case .character("m"), .character("d"), .character("e"), .character("p"), .character("H"):
            guard let id = selectedSummary?.id else { return .say(tr("documents.none-selected")) }
            let action: DocumentsAction = switch key {
            case .character("m"): .toggleMask(id)
            case .character("d"): .delete(id)
            case .character("e"): .export(id)
            case .character("p"): .print(id)
            default: .history(id)
            }
            return Update(requests: [action])
        case .character("M"):
            return Update(requests: [DocumentsAction.maskAll])
        case .character("a"):
            return Update(requests: [DocumentsAction.add])
        case .escape where mode == .searchResults:
            search = TextField()
            filter.searchResults = nil
            return sayingAfter(applyFilter(keeping: selectedSummary?.id), tr("documents.search.cleared"))
        case .escape where !filter.isEmpty:
            filter = DocumentFilter()
            return sayingAfter(applyFilter(keeping: selectedSummary?.id), tr("documents.filters.cleared"))
        default:
            return .ignored
        }
    }

    private mutating func handleSearchKey(_ key: Key) -> Update {
        switch key {
        case .enter, .tab:
            typing = false
            return .say(tr("documents.search.results", ["text": search.text]) + " " + countAnnouncement())
        case .escape:
            typing = false
            search = TextField()
            filter.searchResults = nil
            return sayingAfter(applyFilter(keeping: selectedSummary?.id), tr("documents.search.cleared"))
        case .up, .down, .pageUp, .pageDown:
            return key.arrowMotion.map { move($0) } ?? .handled
        default:
            let before = search.text
            guard search.handle(key) else { return .handled }
            guard search.text != before else { return .handled }
            if search.text.trimmingCharacters(in: .whitespaces).isEmpty {
                filter.searchResults = nil
                return applyFilter(keeping: selectedSummary?.id)
            }
            return Update(effects: [runSearch()])
        }
    }

    private mutating func runSearch() -> Effect<any Sendable> {
        searchGeneration += 1
        return DocumentsEffects.search(search.text, services.library, generation: searchGeneration)
    }

    private func filterSentence(_ on: Bool, _ key: String) -> String {
        tr(on ? "documents.filter.on" : "documents.filter.off", ["filter": tr(key)]) + " " + countAnnouncement()
    }

    private func sayingAfter(_ update: Update, _ sentence: String) -> Update {
        var update = update
        update.announcement = sentence
        return update
    }

    /// Rebuilds the rows and their grouping after the data, the filter or the sort changed;
    /// keeps `id` selected when it is still there. Asks for the new selection's snippet.
    private mutating func applyFilter(keeping id: String?) -> Update {
        listing = DocumentListing(all, filter: filter, sort: sort)
        var byCategory: [Document.Category: [Int]] = [:]
        for (index, row) in listing.rows.enumerated() { byCategory[row.category, default: []].append(index) }
        items = []
        headings = []
        items.reserveCapacity(listing.rows.count + byCategory.count)
        for category in Document.Category.allCases {
            guard let indices = byCategory[category] else { continue }
            headings.append(items.count)
            items.append(.group(category, indices.count))
            items += indices.map(Item.document)
        }
        let selected = id.flatMap { id in items.firstIndex { item in
            if case .document(let index) = item { listing.rows[index].id == id } else { false }
        } } ?? list.selected
        list.setCount(items.count)
        list.jump(to: selected, visibleRows: Self.page)
        if !isDocument(list.selected) { list.move(.down, visibleRows: Self.page, selectable: isDocument) }
        return snippetUpdate()
    }

    static let page = 15

    private func isDocument(_ index: Int) -> Bool {
        guard items.indices.contains(index), case .document = items[index] else { return false }
        return true
    }

    /// Moves the selection, over category headings.
    private mutating func move(_ motion: Motion) -> Update {
        list.move(motion, visibleRows: Self.page, selectable: isDocument)
        var update = snippetUpdate()
        update.announcement = selectedSummary.map(Self.announce)
        return update
    }

    /// Asks for the selected document's matching passage (one small query, for one document).
    private mutating func snippetUpdate() -> Update {
        guard filter.searchResults != nil, let summary = selectedSummary else {
            snippet = nil
            return .handled
        }
        if snippet?.id != summary.id { snippet = nil }
        return Update(effects: [DocumentsEffects.snippet(search.text, of: summary.id, services.library)])
    }

    var selectedSummary: DocumentSummary? {
        guard items.indices.contains(list.selected), case .document(let index) = items[list.selected] else { return nil }
        return listing.rows[index]
    }

    /// The selected document's rank among the documents shown: "12 sur 10 000".
    var position: String? {
        guard isDocument(list.selected) else { return nil }
        let rank = list.selected - headings.filter { $0 < list.selected }.count + 1
        return tr("ui.list.position", ["index": LocalFormat.decimal(Double(rank)), "count": LocalFormat.decimal(Double(listing.rows.count))])
    }

    mutating func choose(category line: Int) -> Update {
        filter.category = line == 0 ? nil : Document.Category.allCases[line - 1]
        let name = filter.category.map(DocumentWording.category) ?? tr("documents.category.all")
        return sayingAfter(applyFilter(keeping: selectedSummary?.id), name + ". " + countAnnouncement())
    }

    /// The chooser of categories: "Toutes" then the twelve, each with its count.
    func categoryChooser() -> Chooser {
        let current = filter.category.flatMap { Document.Category.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        return Chooser(title: tr("documents.category.choose"), options: (0...Document.Category.allCases.count).map(chooserLabel),
                       selected: current)
    }

    var categoryForNewDocument: Document.Category { filter.category ?? .other }

    // MARK: Words

    static func announce(_ summary: DocumentSummary) -> String {
        ([summary.title, DocumentWording.author(summary), LocalFormat.date(summary.date)] + DocumentWording.marks(summary))
            .joined(separator: ", ")
    }

    static func sortName(_ sort: DocumentSort) -> String {
        let key = switch sort.key {
        case .date: tr("documents.sort.date")
        case .title: tr("documents.sort.title")
        case .author: tr("documents.sort.author")
        }
        return key + " " + tr(sort.ascending ? "documents.sort.ascending" : "documents.sort.descending")
    }

    func countAnnouncement() -> String {
        tr("documents.count", ["count": String(listing.rows.count)])
    }

    func chooserLabel(_ line: Int) -> String {
        guard line > 0 else { return tr("documents.category.all") + " (\(listing.counts.values.reduce(0, +)))" }
        let category = Document.Category.allCases[line - 1]
        return "\(DocumentWording.category(category)) (\(listing.counts[category] ?? 0))"
    }

    /// Asks the parent to open a document.
    struct Opening: Sendable {
        var summary: DocumentSummary
    }

    /// Asks the parent to read the list again.
    struct Reload: Sendable {}
}
