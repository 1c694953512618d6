import CICal
import Foundation
import HealthRecord

/// Why a whole `.ics` file is refused before it is parsed.
public enum ICalendarRefusal: Error, Equatable, Sendable {
    case tooLarge(bytes: Int, limit: Int)
    case notUTF8
    case containsNUL
    /// Not a `VCALENDAR` (or nothing libical could read).
    case notACalendar
    case tooManyEvents(count: Int, limit: Int)
}

/// An event of a file that could not be read, and why (the others are imported).
public struct ICalendarProblem: Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case missingUID
        case missingStart
        case endBeforeStart
        case unreadableRecurrence
        /// A recurring event with more occurrences in the horizon than mes expands.
        case tooManyOccurrences(limit: Int)
    }
    /// The event's SUMMARY, else its UID, else "" (untrusted text).
    public var event: String
    public var reason: Reason

    public init(event: String, reason: Reason) {
        self.event = event
        self.reason = reason
    }
}

/// What a file holds: the events (occurrences of recurring events expanded over the horizon,
/// each with its own `externalUID`; `id` and `profileID` empty), and the events refused.
public struct ICalendarContent: Sendable {
    public var events: [AgendaEvent]
    public var problems: [ICalendarProblem]
}

/// iCalendar (RFC 5545) through libical: export of agenda items (VTIMEZONE Europe/Paris, VALARM
/// for reminders, folding and escaping by libical) and import of files from other calendar
/// programs (DTEND or DURATION, all-day events, TZIDs, UTC and floating times, RRULE and EXDATE
/// expanded over a horizon, overridden occurrences). libical is not thread-safe: every call
/// goes through one lock.
public enum ICalendar {
    public static let maximumBytes = 4 * 1024 * 1024
    public static let maximumEvents = 2000
    public static let maximumOccurrences = 500
    /// At most this many alarms are read per event (a file may hold thousands).
    public static let maximumAlarms = 10
    public static let productID = "-//mes//Agenda sante//FR"
    public static let parisTZID = "Europe/Paris"

    private static let lock = NSLock()

    // MARK: Export

