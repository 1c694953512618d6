import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// Section 2, Documents: the dossier médical grouped by the categories MES shows, with counts;
/// filters (category, unread, masked), sorting, search as you type, a reader for each document
/// (text, lab report table, metadata), masking, deletion, import, export and printing.
///
/// The list holds only light summaries read from the vault's columns and draws only the rows
/// that fit, so 10,000 documents stay instant. Everything from outside is drawn through
/// `CellBuffer.put`, which sanitises it.
public struct DocumentsScreen: FeatureScreen {
    /// One line of the list: a category heading or a document (an index into `listing.rows`).
    enum Item: Hashable, Sendable {
        case group(Document.Category, Int)
        case document(Int)
    }

    /// What is open over the list.
    enum Mode: Hashable, Sendable {
        case list
        /// Typing a search.
        case searching
        /// Choosing a category (the highlighted line of the chooser: 0 is "all").
        case choosingCategory(Int)
        case dialog(Dialog, DocumentsAction)
    }

    let services: DocumentsServices
    private(set) var all: [DocumentSummary] = []
    private(set) var listing = DocumentListing([], filter: DocumentFilter(), sort: DocumentSort())
    private(set) var items: [Item] = []
    private(set) var filter = DocumentFilter()
    private(set) var sort = DocumentSort()
    private(set) var search = TextField()
    /// The selected document's passage that matches the search (words between `[` and `]`).
    private(set) var snippet: (id: String, text: String)?
    private(set) var selection = 0
    private(set) var mode = Mode.list
    private(set) var viewer: DocumentViewer?
    /// A failure to read the vault, shown in place of the list.
    private(set) var failure: String?

    public init(services: DocumentsServices) {
        self.services = services
        reload()
    }

    // MARK: FeatureScreen

    public var capturesText: Bool {
        if let viewer { return viewer.capturesText }
        switch mode {
        case .searching: return true
        case .dialog(let dialog, _): return dialog.kind == .prompt
        default: return false
        }
    }

    public var summary: String? {
        tr("documents.screen.summary", ["count": String(listing.rows.count), "total": String(listing.total)])
    }

