import Foundation
import HealthRecord
import L10n
import Messaging
import TerminalUI

/// The inbox of the Messagerie screen: the threads with their correspondent, last message, date
/// and unread count, newest first; the unread filter, the order, the archives, and a full-text
/// search as you type (three modes, each shown on screen and in the key bar). Asks its parent
/// for actions with `Update.requests`.
struct InboxList: Component {
    enum Mode: Hashable, Sendable {
        case browsing
        case typingSearch
        case searchResults
    }

    let services: MessagesServices
    /// The threads, read from the vault one page at a time around the selection (issue 20).
    private(set) var threads: VaultList<InboxSource>
    private(set) var unreadOnly = false
    private(set) var oldestFirst = false
    private(set) var archives = false
    private(set) var search = TextField()
    private(set) var typing = false
    /// What to say when the load in flight arrives (the new count is added).
    private var sayAfterLoad: String?
    private var wasLoaded = false

    init(services: MessagesServices) {
        self.services = services
        threads = VaultList(source: InboxSource(messenger: services.messenger, query: services.messenger.inboxQuery()), headings: false,
                            visibleRows: Self.page)
    }

    var loaded: Bool { threads.loaded }
    var failure: String? { threads.failure }
    var ownAddress: String? { threads.totals?.ownAddress }
    /// Threads shown (filters and search applied).
    var shownCount: Int { threads.paged.rowCount }

    var mode: Mode {
        if typing { return .typingSearch }
        return search.text.isEmpty ? .browsing : .searchResults
    }

    var capturesText: Bool { typing }

    var selected: ThreadSummaryRow? { threads.selectedRow }

