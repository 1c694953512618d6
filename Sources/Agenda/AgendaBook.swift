import Crypto
import Foundation
import HealthRecord
import ICalendar
import L10n
import Vault

/// Why an agenda operation did not happen.
public enum AgendaError: Error, Equatable, Sendable {
    case notFound(String)
    /// The item comes from a professional or a booking service: it is changed there.
    case readOnly(AgendaEvent.Source)
    case noteTooLong(limit: Int)
    case tooManyReminders(CalendarDate, limit: Int)
    /// A rappel needs a title; a rendez-vous needs a title or a professional.
    case missingTitle
    case endBeforeStart
    case unknownPreventionStep(String)
    /// The profile has no birth date: no recommendation can be computed.
    case noBirthDate
    case importRefused(ICalendarRefusal)
    case unreadableFile(String)
}

/// How one of the user's own items repeats: every `interval` days, weeks, months or years,
/// `count` times in all (RFC 5545 `FREQ`, `INTERVAL`, `COUNT`).
public struct Repetition: Sendable, Equatable {
    public enum Frequency: String, CaseIterable, Sendable {
        case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY"
    }

    public var frequency: Frequency
    public var interval: Int
    public var count: Int

    /// At most this many occurrences (a year of daily rappels).
    public static let maximumCount = 366

    public init(_ frequency: Frequency, interval: Int = 1, count: Int) {
        self.frequency = frequency
        self.interval = max(1, interval)
        self.count = min(max(1, count), Self.maximumCount)
    }

    public var rule: String { "FREQ=\(frequency.rawValue)" + (interval > 1 ? ";INTERVAL=\(interval)" : "") + ";COUNT=\(count)" }

    /// The starts of the occurrences, the first being `start`, in Paris wall-clock time (a
    /// monthly item on the 31st falls on the last day of shorter months).
    public func dates(from start: Date) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = LocalFormat.timeZone
        let component: Calendar.Component = switch frequency {
        case .daily: .day
        case .weekly: .weekOfYear
        case .monthly: .month
        case .yearly: .year
        }
        return (0..<count).compactMap { calendar.date(byAdding: component, value: $0 * interval, to: start) }
    }
}

/// What the user enters for a new item (or changes in one).
public struct AgendaDraft: Sendable, Equatable {
    public var category: AgendaEvent.Category
    public var title: String
    public var start: Date
    public var end: Date?
    public var allDay: Bool
    public var location: String?
    public var practitioner: Practitioner?
    public var note: String?
    public var reminderOffsets: [TimeInterval]
    public var preventionStep: String?

    public init(category: AgendaEvent.Category, title: String, start: Date, end: Date? = nil, allDay: Bool = false,
                location: String? = nil, practitioner: Practitioner? = nil, note: String? = nil,
                reminderOffsets: [TimeInterval] = [], preventionStep: String? = nil) {
        self.category = category
        self.title = title
        self.start = start
        self.end = end
        self.allDay = allDay
        self.location = location
        self.practitioner = practitioner
        self.note = note
        self.reminderOffsets = reminderOffsets
        self.preventionStep = preventionStep
    }

    public init(_ event: AgendaEvent) {
        self.init(category: event.category, title: event.title, start: event.start, end: event.end, allDay: event.allDay,
                  location: event.location, practitioner: event.practitioner, note: event.note,
                  reminderOffsets: event.reminderOffsets, preventionStep: event.preventionStep)
    }
}

/// A file's events ready to import: the new ones, those already in the agenda (same UID) and
/// those that could not be read.
public struct AgendaImportPreview: Sendable {
    public var new: [AgendaEvent]
    public var duplicates: [AgendaEvent]
    public var problems: [ICalendarProblem]
}

/// The agenda santé of one space, as the user works with it: views by range, day and month,
/// the user's own items added, changed and deleted (items from a professional or a booking
/// service are read-only), rappels due, the prevention recommendations and iCalendar in and
/// out. Every change is one vault transaction that also queues it for the server.
public struct AgendaBook: Sendable {
    public let vault: Vault
    public let profileID: String
    /// The prevention calendar given, else `PreventionCalendar.standard`, read the first time a
    /// recommendation is asked for (not while the app starts: issue 20).
    private let givenCalendar: PreventionCalendar?
    public var calendar: PreventionCalendar { givenCalendar ?? PreventionCalendar.standard }

    /// Settings key of "personalised prevention recommendations" (a Bool; on unless set false).
    public static let personalisedSetting = "agenda.prevention-personalised"

    public init(vault: Vault, profileID: String, calendar: PreventionCalendar?) {
        self.vault = vault
        self.profileID = profileID
        self.givenCalendar = calendar
    }

