import Foundation

extension CalendarDate {
    /// Days since 1970-01-01 (negative before), on the proleptic Gregorian calendar.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
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