    /// The items as a `.ics` text (CRLF line ends). `now` stamps DTSTAMP.
    public static func write(_ events: [AgendaEvent], now: Date = Date()) -> String {
        lock.lock()
        defer { lock.unlock() }
        icalerror_set_errors_are_fatal(0)
        let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)!
        defer { icalcomponent_free(calendar) }
        icalcomponent_add_property(calendar, icalproperty_new_version("2.0"))
        icalcomponent_add_property(calendar, icalproperty_new_prodid(productID))
        icalcomponent_add_property(calendar, icalproperty_new_calscale("GREGORIAN"))
        icalcomponent_add_property(calendar, icalproperty_new_method(ICAL_METHOD_PUBLISH))
        if let zone = icalparser_parse_string(parisTimeZone) {
            icalcomponent_add_component(calendar, zone)
        }
        let stamp = icaltime_from_timet_with_zone(time_t(now.timeIntervalSince1970), 0, icaltimezone_get_utc_timezone())
        for event in events {
            let vevent = icalcomponent_new(ICAL_VEVENT_COMPONENT)!
            icalcomponent_add_property(vevent, icalproperty_new_uid(uid(of: event)))
            icalcomponent_add_property(vevent, icalproperty_new_dtstamp(stamp))
            icalcomponent_add_property(vevent, dateProperty(icalproperty_new_dtstart, event.start, allDay: event.allDay))
            if let end = event.end {
                icalcomponent_add_property(vevent, dateProperty(icalproperty_new_dtend, end, allDay: event.allDay))
            }
            icalcomponent_add_property(vevent, icalproperty_new_summary(summary(of: event)))
            if let note = event.note, !note.isEmpty { icalcomponent_add_property(vevent, icalproperty_new_description(note)) }
            if let location = event.location, !location.isEmpty { icalcomponent_add_property(vevent, icalproperty_new_location(location)) }
            if event.status == .cancelled { icalcomponent_add_property(vevent, icalproperty_new_status(ICAL_STATUS_CANCELLED)) }
            if let rule = event.recurrenceRule {
                let recurrence = icalrecurrencetype_from_string(rule)
                if recurrence.freq != ICAL_NO_RECURRENCE { icalcomponent_add_property(vevent, icalproperty_new_rrule(recurrence)) }
            }
            addX(vevent, "X-MES-KIND", event.category.rawValue)
            if let practitioner = event.practitioner {
                addX(vevent, "X-MES-PRACTITIONER", practitioner.name)
                if let specialty = practitioner.specialty { addX(vevent, "X-MES-SPECIALTY", specialty) }
            }
            if let step = event.preventionStep { addX(vevent, "X-MES-PREVENTION", step) }
            var offsets = event.reminderOffsets
            if event.category == .reminder && offsets.isEmpty { offsets = [0] }
            for offset in offsets {
                let alarm = icalcomponent_new(ICAL_VALARM_COMPONENT)!
                icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY))
                icalcomponent_add_property(alarm, icalproperty_new_trigger(icaltriggertype_from_int(Int32(-offset))))
                icalcomponent_add_property(alarm, icalproperty_new_description(summary(of: event)))
                icalcomponent_add_component(vevent, alarm)
            }
            icalcomponent_add_component(calendar, vevent)
        }
        guard let text = icalcomponent_as_ical_string_r(calendar) else { return "" }
        defer { free(text) }
        return normalizeLineEnds(String(cString: text))
    }

    /// The UID an item is exported with: the one it was imported with, else one made of its id.
    public static func uid(of event: AgendaEvent) -> String {
        event.externalUID ?? "\(event.id)@mes"
    }

    static func summary(of event: AgendaEvent) -> String {
        if !event.title.isEmpty { return event.title }
        return event.practitioner?.name ?? ""
    }

    private static func addX(_ component: OpaquePointer, _ name: String, _ value: String) {
        let property = icalproperty_new_x(value)
        icalproperty_set_x_name(property, name)
        icalcomponent_add_property(component, property)
    }

    /// DTSTART/DTEND: a date for all-day events; else the local time in Europe/Paris with its TZID.
    private static func dateProperty(_ make: (icaltimetype) -> OpaquePointer?, _ date: Date, allDay: Bool) -> OpaquePointer? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: parisTZID)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var time = icaltime_null_time()
        time.year = Int32(parts.year!)
        time.month = Int32(parts.month!)
        time.day = Int32(parts.day!)
        if allDay {
            time.is_date = 1
            return make(time)
        }
        time.hour = Int32(parts.hour!)
        time.minute = Int32(parts.minute!)
        time.second = Int32(parts.second!)
        let property = make(time)
        icalproperty_add_parameter(property, icalparameter_new_tzid(parisTZID))
        return property
    }

    /// libical ends lines with "\r\n" already on most builds; make sure every line does.
    static func normalizeLineEnds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    // MARK: Import

    /// Reads a `.ics` file. Recurring events are expanded over `[from, to)`; their occurrences
    /// outside it are left out, as are single events outside it only when `onlyInHorizon`.
    public static func read(_ bytes: [UInt8], from: Date, to: Date) throws(ICalendarRefusal) -> ICalendarContent {
        guard bytes.count <= maximumBytes else { throw .tooLarge(bytes: bytes.count, limit: maximumBytes) }
        guard !bytes.contains(0) else { throw .containsNUL }
        guard var text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let count = text.components(separatedBy: "BEGIN:VEVENT").count - 1
        guard count <= maximumEvents else { throw .tooManyEvents(count: count, limit: maximumEvents) }

        lock.lock()
        defer { lock.unlock() }
        icalerror_set_errors_are_fatal(0)
        guard let root = icalparser_parse_string(text) else { throw .notACalendar }
        defer { icalcomponent_free(root) }
        guard icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT else { throw .notACalendar }

        var reader = Reader(root: root, from: from, to: to)
        var component = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT)
        var vevents: [OpaquePointer] = []
        while let current = component {
            vevents.append(current)
            component = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)
        }
        // Overridden occurrences (RECURRENCE-ID) replace the occurrence of their UID they name.
        for vevent in vevents where icalcomponent_get_first_property(vevent, ICAL_RECURRENCEID_PROPERTY) != nil {
            if let uid = string(icalcomponent_get_uid(vevent)), let recurrence = reader.instant(vevent, ICAL_RECURRENCEID_PROPERTY) {
                reader.overridden.insert(Reader.OccurrenceKey(uid: uid, start: recurrence.date))
            }
        }
        for vevent in vevents { reader.read(vevent) }
        return ICalendarContent(events: reader.events, problems: reader.problems)
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let value = String(cString: pointer)
        return value.isEmpty ? nil : value
    }

    /// Europe/Paris as RFC 5545 writes it (DOMAIN-FACTS §8).
    static let parisTimeZone = """
        BEGIN:VTIMEZONE\r
        TZID:Europe/Paris\r
        BEGIN:DAYLIGHT\r
        TZOFFSETFROM:+0100\r
        TZOFFSETTO:+0200\r
        TZNAME:CEST\r
        DTSTART:19700329T020000\r
        RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
        END:DAYLIGHT\r
        BEGIN:STANDARD\r
        TZOFFSETFROM:+0200\r
        TZOFFSETTO:+0100\r
        TZNAME:CET\r
        DTSTART:19701025T030000\r
        RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
        END:STANDARD\r
        END:VTIMEZONE\r

        """
}

