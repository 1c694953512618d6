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
    private(set) var loaded = false
    private(set) var all: [ThreadSummaryRow] = []
    private(set) var rows: [ThreadSummaryRow] = []
    private(set) var ownAddress: String?
    private(set) var unreadOnly = false
    private(set) var oldestFirst = false
    private(set) var archives = false
    private(set) var search = TextField()
    private(set) var typing = false
    private(set) var matches: Set<String>?
    private(set) var list = ListState(count: 0)
    private(set) var failure: String?
    private var searchGeneration = 0

    init(services: MessagesServices) {
        self.services = services
    }

    var mode: Mode {
        if typing { return .typingSearch }
        return search.text.isEmpty ? .browsing : .searchResults
    }

    var capturesText: Bool { typing }

    var selected: ThreadSummaryRow? { rows.indices.contains(list.selected) ? rows[list.selected] : nil }

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
        let unread = all.reduce(0) { $0 + $1.unread }
        return tr(archives ? "messages.screen.archives" : "messages.screen.summary",
                  ["count": String(rows.count), "unread": String(unread)])
    }

    // MARK: Update

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return typing ? handleSearchKey(key) : handleListKey(key)
        case .event(MessagesEvent.searched(let generation, let text, let ids)) where generation == searchGeneration && text == search.text:
            matches = ids
            return apply(keeping: selected?.id)
        default: return .ignored
        }
    }

    /// New rows from the vault (first load, after an edit, after a sync).
    mutating func take(_ result: Result<Inbox, MessagesFailure>, select: String?) -> Update {
        let first = !loaded
        loaded = true
        let keep = select ?? selected?.id
        switch result {
        case .success(let inbox):
            all = inbox.rows
            ownAddress = inbox.ownAddress
            failure = nil
        case .failure(let failure):
            all = []
            self.failure = failure.message
        }
        var update = apply(keeping: keep)
        if !search.text.isEmpty { update.effects += [runSearch()] }
        if first { update.announcement = summary }
        return update
    }

    private mutating func handleListKey(_ key: Key) -> Update {
        if let motion = key.motion, motion != .left, motion != .right {
            list.move(motion, visibleRows: Self.page)
            return .say(selected.map(Self.announce))
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
            return sayingAfter(apply(keeping: nil), tr(unreadOnly ? "messages.filter.unread-on" : "messages.filter.unread-off") + " " + count())
        case .character("o"):
            oldestFirst.toggle()
            return sayingAfter(apply(keeping: selected?.id), tr(oldestFirst ? "messages.order.oldest" : "messages.order.newest"))
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
            matches = nil
            return sayingAfter(apply(keeping: selected?.id), tr("messages.search.cleared"))
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
            matches = nil
            return sayingAfter(apply(keeping: selected?.id), tr("messages.search.cleared"))
        case .up, .down, .pageUp, .pageDown:
            if let motion = key.arrowMotion { list.move(motion, visibleRows: Self.page) }
            return .say(selected.map(Self.announce))
        default:
            let before = search.text
            guard search.handle(key) else { return .handled }
            guard search.text != before else { return .handled }
            if search.text.trimmingCharacters(in: .whitespaces).isEmpty {
                matches = nil
                return apply(keeping: selected?.id)
            }
            return Update(effects: [runSearch()])
        }
    }

    private mutating func runSearch() -> Effect<any Sendable> {
        searchGeneration += 1
        return MessagesEffects.search(search.text, services, generation: searchGeneration)
    }

    private mutating func apply(keeping id: String?) -> Update {
        rows = all.filter { row in (!unreadOnly || row.unread > 0) && (matches?.contains(row.id) ?? true) }
        if oldestFirst { rows.reverse() }
        let index = id.flatMap { id in rows.firstIndex { $0.id == id } } ?? min(list.selected, max(0, rows.count - 1))
        list.setCount(rows.count)
        list.jump(to: index, visibleRows: Self.page)
        return .handled
    }

    private func sayingAfter(_ update: Update, _ sentence: String) -> Update {
        var update = update
        update.announcement = sentence
        return update
    }

    static let page = 12

    func count() -> String {
        trPlural("messages.count", count: rows.count, ["count": String(rows.count)])
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
        let rowCursor = ListView.render(list, rows: { row(rows[$0], context: context) }, into: &buffer, area: listArea, context: context,
                                        focused: context.focused && !typing)
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
