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
    enum Mode: Hashable, Sendable {
        case browsing
        /// Typing a search: letters and digits are text.
        case typingSearch
        /// The results of a search, browsed with the usual keys.
        case searchResults
    }

    let services: DocumentsServices
    /// The rows, read from the vault one page at a time around the selection: one group per
    /// category in MES order, each under its heading (issue 20: the cost follows the screen).
    private(set) var rows: VaultList<DocumentsSource>
    private(set) var filter = DocumentFilter()
    private(set) var sort = DocumentSort()
    private(set) var search = TextField()
    private(set) var typing = false
    /// The selected document's passage that matches the search (words between `[` and `]`).
    private(set) var snippet: (id: String, text: String)?
    /// What to say when the load in flight arrives, and whether to add the count.
    private var sayAfterLoad: (sentence: String?, count: Bool)?

    init(services: DocumentsServices) {
        self.services = services
        rows = VaultList(source: DocumentsSource(library: services.library, query: services.library.listQuery()), headings: true,
                         visibleRows: Self.page)
    }

    var paged: PagedList<DocumentSummary> { rows.paged }
    var loaded: Bool { rows.loaded }
    var isLoading: Bool { rows.isLoading }
    var failure: String? { rows.failure }
    /// Documents per category, the category filter aside (the filter line and the chooser).
    var counts: [Document.Category: Int] { rows.totals?.counts ?? [:] }
    /// Documents before any filter or search.
    var total: Int { rows.totals?.total ?? 0 }

    /// The categories, in the order of the list's groups.
    static let categories = Document.Category.allCases

    var mode: Mode {
        if typing { return .typingSearch }
        return search.text.isEmpty ? .browsing : .searchResults
    }

    var capturesText: Bool { typing }

    /// Documents the list shows (filters and search applied).
    var shownCount: Int { paged.rowCount }

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
        return tr("documents.screen.summary", ["count": String(shownCount), "total": String(total)])
    }

    // MARK: Update

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return typing ? handleSearchKey(key) : handleListKey(key)
        case .event(let event): return receive(event)
        default: return .ignored
        }
    }

    private mutating func receive(_ event: any Sendable) -> Update {
        switch event {
        case let loaded as VaultList<DocumentsSource>.Loaded:
            guard rows.take(loaded) else { return .ignored }
            var update = answered(first: rows.loaded && !wasLoaded)
            for key in rows.keysTypedAhead() { update.append(typing ? handleSearchKey(key) : handleListKey(key)) }
            return update
        case let page as VaultList<DocumentsSource>.Paged:
            let before = selectedSummary?.id
            rows.take(page)
            return selectedSummary?.id == before ? .handled : snippetUpdate()
        case DocumentsEvent.snippet(let id, let text):
            snippet = text.map { (id, $0) }
            return .handled
        default:
            return .ignored
        }
    }

    /// Whether a load had answered before the one being taken.
    private var wasLoaded = false

    /// Reads the list again (first load, after an edit, a sync, a new filter, order or search),
    /// keeping `id` selected when it is still shown (else the selected line).
    mutating func load(keeping id: String?, saying sentence: String? = nil, withCount: Bool = false) -> Effect<any Sendable> {
        if sentence != nil || withCount { sayAfterLoad = (sentence, withCount) }
        wasLoaded = rows.loaded
        let query = services.library.listQuery(filter: filter, search: search.text.isEmpty ? nil : search.text, sort: sort)
        return rows.load(DocumentsSource(library: services.library, query: query), keeping: id)
    }

    /// A load has answered: say what was asked, and the first time what arrived.
    private mutating func answered(first: Bool) -> Update {
        var update = snippetUpdate()
        if let say = sayAfterLoad {
            sayAfterLoad = nil
            update.announcement = [say.sentence, say.count ? countAnnouncement() : nil].compactMap { $0 }.joined(separator: " ")
        }
        // The first read says what arrived (the arrival said "reading…").
        if first { update.announcement = summary }
        return update
    }

    /// Reads again and says `sentence` (with the new count) when the rows are there.
    private mutating func reload(keeping id: String?, saying sentence: String?, withCount: Bool = false) -> Update {
        Update(effects: [load(keeping: id, saying: sentence, withCount: withCount)])
    }

    private mutating func handleListKey(_ key: Key) -> Update {
        // A key typed while the list is being read acts on the rows that arrive.
        if VaultList<DocumentsSource>.typesAhead(key), rows.typeAhead(key) { return .handled }
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
            return reload(keeping: selectedSummary?.id, saying: tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("o"):
            sort.ascending.toggle()
            return reload(keeping: selectedSummary?.id, saying: tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("u"):
            filter.unreadOnly.toggle()
            return reload(keeping: nil, saying: filterSentence(filter.unreadOnly, "documents.filter.unread"), withCount: true)
        case .character("x"):
            filter.maskedOnly.toggle()
            return reload(keeping: nil, saying: filterSentence(filter.maskedOnly, "documents.filter.masked"), withCount: true)
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
            return reload(keeping: selectedSummary?.id, saying: tr("documents.search.cleared"))
        case .escape where !filter.isEmpty:
            filter = DocumentFilter()
            return reload(keeping: selectedSummary?.id, saying: tr("documents.filters.cleared"))
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
            return reload(keeping: selectedSummary?.id, saying: tr("documents.search.cleared"))
        case .up, .down, .pageUp, .pageDown:
            return key.arrowMotion.map { move($0) } ?? .handled
        default:
            let before = search.text
            guard search.handle(key) else { return .handled }
            guard search.text != before else { return .handled }
            // Each change of the words reads the list again, searched (the vault counts and
            // reads one page of the matches; a late answer to older words is dropped).
            return Update(effects: [load(keeping: selectedSummary?.id)])
        }
    }

    private func filterSentence(_ on: Bool, _ key: String) -> String {
        tr(on ? "documents.filter.on" : "documents.filter.off", ["filter": tr(key)])
    }

    static let page = 15

    /// Moves the selection, over category headings; reads the rows around it when needed.
    private mutating func move(_ motion: Motion) -> Update {
        let read = rows.move(motion)
        var update = snippetUpdate()
        if let read { update.effects.append(read) }
        update.announcement = selectedSummary.map(Self.announce)
        return update
    }

    /// Asks for the selected document's matching passage (one small query, for one document).
    private mutating func snippetUpdate() -> Update {
        guard !search.text.isEmpty, let summary = selectedSummary else {
            snippet = nil
            return .handled
        }
        if snippet?.id != summary.id { snippet = nil }
        return Update(effects: [DocumentsEffects.snippet(search.text, of: summary.id, services.library)])
    }

    var selectedSummary: DocumentSummary? { rows.selectedRow }

    /// The selected document's rank among the documents shown: "12 sur 10 000".
    var position: String? {
        guard let rank = paged.rank(at: paged.state.selected) else { return nil }
        return tr("ui.list.position", ["index": LocalFormat.decimal(Double(rank)), "count": LocalFormat.decimal(Double(shownCount))])
    }

    mutating func choose(category line: Int) -> Update {
        filter.category = line == 0 ? nil : Document.Category.allCases[line - 1]
        let name = filter.category.map(DocumentWording.category) ?? tr("documents.category.all")
        return reload(keeping: selectedSummary?.id, saying: name + ".", withCount: true)
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
        trPlural("documents.count", count: shownCount)
    }

    func chooserLabel(_ line: Int) -> String {
        guard line > 0 else { return tr("documents.category.all") + " (\(counts.values.reduce(0, +)))" }
        let category = Document.Category.allCases[line - 1]
        return "\(DocumentWording.category(category)) (\(counts[category] ?? 0))"
    }

    /// Asks the parent to open a document.
    struct Opening: Sendable {
        var summary: DocumentSummary
    }

    /// Asks the parent to read the list again.
    struct Reload: Sendable {}
}

