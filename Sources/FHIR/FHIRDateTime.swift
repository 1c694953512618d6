import Foundation
import HealthRecord

/// FHIR date, dateTime and instant values: formatting (UTC instants with milliseconds) and the
/// range a partial value covers, as the search `date` parameter needs.
public enum FHIRDateTime {
    /// An instant as FHIR writes it: `2024-05-01T10:00:00.000Z`.
    public static func instant(_ date: Date) -> String {
        // To the nearest millisecond: a parsed `.123` is a Double just under it, and rounding
        // down would write back `.122` (and the server would see a changed date).
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millis = Int(milliseconds - seconds * 1000)
        let (day, secondOfDay) = divmod(seconds, 86400)
        let (year, month, dayOfMonth) = civil(fromDays: day)
        let hour = Int(secondOfDay / 3600), minute = Int(secondOfDay % 3600 / 60), second = Int(secondOfDay % 60)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    /// A calendar date `2024-05-01` (UTC).
    public static func date(_ date: Date) -> String { String(instant(date).prefix(10)) }

    /// Parses a FHIR date, dateTime or instant into the instant it starts at (UTC).
    public static func parse(_ text: String) -> Date? { range(of: text)?.start }

    /// The half-open range of instants a (possibly partial) FHIR date/dateTime covers:
    /// `2024` is the whole year, `2024-05-01` the day, `2024-05-01T10:00:00+02:00` one second.
    public static func range(of text: String) -> (start: Date, end: Date)? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4) else { return nil }
        if bytes.count == 4 {
            return (date(year, 1, 1), date(year + 1, 1, 1))
        }
        guard bytes.count >= 7, bytes[4] == 0x2D, let month = number(5, 2), (1...12).contains(month) else { return nil }
        if bytes.count == 7 {
            return (date(year, month, 1), month == 12 ? date(year + 1, 1, 1) : date(year, month + 1, 1))
        }
        guard bytes.count >= 10, bytes[7] == 0x2D, let day = number(8, 2), (1...31).contains(day) else { return nil }
        let dayStart = date(year, month, day)
        if bytes.count == 10 { return (dayStart, dayStart.addingTimeInterval(86400)) }
        guard bytes.count >= 19, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            if bytes[index] == 0x5A, index + 1 == bytes.count {
                offsetSeconds = 0
            } else if bytes[index] == 0x2B || bytes[index] == 0x2D, index + 6 == bytes.count, bytes[index + 3] == 0x3A,
                      let hours = number(index + 1, 2), let minutes = number(index + 4, 2) {
                offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        let start = dayStart.addingTimeInterval(Double(hour * 3600 + minute * 60 + second - offsetSeconds) + fraction)
        return (start, start.addingTimeInterval(fraction > 0 ? 0.001 : 1))
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> Date {
        Date(timeIntervalSince1970: Double(days(fromCivil: year, month, day)) * 86400)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func divmod(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor, remainder = value % divisor
        if remainder < 0 { quotient -= 1; remainder += divisor }
        return (quotient, remainder)
    }

    private static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        CalendarDate.dayNumber(year: year, month: month, day: day)
    }

    private static func civil(fromDays value: Int64) -> (Int, Int, Int) {
        let civil = CalendarDate.civil(dayNumber: Int(value))
        return (civil.year, civil.month, civil.day)
    }
}