/// The state of one import: the calendar's time zones, the horizon, what was read.
private struct Reader {
    struct OccurrenceKey: Hashable { var uid: String; var start: Date }
    struct Instant { var date: Date; var allDay: Bool; var zone: OpaquePointer? }

    let root: OpaquePointer
    let from: Date
    let to: Date
    var events: [AgendaEvent] = []
    var problems: [ICalendarProblem] = []
    var overridden: Set<OccurrenceKey> = []
    let paris: OpaquePointer? = icaltimezone_get_builtin_timezone(ICalendar.parisTZID)

    init(root: OpaquePointer, from: Date, to: Date) {
        self.root = root
        self.from = from
        self.to = to
    }

    mutating func read(_ vevent: OpaquePointer) {
        let summary = ICalendar.string(icalcomponent_get_summary(vevent))
        let uidText = ICalendar.string(icalcomponent_get_uid(vevent))
        func refuse(_ reason: ICalendarProblem.Reason) {
            problems.append(ICalendarProblem(event: summary ?? uidText ?? "", reason: reason))
        }
        guard let uid = uidText else { return refuse(.missingUID) }
        guard let start = instant(vevent, ICAL_DTSTART_PROPERTY) else { return refuse(.missingStart) }
        var duration: TimeInterval?
        if let end = instant(vevent, ICAL_DTEND_PROPERTY) {
            duration = end.date.timeIntervalSince(start.date)
        } else if let property = icalcomponent_get_first_property(vevent, ICAL_DURATION_PROPERTY) {
            duration = TimeInterval(icaldurationtype_as_int(icalproperty_get_duration(property)))
        }
        if let duration, duration < 0 { return refuse(.endBeforeStart) }
        if start.allDay, duration == 86400 { duration = nil }

        var template = AgendaEvent(id: "", profileID: "", category: .appointment, title: summary ?? "", start: start.date,
                                   location: ICalendar.string(icalcomponent_get_location(vevent)), status: .planned,
                                   note: ICalendar.string(icalcomponent_get_description(vevent)), allDay: start.allDay,
                                   externalUID: uid)
        if icalcomponent_get_status(vevent) == ICAL_STATUS_CANCELLED { template.status = .cancelled }
        var practitionerName: String?, specialty: String?
        var property = icalcomponent_get_first_property(vevent, ICAL_X_PROPERTY)
        while let current = property {
            let value = ICalendar.string(icalproperty_get_x(current))
            switch ICalendar.string(icalproperty_get_x_name(current)) {
            case "X-MES-KIND": template.category = value.flatMap(AgendaEvent.Category.init(rawValue:)) ?? .appointment
            case "X-MES-PRACTITIONER": practitionerName = value
            case "X-MES-SPECIALTY": specialty = value
            case "X-MES-PREVENTION": template.preventionStep = value
            default: break
            }
            property = icalcomponent_get_next_property(vevent, ICAL_X_PROPERTY)
        }
        if let practitionerName { template.practitioner = Practitioner(name: practitionerName, specialty: specialty) }
        template.reminderOffsets = alarms(vevent)
        if template.category == .reminder && template.reminderOffsets == [0] { template.reminderOffsets = [] }

        let isOverride = icalcomponent_get_first_property(vevent, ICAL_RECURRENCEID_PROPERTY) != nil
        guard let ruleProperty = icalcomponent_get_first_property(vevent, ICAL_RRULE_PROPERTY), !isOverride else {
            template.end = duration.map { start.date.addingTimeInterval($0) }
            if isOverride, let recurrence = instant(vevent, ICAL_RECURRENCEID_PROPERTY) {
                template.externalUID = Self.occurrenceUID(uid, recurrence.date)
            }
            events.append(template)
            return
        }
        let rule = icalproperty_get_rrule(ruleProperty)
        guard rule.freq != ICAL_NO_RECURRENCE, let iterator = icalrecur_iterator_new(rule, startTime(vevent)) else {
            return refuse(.unreadableRecurrence)
        }
        defer { icalrecur_iterator_free(iterator) }
        let excluded = exclusions(vevent)
        var occurrences: [Date] = []
        var steps = 0
        while true {
            let next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 { break }
            steps += 1
            guard let date = convert(next, zone: start.zone, allDay: start.allDay) else { break }
            if date >= to || steps > 100_000 { break }
            if date < from || excluded.contains(date) || overridden.contains(OccurrenceKey(uid: uid, start: date)) { continue }
            occurrences.append(date)
            if occurrences.count > ICalendar.maximumOccurrences { return refuse(.tooManyOccurrences(limit: ICalendar.maximumOccurrences)) }
        }
        for date in occurrences {
            var occurrence = template
            occurrence.start = date
            occurrence.end = duration.map { date.addingTimeInterval($0) }
            occurrence.externalUID = Self.occurrenceUID(uid, date)
            events.append(occurrence)
        }
    }

