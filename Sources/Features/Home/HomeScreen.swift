import Foundation
import HealthRecord
import L10n
import TerminalUI

/// What the Accueil works with: the digest of the open space, read from the vault.
public struct HomeServices: Sendable {
    /// The digest now (counts and top rows, from the vault only).
    public var digest: @Sendable () throws -> HomeDigest

    public init(digest: @escaping @Sendable () throws -> HomeDigest) {
        self.digest = digest
    }
}

/// Asks a section's screen to show one item (a line of the Accueil opened): the shell goes to
/// the section and hands this to its screen as an event.
public struct OpenItem: Sendable, Hashable {
    public var kind: RecordKind
    public var id: String

    public init(kind: RecordKind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// The section that shows items of this kind (nil: none does).
    public var section: AppSection? {
        switch kind {
        case .document: .documents
        case .thread, .message: .messages
        case .agendaEvent: .agenda
        case .auditEntry, .accessGrant: .sharing
        default: nil
        }
    }
}

/// Section 1, Accueil: for the active space, what is new and what is next, one block each —
/// new documents, unread messages, the next rendez-vous, rappels due, accesses by others, and
/// what waits to be sent. Each line opens its item; a block's heading is one sentence with
/// its count first (what a screen reader says).
public struct HomeScreen: FeatureScreen {
    enum Event: Sendable {
        case loaded(HomeDigest, generation: Int)
        case failed(String)
    }

    /// One line: a block's sentence (not selectable) or an item.
    struct Line: Hashable {
        var text: String
        var item: HomeDigest.Item?
        /// The section a heading opens when it has no item of its own (unsent changes: none).
        var isHeading: Bool { item == nil }
    }

    let services: HomeServices
    var digest: HomeDigest?
    var lines: [Line] = []
    var list = ListState(count: 0)
    var generation = 0
    var failure: String?

    public init(services: HomeServices) { self.services = services }

    public var summary: String? {
        guard let digest else { return nil }
        return Self.blocks(digest).map(\.heading).joined(separator: " ")
    }

    public var keyMap: KeyMap {
        KeyMap(title: tr("section.home"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("home.help.move")),
            KeyBinding([.enter], tr("home.help.open")),
            KeyBinding([.character("r")], tr("home.help.reload")),
        ])
    }

    public var keyHints: [KeyHint] {
        [KeyHint(.enter, tr("home.hint.open")), KeyHint("@", tr("spaces.hint.switch"))]
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear, .changed, .key(.character("r")):
            return .run(load())
        case .event(Event.loaded(let digest, let generation)):
            guard generation == self.generation else { return .handled }
            let first = self.digest == nil
            show(digest)
            return first ? .handled : .say(summary)
        case .event(Event.failed(let message)):
            failure = message
            return .say(message)
        case .key(.enter), .key(.right):
            guard lines.indices.contains(list.selected), let item = lines[list.selected].item else { return .handled }
            return Update(requests: [ShellRequest.open(OpenItem(kind: item.kind, id: item.id))])
        case .key(let key):
            guard let motion = key.motion, motion != .left, motion != .right else { return .ignored }
            let lines = lines
            list.move(motion, visibleRows: 15) { lines.indices.contains($0) && !lines[$0].isHeading }
            guard lines.indices.contains(list.selected) else { return .handled }
            return .say(lines[list.selected].text + ", " + list.position)
        default:
            return .ignored
        }
    }

    private mutating func load() -> Effect<any Sendable> {
        generation += 1
        let (services, generation) = (services, generation)
        return Effect {
            do { return Event.loaded(try services.digest(), generation: generation) } catch {
                return Event.failed(tr("home.failed"))
            }
        }
    }

    private mutating func show(_ digest: HomeDigest) {
        self.digest = digest
        failure = nil
        let selectedID = lines.indices.contains(list.selected) ? lines[list.selected].item?.id : nil
        lines = Self.blocks(digest).flatMap { block in
            [Line(text: block.heading)] + block.items.map { Line(text: Self.describe($0), item: $0) }
        }
        let first = lines.firstIndex { !$0.isHeading } ?? 0
        list = ListState(count: lines.count, selected: selectedID.flatMap { id in lines.firstIndex { $0.item?.id == id } } ?? first)
    }

    /// The blocks, each a sentence with its count first, and its lines.
    static func blocks(_ digest: HomeDigest) -> [(heading: String, items: [HomeDigest.Item])] {
        var blocks: [(String, [HomeDigest.Item])] = []
        let documentsKey = digest.since == nil ? "home.documents.unread" : "home.documents.new"
        blocks.append((trPlural(documentsKey, count: digest.newDocuments), digest.documents))
        blocks.append((trPlural("home.messages.unread", count: digest.unreadMessages), digest.threads))
        if let next = digest.nextAppointment, let date = next.date {
            blocks.append((tr("home.appointment.next", ["date": LocalFormat.dateTime(date)])
                           + (digest.upcomingAppointments > 1 ? " " + trPlural("home.appointment.more", count: digest.upcomingAppointments - 1) : ""),
                           [next]))
        } else {
            blocks.append((tr("home.appointment.none"), []))
        }
        blocks.append((trPlural("home.reminders.due", count: digest.dueReminders), digest.reminders))
        blocks.append((trPlural("home.accesses.recent", count: digest.recentAccesses), digest.accesses))
        blocks.append((trPlural("home.pending", count: digest.pending) + " " + trPlural("home.conflicts", count: digest.conflicts), []))
        return blocks
    }

    /// "Compte rendu de biologie, Dr Garnier, 02/12/2026".
    static func describe(_ item: HomeDigest.Item) -> String {
        var parts = [Sanitizer.sanitize(item.title, policy: .name)]
        if let detail = item.detail, !detail.isEmpty { parts.append(Sanitizer.sanitize(detail, policy: .name)) }
        if let date = item.date {
            parts.append(item.kind == .agendaEvent || item.kind == .auditEntry ? LocalFormat.dateTime(date) : LocalFormat.date(date))
        }
        return parts.joined(separator: ", ")
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard digest != nil else {
            buffer.put(failure ?? tr("home.loading"), at: area.origin, style: context.style(.normal), maxWidth: area.width)
            return Rendered(cursor: area.origin)
        }
        let lines = lines
        let cursor = ListView.render(list, rows: { index in
            let line = lines[index]
            return line.isHeading ? ListRow.heading(line.text) : ListRow(line.text)
        }, into: &buffer, area: area, context: context, focused: context.focused)
        return Rendered(cursor: cursor)
    }
}
