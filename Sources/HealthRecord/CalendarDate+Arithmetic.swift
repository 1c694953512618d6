import Foundation

extension CalendarDate {
    /// Days since 1970-01-01 (negative before), on the proleptic Gregorian calendar.
    public var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// The date `dayNumber` days after 1970-01-01 (years 1 to 9999).
    public init(dayNumber: Int) {
        let (year, month, day) = Self.civil(dayNumber: dayNumber)
        self.init(year: year, month: month, day: day)!
    }

    /// Howard Hinnant's days-from-civil: days since 1970-01-01 of any proleptic Gregorian date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Howard Hinnant's civil-from-days: the (year, month, day) `dayNumber` days after 1970-01-01.
    public static func civil(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp + (mp < 10 ? 3 : -9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb).
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12, newMonth = total % 12 + 1
        return CalendarDate(year: newYear, month: newMonth, day: min(day, Self.daysIn(month: newMonth, year: newYear)))!
    }

    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// Monday = 0 … Sunday = 6.
    public var weekdayFromMonday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    /// The number of days in this date's month.
    public var daysInMonth: Int { Self.daysIn(month: month, year: year) }

    /// The first day of this date's month.
    public var firstOfMonth: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }

    /// Midnight of this day in `timeZone` (Europe/Paris by default), as an instant.
    public func start(in timeZone: TimeZone = TimeZone(identifier: "Europe/Paris")!) -> Date {
        at(hour: 0, minute: 0, in: timeZone)
    }

    /// The instant of `hour:minute` on this day in `timeZone` (a time skipped by a DST change
    /// moves forward, as clocks do).
    public func at(hour: Int, minute: Int, in timeZone: TimeZone = TimeZone(identifier: "Europe/Paris")!) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }
}
