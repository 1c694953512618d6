import Foundation

/// An event of the *agenda santé*: an appointment, a reminder or a task (`Appointment` / `Task`).
public struct AgendaEvent: ProfileRecord, Hashable {
    public static let kind = RecordKind.agendaEvent

    public enum Category: String, Codable, Sendable, CaseIterable { case appointment, reminder, task }
    public enum Status: String, Codable, Sendable, CaseIterable { case planned, done, cancelled }

    /// Where an item comes from when the user did not write it: such items are read-only in mes
    /// (MES: « connectez-vous à votre compte <app> » to change them).
    public struct Source: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// Written by a health professional in the space.
            case professional
            /// Synced from an appointment-booking service (MES: `EDITOR_SOLUTION`).
            case bookingService = "booking-service"
        }
        public var kind: Kind
        /// The professional's or the service's name (untrusted text).
        public var name: String

        public init(kind: Kind, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// The longest comment MES accepts on an item.
    public static let maximumNoteLength = 1000
    /// MES accepts at most this many rappels on one date.
    public static let maximumRemindersPerDay = 10

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
    /// Nil for the user's own items (editable); set for items from a professional or a service.
    public var source: Source?
    /// An event of a whole day (`start` is that day's midnight in Europe/Paris).
    public var allDay: Bool
    /// The prevention step (a rule id of the prevention calendar) this item plans or records.
    public var preventionStep: String?
    /// The iCalendar UID the item was imported with (duplicates are recognised by it).
    public var externalUID: String?

    public init(id: String, profileID: String, category: Category, title: String, start: Date, end: Date? = nil,
                location: String? = nil, practitioner: Practitioner? = nil, reminderOffsets: [TimeInterval] = [],
                recurrenceRule: String? = nil, status: Status = .planned, note: String? = nil, source: Source? = nil,
                allDay: Bool = false, preventionStep: String? = nil, externalUID: String? = nil) {
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
        self.source = source
        self.allDay = allDay
        self.preventionStep = preventionStep
        self.externalUID = externalUID
    }

    enum CodingKeys: String, CodingKey {
        case id, profileID, category, title, start, end, location, practitioner, reminderOffsets, recurrenceRule, status, note
        case source, allDay, preventionStep, externalUID
    }

    /// Reads bodies stored before the source, all-day, prevention and UID members existed.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), profileID: try c.decode(String.self, forKey: .profileID),
                  category: try c.decode(Category.self, forKey: .category), title: try c.decode(String.self, forKey: .title),
                  start: try c.decode(Date.self, forKey: .start), end: try c.decodeIfPresent(Date.self, forKey: .end),
                  location: try c.decodeIfPresent(String.self, forKey: .location),
                  practitioner: try c.decodeIfPresent(Practitioner.self, forKey: .practitioner),
                  reminderOffsets: try c.decodeIfPresent([TimeInterval].self, forKey: .reminderOffsets) ?? [],
                  recurrenceRule: try c.decodeIfPresent(String.self, forKey: .recurrenceRule),
                  status: try c.decode(Status.self, forKey: .status), note: try c.decodeIfPresent(String.self, forKey: .note),
                  source: try c.decodeIfPresent(Source.self, forKey: .source),
                  allDay: try c.decodeIfPresent(Bool.self, forKey: .allDay) ?? false,
                  preventionStep: try c.decodeIfPresent(String.self, forKey: .preventionStep),
                  externalUID: try c.decodeIfPresent(String.self, forKey: .externalUID))
    }

    /// Items from a professional or a booking service are read-only.
    public var isReadOnly: Bool { source != nil }

    /// The moments reminders fire, earliest first.
    public var reminderDates: [Date] {
        reminderOffsets.map { start.addingTimeInterval(-$0) }.sorted()
    }

    /// True when the event overlaps `[from, to)`.
    public func overlaps(from: Date, to: Date) -> Bool {
        start < to && (end ?? start) >= from
    }
}