    /// The agenda of the vault's own space (or of `profileID`); nil when no profile is synced yet.
    /// `calendar` nil: the share directory's, read when first needed.
    public static func open(_ vault: Vault, profileID: String? = nil, calendar: PreventionCalendar?) throws -> AgendaBook? {
        let profiles = try vault.read { try $0.profiles.all() }
        guard let profile = profileID.map({ id in profiles.first { $0.id == id } }) ?? profiles.first(where: { $0.relation == .own }) ?? profiles.first
        else { return nil }
        return AgendaBook(vault: vault, profileID: profile.id, calendar: calendar)
    }

    // MARK: Views

    /// Items starting in `[from, to)`, earliest first. The marks of prevention steps (done or
    /// dismissed tasks) belong to the recommendations, not to the agenda.
    public func items(from: Date, to: Date) throws -> [AgendaEvent] {
        try vault.read { try $0.agenda.starting(profile: profileID, from: from, to: to) }.filter(Self.isShown)
    }

    public func items(on day: CalendarDate) throws -> [AgendaEvent] {
        try items(from: day.start(), to: day.adding(days: 1).start())
    }

    /// The next `limit` items from `now` (cancelled ones left out).
    public func upcoming(from now: Date, limit: Int = 50) throws -> [AgendaEvent] {
        let horizon = now.addingTimeInterval(3 * 366 * 86400)
        let profileID = self.profileID
        let found = try vault.read { try $0.agenda.starting(profile: profileID, from: now, to: horizon, limit: 2 * limit) }
        return Array(found.filter { Self.isShown($0) && $0.status != .cancelled }.prefix(limit))
    }

    /// The items of a month and the days that hold at least one (not cancelled).
    public func month(year: Int, month: Int) throws -> (items: [AgendaEvent], busyDays: Set<Int>) {
        let first = CalendarDate(year: year, month: month, day: 1)!
        let items = try items(from: first.start(), to: first.adding(months: 1).start())
        return (items, Self.busyDays(items))
    }

    /// The days (of the month) on which the items fall, cancelled ones left out.
    public static func busyDays(_ items: [AgendaEvent]) -> Set<Int> {
        Set(items.filter { $0.status != .cancelled }.map { CalendarDate($0.start).day })
    }

    public func item(_ id: String) throws -> AgendaEvent {
        guard let event = try vault.read({ try $0.agenda.find(id) }), event.profileID == profileID else { throw AgendaError.notFound(id) }
        return event
    }

    /// What falls due today or tomorrow (Europe/Paris): rappels and rendez-vous not cancelled
    /// nor done, earliest first — announced at start and listed for the Accueil screen.
    public func dueSoon(now: Date) throws -> [AgendaEvent] {
        let today = CalendarDate(now)
        return try items(from: today.start(), to: today.adding(days: 2).start()).filter { $0.status == .planned }
    }

    static func isShown(_ event: AgendaEvent) -> Bool {
        !(event.category == .task && event.preventionStep != nil && event.status != .planned)
    }

    // MARK: Changes

    /// Adds one of the user's own items.
    @discardableResult
    public func add(_ draft: AgendaDraft, status: AgendaEvent.Status = .planned) throws -> AgendaEvent {
        let event = AgendaEvent(id: "agenda-" + UUID().uuidString.lowercased(), profileID: profileID, category: draft.category,
                                title: draft.title, start: draft.start, end: draft.end, location: draft.location,
                                practitioner: draft.practitioner, reminderOffsets: draft.reminderOffsets, status: status, note: draft.note,
                                allDay: draft.allDay, preventionStep: draft.preventionStep)
        try save(event)
        return event
    }

    /// Adds one of the user's own items repeated `count` times (2…`Repetition.maximumCount`),
    /// every `interval` days, weeks, months or years (Europe/Paris, so 9:00 stays 9:00 across the
    /// clock changes). All the occurrences are written in one transaction, or none: each is an
    /// item of its own (synced, moved, cancelled or deleted on its own) carrying the series' RRULE;
    /// an export writes each occurrence as an event of its own (with what was moved or cancelled).
    @discardableResult
    public func add(_ draft: AgendaDraft, repeating repetition: Repetition) throws -> [AgendaEvent] {
        let series = "agenda-" + UUID().uuidString.lowercased()
        let rule = repetition.rule
        let events = repetition.dates(from: draft.start).enumerated().map { index, start in
            AgendaEvent(id: index == 0 ? series : "\(series)-\(index + 1)", profileID: profileID, category: draft.category, title: draft.title,
                        start: start, end: draft.end.map { start.addingTimeInterval($0.timeIntervalSince(draft.start)) }, location: draft.location,
                        practitioner: draft.practitioner, reminderOffsets: draft.reminderOffsets, recurrenceRule: rule, status: .planned,
                        note: draft.note, allDay: draft.allDay)
        }
        try save(events)
        return events
    }