/// The Documents list's rows in the vault: one query (filter, search, order) of the library.
struct DocumentsSource: PagedSource {
    let library: DocumentLibrary
    let query: DocumentListQuery

    struct Totals: Sendable {
        /// Documents per category, the category filter aside.
        var counts: [Document.Category: Int]
        /// Documents before any filter or search.
        var total: Int
    }

    func load(keeping id: String?, into layout: inout PagedList<DocumentSummary>, visibleRows: Int) throws -> Totals {
        let categories = DocumentsList.categories
        let query = query
        return try library.readList(query) { reader in
            let counts = try reader.counts()
            let shown = categories.map { query.filter.category == nil || query.filter.category == $0 ? counts[$0] ?? 0 : 0 }
            let unfiltered = query.filter == DocumentFilter() && query.search == nil
            let position = try id.flatMap { try reader.position(of: $0) }
            try layout.lay(out: shown, selecting: position.flatMap { position in categories.firstIndex(of: position.category).map { ($0, position.offset) } },
                           visibleRows: visibleRows) { try reader.page(categories[$0], offset: $1, limit: $2) }
            return Totals(counts: counts, total: unfiltered ? counts.values.reduce(0, +) : try reader.total())
        }
    }

    func read(_ request: PageRequest) throws -> Page<DocumentSummary> {
        try library.readList(query) { reader in
            try request.read { try reader.page(DocumentsList.categories[$0], offset: $1, limit: $2) }
        }
    }

    static func describe(_ error: any Error) -> String {
        DocumentsEffects.message(for: error)
    }
}
