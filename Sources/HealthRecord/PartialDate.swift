import Foundation

/// A date MES lets people give in part: a year ("2019"), a month ("03/2019") or a day
/// ("12/03/2019"). Written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as FHIR's `date` and `dateTime`
/// allow, so a full partial date reads like a `CalendarDate`.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int?
    public var day: Int?

    /// A valid partial date (a day needs a month), or nil.
    public init?(year: Int, month: Int? = nil, day: Int? = nil) {
        guard (1...9999).contains(year) else { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let day {
            guard let month, CalendarDate(year: year, month: month, day: day) != nil else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(_ date: CalendarDate) {
        year = date.year
        month = date.month
        day = date.day
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the first ten characters of a FHIR dateTime).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let widths = [4, 2, 2]
        guard (1...3).contains(parts.count),
              zip(parts, widths).allSatisfy({ part, width in part.count == width && part.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]) else { return nil }
        self.init(year: year, month: parts.count > 1 ? Int(parts[1]) : nil, day: parts.count > 2 ? Int(parts[2]) : nil)
    }

    /// Parses what a person types: `2019`, `03/2019`, `3/2019`, `12/03/2019` (day first, as in
    /// France), or the ISO forms.
    public init?(typed text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let iso = PartialDate(iso: text) {
            self = iso
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[parts.count - 1]), parts[parts.count - 1].count == 4 else { return nil }
        let month = Int(parts[parts.count - 2])
        let day = parts.count == 3 ? Int(parts[0]) : nil
        guard parts.dropLast().allSatisfy({ $0.count <= 2 }) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var iso: String {
        var text = String(format: "%04d", year)
        if let month { text += String(format: "-%02d", month) }
        if let day { text += String(format: "-%02d", day) }
        return text
    }

    /// As people write it in France: `2019`, `03/2019`, `12/03/2019`.
    public var typed: String {
        var text = String(format: "%04d", year)
        if let month { text = String(format: "%02d/", month) + text }
        if let day { text = String(format: "%02d/", day) + text }
        return text
    }

    public var description: String { iso }

    /// The day when the date is complete.
    public var calendarDate: CalendarDate? {
        guard let month, let day else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// The first day the date may mean (for sorting and timelines).
    public var firstDay: CalendarDate {
        CalendarDate(year: year, month: month ?? 1, day: day ?? 1) ?? CalendarDate(year: 2000, month: 1, day: 1)!
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }
}

extension PartialDate: ISOTextCodable {}