    /// Changes one of the user's own items (refused for an item from elsewhere).
    @discardableResult
    public func update(_ id: String, with draft: AgendaDraft) throws -> AgendaEvent {
        var event = try item(id)
        if let source = event.source { throw AgendaError.readOnly(source) }
        event.category = draft.category
        event.title = draft.title
        event.start = draft.start
        event.end = draft.end
        event.allDay = draft.allDay
        event.location = draft.location
        event.practitioner = draft.practitioner
        event.note = draft.note
        event.reminderOffsets = draft.reminderOffsets
        event.preventionStep = draft.preventionStep
        try save(event)
        return event
    }

    /// Marks one of the user's own items done, cancelled or planned again.
    @discardableResult
    public func setStatus(_ id: String, _ status: AgendaEvent.Status) throws -> AgendaEvent {
        var event = try item(id)
        if let source = event.source { throw AgendaError.readOnly(source) }
        event.status = status
        try save(event)
        return event
    }

    public func delete(_ id: String) throws {
        let event = try item(id)
        if let source = event.source { throw AgendaError.readOnly(source) }
        try vault.write { session in _ = try session.agenda.delete(id) }
    }

    /// Checks the MES limits and writes the item to the vault and the outbox.
    func save(_ event: AgendaEvent) throws {
        try save([event])
    }

    /// Checks the MES limits and writes the items in one transaction (all or none).
    func save(_ events: [AgendaEvent]) throws {
        for event in events { try Self.validate(event) }
        try vault.write { session in
            for event in events {
                if event.category == .reminder {
                    let day = CalendarDate(event.start)
                    let others = try session.agenda.starting(profile: profileID, from: day.start(), to: day.adding(days: 1).start())
                        .filter { $0.category == .reminder && $0.id != event.id }
                    if others.count >= AgendaEvent.maximumRemindersPerDay {
                        throw AgendaError.tooManyReminders(day, limit: AgendaEvent.maximumRemindersPerDay)
                    }
                }
                try session.agenda.save(event)
            }
        }
    }

    static func validate(_ event: AgendaEvent) throws {
        let title = event.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty && (event.category != .appointment || (event.practitioner?.name ?? "").isEmpty) { throw AgendaError.missingTitle }
        if let note = event.note, note.count > AgendaEvent.maximumNoteLength { throw AgendaError.noteTooLong(limit: AgendaEvent.maximumNoteLength) }
        if let end = event.end, end < event.start { throw AgendaError.endBeforeStart }
    }

    // MARK: iCalendar

    /// The agenda as a `.ics` text; with `prevention`, the recommendations' due dates too (as
    /// whole-day events).
    public func exportICS(prevention: [PreventionItem] = [], language: Language, now: Date = Date()) throws -> String {
        var events = try vault.read { try $0.agenda.all(profile: profileID, orderedBy: "start_at") }.filter(Self.isShown).map { event in
            // The user's own series are stored occurrence by occurrence: each is exported as it is.
            var event = event
            if event.source == nil, event.externalUID == nil { event.recurrenceRule = nil }
            return event
        }
        for item in prevention where [.due, .overdue, .upcoming].contains(item.status) {
            events.append(AgendaEvent(id: "prevention-\(item.rule.id)", profileID: profileID, category: .task,
                                      title: item.rule.title(language), start: item.date.start(),
                                      note: AgendaWording.reason(item, language: language), allDay: true,
                                      preventionStep: item.rule.id))
        }
        return ICalendar.write(events, now: now)
    }

    /// Reads a `.ics` file's events over `[from, to)` and tells the new ones from those
    /// already imported (same UID).
    public func previewImport(_ bytes: [UInt8], from: Date, to: Date) throws -> AgendaImportPreview {
        let content: ICalendarContent
        do { content = try ICalendar.read(bytes, from: from, to: to) } catch { throw AgendaError.importRefused(error) }
        let known = try vault.read { session in
            Set(try session.agenda.all(profile: profileID).flatMap { [$0.externalUID, ICalendar.uid(of: $0)].compactMap { $0 } })
        }
        var preview = AgendaImportPreview(new: [], duplicates: [], problems: content.problems)
        var seen: Set<String> = []
        for var event in content.events {
            let uid = event.externalUID ?? ""
            event.id = Self.importedID(uid)
            event.profileID = profileID
            event.source = nil
            if known.contains(uid) || !seen.insert(uid).inserted {
                preview.duplicates.append(event)
            } else {
                preview.new.append(event)
            }
        }
        return preview
    }

    /// Adds the new events of a preview as the user's own items, in one transaction.
    @discardableResult
    public func applyImport(_ preview: AgendaImportPreview) throws -> Int {
        for event in preview.new { try Self.validate(event) }
        try vault.write { session in
            for event in preview.new { try session.agenda.save(event) }
        }
        return preview.new.count
    }

    /// A stable id for an imported UID (importing twice finds the same record).
    static func importedID(_ uid: String) -> String {
        "ics-" + SHA256.hash(Array(uid.utf8)).prefix(24).map { String(format: "%02x", $0) }.joined()
    }
}
