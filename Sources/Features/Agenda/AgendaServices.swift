import Agenda
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// What the Agenda screen needs from the core: the agenda of the open space, the clock, and
/// where an export goes by default.
public struct AgendaServices: Sendable {
    public var book: AgendaBook
    public var now: @Sendable () -> Date
    /// The folder an exported `.ics` goes to unless the user types another path.
    public var exportDirectory: URL
    /// Kiosk mode: no export (nothing may stay on a shared machine).
    public var kiosk: Bool
    /// What falls due today or tomorrow when the app starts (read once, said on the status line).
    public var dueAtStart: String?
    /// The moments, later today or tomorrow, when an item or its alarm falls due, with what to say.
    public var dueLater: [(at: Date, sentence: String)] = []

    public init(book: AgendaBook, now: @escaping @Sendable () -> Date = { Date() },
                exportDirectory: URL = AgendaServices.homeDirectory(), kiosk: Bool = false) {
        self.book = book
        self.now = now
        self.exportDirectory = exportDirectory
        self.kiosk = kiosk
        let soon = (try? book.dueSoon(now: now())) ?? []
        dueAtStart = AgendaWording.dueSoon(soon, today: CalendarDate(now()))
        dueLater = Self.alarms(soon, after: now())
    }

    /// The moments after `moment` when the items or their alarms fall due, with what to say.
    static func alarms(_ soon: [AgendaEvent], after moment: Date) -> [(at: Date, sentence: String)] {
        var alarms: [(at: Date, sentence: String)] = []
        for event in soon {
            for at in Set([event.start] + event.reminderDates) where at > moment && !event.allDay {
                alarms.append((at, tr("agenda.due.now", ["title": AgendaWording.headline(event), "time": LocalFormat.time(event.start)])))
            }
        }
        return alarms
    }

    /// The alarms from now on, read again (an item added, moved or deleted during the session).
    public func currentAlarms() -> [(at: Date, sentence: String)] {
        let moment = now()
        return Self.alarms((try? book.dueSoon(now: moment)) ?? [], after: moment)
    }

    public var today: CalendarDate { CalendarDate(now()) }

    /// `$HOME`, else the account's home folder.
    public static func homeDirectory() -> URL {
        if let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") { return URL(fileURLWithPath: home, isDirectory: true) }
        return FileManager.default.homeDirectoryForCurrentUser
    }
}

/// What the user asked the screen to do, waiting for a dialog's answer.
enum AgendaAction: Hashable, Sendable {
    /// Add (nil) or edit an item.
    case save(String?)
    /// Delete an item (its id and title).
    case delete(String, String)
    case export
    /// Import: the path typed, then the preview to confirm.
    case importFile
    case applyImport(AgendaImportPreviewBox)
    case plan(String)
    case dismiss(String)
}

/// The lines of an item's detail (untrusted text inside: drawn through the sanitising buffer).
enum AgendaDetail {
    static func lines(_ event: AgendaEvent) -> [String] {
        var lines = [AgendaWording.headline(event), AgendaWording.category(event.category)]
        var when = LocalFormat.longDate(event.start) + ", " + AgendaWording.time(event)
        if let end = event.end, !event.allDay { when += " – " + LocalFormat.time(end) }
        lines.append(when)
        if let who = AgendaWording.who(event) { lines.append(tr("agenda.detail.with", ["who": who])) }
        if let location = event.location, !location.isEmpty { lines.append(tr("agenda.detail.where", ["where": location])) }
        if event.status != .planned { lines.append(AgendaWording.status(event.status)) }
        if !event.reminderOffsets.isEmpty {
            let minutes = event.reminderOffsets.map { String(Int($0 / 60)) }.joined(separator: ", ")
            lines.append(tr("agenda.detail.remind", ["minutes": minutes]))
        }
        lines.append(AgendaWording.origin(event) ?? tr("agenda.detail.own"))
        if let note = event.note, !note.isEmpty {
            lines.append("")
            lines.append(contentsOf: note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
        return lines
    }

    /// One line of a list: `10:00  Rendez-vous  Title — Dr X  (lecture seule)`.
    static func row(_ event: AgendaEvent, withDate: Bool, marked: Bool = true) -> String {
        var parts: [String] = []
        if withDate { parts.append(LocalFormat.date(event.start)) }
        parts.append(AgendaWording.time(event))
        parts.append(AgendaWording.category(event.category))
        var title = AgendaWording.headline(event)
        if let who = AgendaWording.who(event), !event.title.isEmpty { title += " — " + who }
        parts.append(title)
        if event.status != .planned { parts.append("(" + AgendaWording.status(event.status) + ")") }
        if marked && event.isReadOnly { parts.append(tr("agenda.row.read-only")) }
        return parts.joined(separator: "  ")
    }

    /// The row of a list: the read-only mark right after the text.
    static func listRow(_ event: AgendaEvent, withDate: Bool) -> ListRow {
        ListRow(row(event, withDate: withDate, marked: false), marks: marks(event))
    }

    /// "(lecture seule)" for items from elsewhere.
    static func marks(_ event: AgendaEvent) -> String {
        event.isReadOnly ? tr("agenda.row.read-only") : ""
    }

    /// The sentence a screen reader hears for an item (its day in full).
    static func spoken(_ event: AgendaEvent) -> String {
        LocalFormat.longDate(event.start) + ", " + (event.isReadOnly ? marks(event) + " " : "") + row(event, withDate: false, marked: false)
    }
}

/// A preview carried by a dialog's tag (compared by identity: one preview per question).
struct AgendaImportPreviewBox: Hashable, Sendable {
    let id = UUID()
    let preview: AgendaImportPreview

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