    var keyMap: KeyMap {
        KeyMap(title: tr("section.messages"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("messages.help.move")),
            KeyBinding([.enter], tr("messages.help.open")),
            KeyBinding([.character("/")], tr("messages.help.search")),
            KeyBinding([.character("u")], tr("messages.help.unread")),
            KeyBinding([.character("o")], tr("messages.help.order")),
            KeyBinding([.character("A")], tr("messages.help.archives")),
            KeyBinding([.character("a")], tr("messages.help.archive")),
            KeyBinding([.character("d")], tr("messages.help.delete")),
            KeyBinding([.character("p")], tr("messages.help.pharmacy")),
            KeyBinding([.character("r")], tr("messages.help.refresh")),
        ])
    }

    var keyHints: [KeyHint] {
        switch mode {
        case .typingSearch:
            return [KeyHint(.enter, tr("messages.hint.results")), KeyHint(.escape, tr("messages.hint.clear-search"))]
        case .browsing, .searchResults:
            var hints = [KeyHint(.enter, tr("messages.hint.open")), KeyHint("/", tr("messages.hint.search"))]
            if mode == .searchResults { hints.append(KeyHint(.escape, tr("messages.hint.clear-search"))) }
            hints += [KeyHint("u", tr(unreadOnly ? "messages.hint.all" : "messages.hint.unread")), KeyHint("p", tr("messages.hint.pharmacy")),
                      KeyHint("a", tr(archives ? "messages.hint.unarchive" : "messages.hint.archive")), KeyHint("d", tr("messages.hint.delete")),
                      KeyHint("A", tr(archives ? "messages.hint.inbox" : "messages.hint.archives")), KeyHint("o", tr("messages.hint.order"))]
            return hints
        }
    }

    var summary: String {
        guard loaded else { return tr("messages.loading") }
        let unread = threads.totals?.unread ?? 0
        return tr(archives ? "messages.screen.archives" : "messages.screen.summary",
                  ["conversations": trPlural("messages.count", count: shownCount), "unread": trPlural("messages.count.unread-messages", count: unread)])
    }

    // MARK: Update

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return typing ? handleSearchKey(key) : handleListKey(key)
        case .event(let loaded as VaultList<InboxSource>.Loaded):
            guard threads.take(loaded) else { return .ignored }
            var update = Update.handled
            if let sentence = sayAfterLoad {
                sayAfterLoad = nil
                update.announcement = sentence + " " + count()
            }
            if !wasLoaded { update.announcement = summary }
            for key in threads.keysTypedAhead() { update.append(typing ? handleSearchKey(key) : handleListKey(key)) }
            return update
        case .event(let page as VaultList<InboxSource>.Paged):
            threads.take(page)
            return .handled
        default: return .ignored
        }
    }

    /// Reads the inbox (or the archives) again: first load, after an edit or a sync, a new
    /// filter, order or search; keeps `id` selected when it is still shown.
    mutating func load(keeping id: String?, saying sentence: String? = nil) -> Effect<any Sendable> {
        if let sentence { sayAfterLoad = sentence }
        wasLoaded = threads.loaded
        let filter = InboxFilter(unreadOnly: unreadOnly, archived: archives, search: search.text)
        let query = services.messenger.inboxQuery(filter: filter, sort: oldestFirst ? .oldestFirst : .newestFirst)
        return threads.load(InboxSource(messenger: services.messenger, query: query), keeping: id)
    }

    private mutating func reload(keeping id: String?, saying sentence: String? = nil) -> Update {
        Update(effects: [load(keeping: id, saying: sentence)])
    }

    private mutating func move(_ motion: Motion) -> Update {
        let read = threads.move(motion)
        return Update(effects: read.map { [$0] } ?? [], announcement: selected.map(Self.announce))
    }

    private mutating func handleListKey(_ key: Key) -> Update {
        // A key typed while the list is being read acts on the rows that arrive.
        if VaultList<InboxSource>.typesAhead(key), threads.typeAhead(key) { return .handled }
        if let motion = key.motion, motion != .left, motion != .right {
            return move(motion)
        }
        switch key {
        case .enter, .right, .character("l"):
            guard let row = selected else { return .ignored }
            return Update(requests: [Opening(id: row.id)])
        case .character("/"):
            typing = true
            return .say(tr("messages.search.started"))
        case .character("u"):
            unreadOnly.toggle()
            return reload(keeping: nil, saying: tr(unreadOnly ? "messages.filter.unread-on" : "messages.filter.unread-off"))
        case .character("o"):
            oldestFirst.toggle()
            return reload(keeping: selected?.id, saying: tr(oldestFirst ? "messages.order.oldest" : "messages.order.newest"))
        case .character("A"):
            archives.toggle()
            return Update(requests: [Reload(archives: archives)])
        case .character("r"):
            return Update(requests: [Reload(archives: archives)])
        case .character("a"), .character("d"):
            guard let row = selected else { return .say(tr("messages.none-selected")) }
            return Update(requests: [key == .character("a") ? Request.archive(row.id, !archives) : Request.delete(row.id, row.subject)])
        case .character("p"):
            return Update(requests: [Request.pharmacy])
        case .escape where mode == .searchResults:
            search = TextField()
            return reload(keeping: selected?.id, saying: tr("messages.search.cleared"))
        default:
            return .ignored
        }
    }

    private mutating func handleSearchKey(_ key: Key) -> Update {
        switch key {
        case .enter, .tab:
            typing = false
            return .say(tr("messages.search.results", ["text": search.text]) + " " + count())
        case .escape:
            typing = false
            search = TextField()
            return reload(keeping: selected?.id, saying: tr("messages.search.cleared"))
        case .up, .down, .pageUp, .pageDown:
            return key.arrowMotion.map { move($0) } ?? .handled
        default:
            let before = search.text
            guard search.handle(key) else { return .handled }
            guard search.text != before else { return .handled }
            // Each change of the words reads the inbox again, searched (a page of the matches).
            return reload(keeping: selected?.id)
        }
    }

    static let page = 12

    func count() -> String {
        trPlural("messages.count", count: shownCount, ["count": String(shownCount)])
    }

    // MARK: View

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard area.height > 3 else { return Rendered(cursor: area.origin) }
        var y = area.y
        let address = ownAddress.map { tr("messages.own-address", ["address": $0]) } ?? tr("messages.no-address")
        buffer.put(TextLayout.truncate(Sanitizer.sanitize(address), to: area.width, ellipsis: context.symbols.ellipsis),
                   at: Point(x: area.x, y: y), style: context.style(.muted), maxWidth: area.width)
        y += 1
        var cursor: Point?
        let modeLine: String
        switch mode {
        case .typingSearch: modeLine = tr("messages.search.typing", ["text": search.text])
        case .searchResults: modeLine = tr("messages.search.results", ["text": search.text]) + " " + count()
        case .browsing: modeLine = summary + " " + tr(oldestFirst ? "messages.order.oldest" : "messages.order.newest")
                + (unreadOnly ? " " + tr("messages.filter.unread-on") : "")
        }
        let shown = TextLayout.truncate(Sanitizer.sanitize(modeLine), to: area.width, ellipsis: context.symbols.ellipsis)
        buffer.put(shown, at: Point(x: area.x, y: y), style: context.style(.title), maxWidth: area.width)
        if mode == .typingSearch {
            let prefix = tr("messages.search.typing", ["text": ""])
            cursor = Point(x: area.x + min(area.width - 1, DisplayWidth.of(prefix) + DisplayWidth.of(String(search.text.prefix(search.cursor)))), y: y)
        }
        y += 1
        if let failure {
            buffer.put(failure, at: Point(x: area.x, y: y), style: context.style(.error), maxWidth: area.width)
            return Rendered(cursor: cursor ?? Point(x: area.x, y: y))
        }
        // The selected thread's last message, under the list (two lines).
        let previewHeight = context.screenReader ? 0 : 2
        let listArea = Rect(x: area.x, y: y, width: area.width, height: max(1, area.maxY - y - previewHeight))
        let rowCursor = ListView.render(threads.paged.state, rows: { index in
            // A row not read yet (its page is on its way): a placeholder, never stale text.
            threads.paged.row(at: index).map { row($0, context: context) } ?? ListRow(context.symbols.ellipsis, role: .muted)
        }, into: &buffer, area: listArea, context: context, focused: context.focused && !typing)
        if previewHeight > 0, let row = selected {
            let text = tr("messages.preview", ["sender": row.lastSender, "text": row.lastPreview.replacingOccurrences(of: "\n", with: " ")])
            let lines = TextLayout.wrap(Sanitizer.sanitize(text), width: area.width)
            for (offset, line) in lines.prefix(previewHeight).enumerated() {
                let shownLine = offset == previewHeight - 1 && lines.count > previewHeight
                    ? TextLayout.truncate(line + " …", to: area.width, ellipsis: context.symbols.ellipsis) : line
                buffer.put(shownLine, at: Point(x: area.x, y: area.maxY - previewHeight + offset), style: context.style(.muted), maxWidth: area.width)
            }
        }
        return Rendered(cursor: cursor ?? rowCursor)
    }

    func row(_ row: ThreadSummaryRow, context: ViewContext) -> ListRow {
        var marks: [String] = []
        if row.unread > 0 { marks.append(trPlural("messages.mark.unread", count: row.unread, ["count": String(row.unread)])) }
        if row.isClosed { marks.append(tr("messages.mark.closed")) }
        let text = "\(LocalFormat.date(row.lastActivity))  \(row.subject) — \(row.correspondent)"
        return ListRow(text, marks: marks.isEmpty ? "" : "[" + marks.joined(separator: ", ") + "]", role: row.unread > 0 ? .accent : .normal)
    }

    static func announce(_ row: ThreadSummaryRow) -> String {
        var parts = [row.subject, MessagingWording.correspondent(row), LocalFormat.date(row.lastActivity)]
        if row.unread > 0 { parts.append(trPlural("messages.mark.unread", count: row.unread, ["count": String(row.unread)])) }
        if row.isClosed { parts.append(tr("messages.mark.closed")) }
        return parts.joined(separator: ", ")
    }

    /// Asks the parent to open a thread.
    struct Opening: Sendable { var id: String }
    /// Asks the parent to read the inbox (or the archives) again.
    struct Reload: Sendable { var archives: Bool }
    enum Request: Sendable {
        case archive(String, Bool)
        case delete(String, String)
        case pharmacy
    }
}

/// The inbox's rows in the vault: one query (archives or not, unread, order, search) of the messagerie.
struct InboxSource: PagedSource {
    let messenger: Messenger
    let query: ThreadListQuery

    struct Totals: Sendable {
        /// Messages to read in the inbox (or the archives), filters aside.
        var unread: Int
        var ownAddress: String?
    }

    func load(keeping id: String?, into layout: inout PagedList<ThreadSummaryRow>, visibleRows: Int) throws -> Totals {
        let ownAddress = try messenger.ownAddress()
        return try messenger.readInbox(query) { reader in
            let position = try id.flatMap { try reader.position(of: $0) }
            try layout.lay(out: [try reader.count()], selecting: position.map { (0, $0) }, visibleRows: visibleRows) { _, offset, limit in
                try reader.page(offset: offset, limit: limit)
            }
            return Totals(unread: try reader.unread(), ownAddress: ownAddress)
        }
    }

    func read(_ request: PageRequest) throws -> Page<ThreadSummaryRow> {
        try messenger.readInbox(query) { reader in try request.read { _, offset, limit in try reader.page(offset: offset, limit: limit) } }
    }

    static func describe(_ error: any Error) -> String {
        MessagesEffects.message(for: error)
    }
}
