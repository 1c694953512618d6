import Foundation

/// An event of the *agenda santé*: an appointment, a reminder or a task (`Appointment` / `Task`).
public struct AgendaEvent: ProfileRecord, Hashable {
    public static let kind = RecordKind.agendaEvent

    public enum Category: String, Codable, Sendable, CaseIterable { case appointment, reminder, task }
    public enum Status: String, Codable, Sendable, CaseIterable { case planned, done, cancelled }

    public var id: String
    public var profileID: String
    public var category: Category
    public var title: String
    public var start: Date
    public var end: Date?
    public var location: String?
    public var practitioner: Practitioner?
    /// How long before `start` to remind, in seconds (e.g. 86400 for the day before).
    public var reminderOffsets: [TimeInterval]
    /// An RFC 5545 RRULE for recurring events, when any.
    public var recurrenceRule: String?
    public var status: Status
    public var note: String?

    public init(id: String, profileID: String, category: Category, title: String, start: Date, end: Date? = nil,
                location: String? = nil, practitioner: Practitioner? = nil, reminderOffsets: [TimeInterval] = [],
                recurrenceRule: String? = nil, status: Status = .planned, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.category = category
        self.title = title
        self.start = start
        self.end = end
        self.location = location
        self.practitioner = practitioner
        self.reminderOffsets = reminderOffsets
        self.recurrenceRule = recurrenceRule
        self.status = status
        self.note = note
    }

    /// The moments reminders fire, earliest first.
    public var reminderDates: [Date] {
        reminderOffsets.map { start.addingTimeInterval(-$0) }.sorted()
    }

    /// True when the event overlaps `[from, to)`.
    public func overlaps(from: Date, to: Date) -> Bool {
        start < to && (end ?? start) >= from
    }
}