    static func occurrenceUID(_ uid: String, _ date: Date) -> String {
        "\(uid)/\(Int(date.timeIntervalSince1970))"
    }

    /// The relative triggers of the event's alarms, as seconds before the start.
    private func alarms(_ vevent: OpaquePointer) -> [TimeInterval] {
        var offsets: [TimeInterval] = []
        var alarm = icalcomponent_get_first_component(vevent, ICAL_VALARM_COMPONENT)
        while let current = alarm, offsets.count < ICalendar.maximumAlarms {
            if let property = icalcomponent_get_first_property(current, ICAL_TRIGGER_PROPERTY) {
                let trigger = icalproperty_get_trigger(property)
                if icaltime_is_null_time(trigger.time) != 0 {
                    let seconds = -TimeInterval(icaldurationtype_as_int(trigger.duration))
                    if seconds >= 0 { offsets.append(seconds) }
                }
            }
            alarm = icalcomponent_get_next_component(vevent, ICAL_VALARM_COMPONENT)
        }
        return offsets
    }

    private func exclusions(_ vevent: OpaquePointer) -> Set<Date> {
        var dates: Set<Date> = []
        var property = icalcomponent_get_first_property(vevent, ICAL_EXDATE_PROPERTY)
        while let current = property {
            let time = icalproperty_get_exdate(current)
            if let date = convert(time, zone: zone(of: current), allDay: time.is_date != 0) { dates.insert(date) }
            property = icalcomponent_get_next_property(vevent, ICAL_EXDATE_PROPERTY)
        }
        return dates
    }

    /// DTSTART with its zone set, for the recurrence iterator.
    private func startTime(_ vevent: OpaquePointer) -> icaltimetype {
        let property = icalcomponent_get_first_property(vevent, ICAL_DTSTART_PROPERTY)
        var time = icalproperty_get_dtstart(property)
        if icaltime_is_utc(time) == 0, let zone = zone(of: property) { time.zone = zone }
        return time
    }

    /// A date-time property as an instant: UTC (`Z`), with a TZID (the file's VTIMEZONE, else
    /// the system's zone of that name), or floating (read in Europe/Paris, as mes counts days).
    func instant(_ vevent: OpaquePointer, _ kind: icalproperty_kind) -> Instant? {
        guard let property = icalcomponent_get_first_property(vevent, kind) else { return nil }
        let value = icalproperty_get_value(property)
        guard value != nil else { return nil }
        let time = icalvalue_get_datetime(value)
        guard icaltime_is_null_time(time) == 0, icaltime_is_valid_time(time) != 0 else { return nil }
        let zone = zone(of: property)
        guard let date = convert(time, zone: zone, allDay: time.is_date != 0) else { return nil }
        return Instant(date: date, allDay: time.is_date != 0, zone: zone)
    }

    private func zone(of property: OpaquePointer?) -> OpaquePointer? {
        guard let parameter = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER),
              let tzid = icalparameter_get_tzid(parameter) else { return nil }
        return icalcomponent_get_timezone(root, tzid) ?? icaltimezone_get_builtin_timezone(tzid)
    }

    private func convert(_ time: icaltimetype, zone: OpaquePointer?, allDay: Bool) -> Date? {
        guard time.year >= 1900, time.year <= 9999 else { return nil }
        if allDay {
            guard let day = CalendarDate(year: Int(time.year), month: Int(time.month), day: Int(time.day)) else { return nil }
            return day.start()
        }
        let effective: OpaquePointer? = icaltime_is_utc(time) != 0 ? icaltimezone_get_utc_timezone() : (zone ?? paris)
        return Date(timeIntervalSince1970: TimeInterval(icaltime_as_timet_with_zone(time, effective)))
    }
}
