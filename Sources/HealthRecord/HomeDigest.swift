import Foundation

/// What the Accueil says of one space: what is new since the last visit and what comes next.
/// Counts and a few top rows only, read straight from the vault (no network needed).
public struct HomeDigest: Sendable, Equatable {
    /// One line of a block, opening its item.
    public struct Item: Sendable, Hashable {
        public var kind: RecordKind
        public var id: String
        public var title: String
        /// Who or where (an author, a correspondent, a place), from outside: sanitise to draw.
        public var detail: String?
        public var date: Date?

        public init(kind: RecordKind, id: String, title: String, detail: String? = nil, date: Date? = nil) {
            self.kind = kind
            self.id = id
            self.title = title
            self.detail = detail
            self.date = date
        }
    }

    /// The visit this digest counts from (nil: the first visit, everything unread counts).
    public var since: Date?
    public var newDocuments = 0
    public var documents: [Item] = []
    /// Unread messages, and the threads they are in (newest first).
    public var unreadMessages = 0
    public var threads: [Item] = []
    /// The next planned rendez-vous, and how many are planned in the next 30 days (it included).
    public var nextAppointment: Item?
    public var upcomingAppointments = 0
    /// Rappels and tasks due (overdue or within the next week), soonest first.
    public var dueReminders = 0
    public var reminders: [Item] = []
    /// Accesses and changes by others (professionals, aidants, services) since the last visit.
    public var recentAccesses = 0
    public var accesses: [Item] = []
    /// Local changes not yet sent, and conflicts waiting for the user.
    public var pending = 0
    public var conflicts = 0

    public init(since: Date? = nil) { self.since = since }

    /// How many rows each block shows.
    public static let rowsPerBlock = 3
}