    public var keyMap: KeyMap {
        if let viewer { return viewer.keyMap }
        return KeyMap(title: tr("section.documents"), bindings: [
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

    public mutating func handle(_ key: Key, settings: AppSettings) -> ScreenUpdate {
        if var open = viewer {
            let outcome = open.handle(key)
            viewer = open
            switch outcome {
            case .handled(let update): return update
            case .close:
                viewer = nil
                reload()
                return ScreenUpdate(announcement: tr("documents.viewer.closed"))
            case .action(let action): return perform(action)
            }
        }
        switch mode {
        case .searching: return handleSearchKey(key)
        case .choosingCategory(let line): return handleChooserKey(key, line: line)
        case .dialog(var dialog, let action):
            switch dialog.handle(key) {
            case .pending:
                mode = .dialog(dialog, action)
                return .handled
            case .cancelled:
                mode = .list
                return ScreenUpdate(announcement: tr("documents.cancelled"))
            case .accepted(let text):
                mode = .list
                return confirm(action, text: text)
            }
        case .list:
            return handleListKey(key)
        }
    }

    public mutating func receive(_ event: any Sendable, settings: AppSettings) -> ScreenUpdate {
        guard let event = event as? DocumentsEvent else { return .ignored }
        switch event {
        case .contentFetched(let id, let result):
            guard var open = viewer, open.documentID == id else { return .handled }
            let announcement = open.receive(result, services: services)
            viewer = open
            return ScreenUpdate(announcement: announcement)
        case .finished(let message):
            return ScreenUpdate(announcement: message)
        }
    }

    // MARK: List keys

    private mutating func handleListKey(_ key: Key) -> ScreenUpdate {
        if let motion = key.motion, motion != .left, motion != .right {
            move(motion)
            return ScreenUpdate(announcement: selectedSummary.map(Self.announce))
        }
        switch key {
        case .enter, .right, .character("l"):
            return open()
        case .character("/"):
            mode = .searching
            return ScreenUpdate(announcement: tr("documents.search.started"))
        case .character("c"):
            let current = filter.category.flatMap { Document.Category.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            mode = .choosingCategory(current)
            return ScreenUpdate(announcement: tr("documents.category.choose"))
        case .character("s"):
            let keys = DocumentSort.Key.allCases
            sort = DocumentSort(key: keys[(keys.firstIndex(of: sort.key)! + 1) % keys.count])
            applyFilter()
            return ScreenUpdate(announcement: tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("o"):
            sort.ascending.toggle()
            applyFilter()
            return ScreenUpdate(announcement: tr("documents.sort.changed", ["sort": Self.sortName(sort)]))
        case .character("u"):
            filter.unreadOnly.toggle()
            applyFilter()
            return ScreenUpdate(announcement: countAnnouncement())
        case .character("x"):
            filter.maskedOnly.toggle()
            applyFilter()
            return ScreenUpdate(announcement: countAnnouncement())
        case .character("r"):
            reload()
            return ScreenUpdate(announcement: countAnnouncement())
        case .character("a"):
            mode = .dialog(.prompt(title: tr("documents.add.title"), message: tr("documents.add.prompt")), .add)
            return ScreenUpdate(announcement: tr("documents.add.prompt"))
        case .character("M"):
            return perform(.toggleMaskAll)
        case .character("m"), .character("d"), .character("e"), .character("p"), .character("H"):
            guard let summary = selectedSummary else { return ScreenUpdate(announcement: tr("documents.none-selected")) }
            let action: DocumentsAction = switch key {
            case .character("m"): .toggleMask(summary.id)
            case .character("d"): .delete(summary.id)
            case .character("e"): .export(summary.id)
            case .character("H"): .history(summary.id)
            default: .print(summary.id)
            }
            return perform(action)
        case .escape where !filter.isEmpty:
            filter = DocumentFilter()
            search = TextField()
            applyFilter()
            return ScreenUpdate(announcement: tr("documents.filters.cleared"))
        default:
            return .ignored
        }
    }

    private mutating func handleSearchKey(_ key: Key) -> ScreenUpdate {
        switch key {
        case .enter, .tab:
            mode = .list
            return ScreenUpdate(announcement: countAnnouncement())
        case .escape:
            mode = .list
            search = TextField()
            runSearch()
            return ScreenUpdate(announcement: tr("documents.search.cleared"))
        case .up, .down, .pageUp, .pageDown:
            if let motion = key.arrowMotion { move(motion) }
            return .handled
        default:
            guard search.handle(key) else { return .handled }
            runSearch()
            return ScreenUpdate(announcement: countAnnouncement())
        }
    }

    private mutating func handleChooserKey(_ key: Key, line: Int) -> ScreenUpdate {
        let count = Document.Category.allCases.count + 1
        switch key {
        case .escape:
            mode = .list
            return ScreenUpdate(announcement: tr("documents.cancelled"))
        case .enter, .character(" "):
            filter.category = line == 0 ? nil : Document.Category.allCases[line - 1]
            mode = .list
            applyFilter()
            let name = filter.category.map(DocumentWording.category) ?? tr("documents.category.all")
            return ScreenUpdate(announcement: name + ". " + countAnnouncement())
        default:
            guard let motion = key.motion else { return .handled }
            let next: Int = switch motion {
            case .up: max(0, line - 1)
            case .down: min(count - 1, line + 1)
            case .first: 0
            case .last: count - 1
            default: line
            }
            mode = .choosingCategory(next)
            return ScreenUpdate(announcement: chooserLabel(next))
        }
    }

    // MARK: Actions

    private mutating func open() -> ScreenUpdate {
        guard let summary = selectedSummary else { return .ignored }
        var opened = DocumentViewer(summary: summary, services: services)
        try? services.library.markRead(summary.id)
        let effects = opened.start(services: services)
        viewer = opened
        return ScreenUpdate(effects: effects, announcement: tr("documents.viewer.opened", ["title": summary.title]))
    }

    /// Runs an action asked from the list or the viewer (some ask to confirm first).
    mutating func perform(_ action: DocumentsAction) -> ScreenUpdate {
        let library = services.library
        switch action {
        case .toggleMask(let id):
            guard let summary = try? library.summary(id) else { return notFound() }
            do {
                let document = try library.setMasked(id, !summary.isMasked)
                refreshKeepingSelection()
                viewer?.refresh(services: services)
                return ScreenUpdate(announcement: document.isMaskedFromProfessionals
                                    ? tr("documents.mask.done", ["title": document.title]) + " " + tr("documents.mask.explanation")
                                    : tr("documents.unmask.done", ["title": document.title]))
            } catch {
                return failed(error)
            }
        case .toggleMaskAll:
            let on = !((try? library.masksAll()) ?? false)
            let message = on ? tr("documents.mask-all.confirm-on") : tr("documents.mask-all.confirm-off")
            mode = .dialog(.confirm(title: tr("documents.mask-all.title"), message: message), .setMaskAll(on))
            return ScreenUpdate(announcement: message)
        case .delete(let id):
            guard let summary = try? library.summary(id) else { return notFound() }
            guard summary.isDeletable else { return ScreenUpdate(announcement: tr("documents.error.not-deletable")) }
            mode = .dialog(.confirm(title: tr("documents.delete.title"), message: tr("documents.delete.confirm", ["title": summary.title])), action)
            return ScreenUpdate(announcement: tr("documents.delete.confirm", ["title": summary.title]))
        case .export(let id):
            guard !services.kiosk else { return ScreenUpdate(announcement: tr("documents.export.kiosk")) }
            mode = .dialog(.prompt(title: tr("documents.export.title"), message: tr("documents.export.warning")), .export(id))
            return ScreenUpdate(announcement: tr("documents.export.warning"))
        case .print(let id):
            guard services.canPrint else { return ScreenUpdate(announcement: tr("documents.print.unavailable")) }
            return ScreenUpdate(effects: [DocumentsEffects.print(id, library: library)], announcement: tr("documents.print.started"))
        case .history(let id):
            guard let summary = try? library.summary(id) else { return notFound() }
            var opened = viewer?.documentID == id ? viewer! : DocumentViewer(summary: summary, services: services)
            opened.showHistory(services: services)
            viewer = opened
            return ScreenUpdate(announcement: tr("documents.history.opened", ["title": summary.title]))
        case .add, .setMaskAll:
            return confirm(action, text: nil)
        }
    }

    /// An action the user confirmed (with the text typed in its prompt).
    private mutating func confirm(_ action: DocumentsAction, text: String?) -> ScreenUpdate {
        let library = services.library
        do {
            switch action {
            case .delete(let id):
                let title = try library.summary(id).title
                try library.delete(id)
                viewer = nil
                refreshKeepingSelection()
                return ScreenUpdate(announcement: tr("documents.delete.done", ["title": title]))
            case .export(let id):
                guard let path = text?.trimmingCharacters(in: .whitespaces), !path.isEmpty else { return .handled }
                try library.export(id, to: (path as NSString).expandingTildeInPath, kiosk: services.kiosk)
                return ScreenUpdate(announcement: tr("documents.export.done", ["path": path]))
            case .add:
                guard let path = text?.trimmingCharacters(in: .whitespaces), !path.isEmpty else { return .handled }
                let document = try library.importFile(atPath: (path as NSString).expandingTildeInPath, category: filter.category ?? .other)
                reload()
                select(id: document.id)
                return ScreenUpdate(announcement: tr("documents.add.done", ["title": document.title, "id": document.id]))
            case .setMaskAll(let on):
                let changed = try library.setMasksAll(on)
                refreshKeepingSelection()
                return ScreenUpdate(announcement: on ? tr("documents.mask-all.on", ["count": String(changed)]) : tr("documents.mask-all.off"))
            default:
                return perform(action)
            }
        } catch {
            return failed(error)
        }
    }

    private func notFound() -> ScreenUpdate {
        ScreenUpdate(announcement: tr("documents.error.gone"))
    }

    private func failed(_ error: any Error) -> ScreenUpdate {
        ScreenUpdate(announcement: DocumentsEffects.message(for: error))
    }

    // MARK: State

    /// Reads the summaries from the vault again (after a change or a sync).
    mutating func reload() {
        do {
            all = try services.library.summaries()
            failure = nil
        } catch {
            all = []
            failure = DocumentsEffects.message(for: error)
        }
        if !search.text.isEmpty { runSearch() } else { applyFilter() }
    }

    private mutating func refreshKeepingSelection() {
        let id = selectedSummary?.id
        reload()
        if let id { select(id: id) }
    }

    /// Full-text search in the vault, as the user types.
    private mutating func runSearch() {
        let text = search.text
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            filter.searchResults = nil
        } else {
            filter.searchResults = (try? services.library.matchingIDs(text)) ?? []
        }
        applyFilter()
    }

    /// Rebuilds the rows and their grouping after the filter or the sort changed.
    private mutating func applyFilter() {
        listing = DocumentListing(all, filter: filter, sort: sort)
        var byCategory: [Document.Category: [Int]] = [:]
        for (index, row) in listing.rows.enumerated() { byCategory[row.category, default: []].append(index) }
        items = []
        items.reserveCapacity(listing.rows.count + byCategory.count)
        for category in Document.Category.allCases {
            guard let indices = byCategory[category] else { continue }
            items.append(.group(category, indices.count))
            items += indices.map(Item.document)
        }
        selection = min(selection, max(0, items.count - 1))
        if selectedSummary == nil {
            selection = nextDocument(from: selection, step: 1) ?? nextDocument(from: selection, step: -1) ?? 0
        }
        updateSnippet()
    }

    /// Finds the selected document's matching passage (one small query, for one document).
    private mutating func updateSnippet() {
        guard filter.searchResults != nil, let summary = selectedSummary else {
            snippet = nil
            return
        }
        snippet = (try? services.library.snippet(search.text, of: summary.id)).flatMap { $0 }.map { (summary.id, $0) }
    }

    var selectedSummary: DocumentSummary? {
        guard items.indices.contains(selection), case .document(let index) = items[selection] else { return nil }
        return listing.rows[index]
    }

    private mutating func select(id: String) {
        if let position = items.firstIndex(where: { if case .document(let index) = $0 { listing.rows[index].id == id } else { false } }) {
            selection = position
        }
    }

    private func nextDocument(from start: Int, step: Int) -> Int? {
        var index = start
        while items.indices.contains(index) {
            if case .document = items[index] { return index }
            index += step
        }
        return nil
    }

    /// Moves the selection, jumping over category headings.
    private mutating func move(_ motion: Motion) {
        let page = 10
        let target: Int? = switch motion {
        case .up: nextDocument(from: selection - 1, step: -1)
        case .down: nextDocument(from: selection + 1, step: 1)
        case .pageUp: nextDocument(from: max(0, selection - page), step: -1) ?? nextDocument(from: 0, step: 1)
        case .pageDown: nextDocument(from: min(items.count - 1, selection + page), step: 1) ?? nextDocument(from: items.count - 1, step: -1)
        case .first: nextDocument(from: 0, step: 1)
        case .last: nextDocument(from: items.count - 1, step: -1)
        case .left, .right: nil
        }
        if let target { selection = target }
        updateSnippet()
    }

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
        return key + " " + (sort.ascending ? "↑" : "↓")
    }

    func countAnnouncement() -> String {
        tr("documents.count", ["count": String(listing.rows.count)])
    }

    func chooserLabel(_ line: Int) -> String {
        guard line > 0 else { return tr("documents.category.all") + " (\(listing.counts.values.reduce(0, +)))" }
        let category = Document.Category.allCases[line - 1]
        return "\(DocumentWording.category(category)) (\(listing.counts[category] ?? 0))"
    }
}
