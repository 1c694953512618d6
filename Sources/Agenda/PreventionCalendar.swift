import Foundation
import HealthRecord
import L10n

/// An age or a span of time, as the calendar writes it: `8d`, `2w`, `16m`, `45y`.
public struct AgeSpan: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: Character, Sendable, Hashable { case days = "d", weeks = "w", months = "m", years = "y" }
    public var value: Int
    public var unit: Unit

    public init(_ value: Int, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    init?(text: String) {
        guard let last = text.last, let unit = Unit(rawValue: last), let value = Int(text.dropLast()), value >= 0, value <= 200 * 12 else {
            return nil
        }
        self.init(value, unit)
    }

    public var description: String { "\(value)\(unit.rawValue)" }

    /// The date this span after `date` (a birth date: the day one reaches the age).
    public func after(_ date: CalendarDate, times: Int = 1) -> CalendarDate {
        switch unit {
        case .days: date.adding(days: value * times)
        case .weeks: date.adding(days: 7 * value * times)
        case .months: date.adding(months: value * times)
        case .years: date.adding(months: 12 * value * times)
        }
    }

    /// Roughly in days, to order and compare spans.
    var approximateDays: Int {
        switch unit {
        case .days: value
        case .weeks: 7 * value
        case .months: 30 * value + value / 2
        case .years: 365 * value + value / 4
        }
    }
}

/// One step of the prevention calendar: a vaccination, a child examination, a screening, a
/// *bilan prévention* or an M'T dents examination, for whom and when, with its source.
public struct PreventionRule: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, CaseIterable { case vaccination, childExam = "child-exam", screening, bilan, dental }
    public enum Sex: String, Sendable { case all, female, male }

    public var id: String
    public var kind: Kind
    public var sex: Sex
    public var from: AgeSpan
    /// The age the window closes (exclusive); nil for no upper age.
    public var to: AgeSpan?
    /// For a repeated step: the interval between two (a screening every 2 years).
    public var every: AgeSpan?
    /// Until when a missed step can still be caught up (overdue); nil: the window's end.
    public var catchUp: AgeSpan?
    /// Words that, found in a vaccination's name or code, show the step done.
    public var satisfiedBy: [String]
    public var source: String
    public var sourceDate: CalendarDate
    public var titleFR: String
    public var titleEN: String

    public func title(_ language: Language) -> String { language == .french ? titleFR : titleEN }
}

/// A bad line of a calendar file.
public struct PreventionCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// The prevention calendar (`Resources/prevention/calendar-2025.tsv`): the rules, validated
/// when loaded, so next year's calendar is a data change.
public struct PreventionCalendar: Sendable {
    public static let fileName = "calendar-2025.tsv"
    public static let campaignsFileName = "campaigns.tsv"
    public let rules: [PreventionRule]
    /// The seasonal campaigns the yearly steps (flu, COVID-19) follow (`campaigns.tsv`).
    public var campaigns: [PreventionCampaign] = []

    /// The share directory's calendar, read once, the first time it is needed (empty when it
    /// cannot be read, as the app did before).
    public static let standard: PreventionCalendar = (try? load()) ?? PreventionCalendar(rules: [])

    /// Reads the calendar in the share directory; an empty calendar when the file is missing.
    public static func load(shareDirectory: URL? = ShareDirectory.locate()) throws -> PreventionCalendar {
        guard let url = shareDirectory?.appendingPathComponent("Resources/prevention/\(fileName)"),
              let data = FileManager.default.contents(atPath: url.path) else { return PreventionCalendar(rules: []) }
        var calendar = try PreventionCalendar(tsv: String(decoding: data, as: UTF8.self))
        if let campaigns = shareDirectory.flatMap({ FileManager.default.contents(atPath: $0.appendingPathComponent("Resources/prevention/\(campaignsFileName)").path) }) {
            calendar.campaigns = try PreventionCampaign.parse(String(decoding: campaigns, as: UTF8.self), rules: calendar.rules)
        }
        return calendar
    }

    public init(rules: [PreventionRule]) {
        self.rules = rules
    }

    /// Parses and validates the file's text: every field, the ages' order, unique ids.
    public init(tsv: String) throws {
        var rules: [PreventionRule] = []
        var ids: Set<String> = []
        for (number, fields) in Self.dataLines(tsv) {
            func fail(_ reason: String) -> PreventionCalendarError { PreventionCalendarError(line: number, reason: reason) }
            guard fields.count == 12 else { throw fail("expected 12 tab-separated fields, found \(fields.count)") }
            let id = fields[0]
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { throw fail("invalid id '\(id)'") }
            guard ids.insert(id).inserted else { throw fail("duplicate id '\(id)'") }
            guard let kind = PreventionRule.Kind(rawValue: fields[1]) else { throw fail("unknown kind '\(fields[1])'") }
            guard let sex = PreventionRule.Sex(rawValue: fields[2]) else { throw fail("unknown sex '\(fields[2])'") }
            func age(_ text: String, _ name: String) throws -> AgeSpan? {
                if text == "-" { return nil }
                guard let span = AgeSpan(text: text) else { throw fail("invalid \(name) '\(text)' (a number and d, w, m or y)") }
                return span
            }
            guard let from = try age(fields[3], "from age") else { throw fail("a step needs a from age") }
            let to = try age(fields[4], "to age")
            let every = try age(fields[5], "interval")
            let catchUp = try age(fields[6], "catch-up age")
            if let to, to.approximateDays <= from.approximateDays { throw fail("the to age must come after the from age") }
            if let every, every.value == 0 { throw fail("the interval must not be zero") }
            if let catchUp, catchUp.approximateDays < (to ?? from).approximateDays { throw fail("the catch-up age must not come before the window's end") }
            if every != nil && catchUp != nil { throw fail("a repeated step has no catch-up age") }
            let satisfiedBy = fields[7] == "-" ? [] : fields[7].split(separator: ",").map { Self.fold(String($0)) }.filter { !$0.isEmpty }
            if kind == .vaccination && satisfiedBy.isEmpty { throw fail("a vaccination needs the words that show it done") }
            guard !fields[8].isEmpty else { throw fail("a step needs its source") }
            guard let sourceDate = CalendarDate(iso: fields[9]) else { throw fail("invalid source date '\(fields[9])' (YYYY-MM-DD)") }
            guard !fields[10].isEmpty, !fields[11].isEmpty else { throw fail("a step needs a French and an English title") }
            rules.append(PreventionRule(id: id, kind: kind, sex: sex, from: from, to: to, every: every, catchUp: catchUp,
                                        satisfiedBy: satisfiedBy, source: fields[8], sourceDate: sourceDate,
                                        titleFR: fields[10], titleEN: fields[11]))
        }
        self.rules = rules
    }

    public func rule(_ id: String) -> PreventionRule? { rules.first { $0.id == id } }

    /// The lines of a tab-separated data file that hold data (not blank, not `#` comments),
    /// with their numbers and trimmed fields.
    static func dataLines(_ tsv: String) -> [(number: Int, fields: [String])] {
        tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, rawLine in
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { return nil }
            return (index + 1, line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) })
        }
    }

    /// Lower case, without accents, for matching vaccine names.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .trimmingCharacters(in: .whitespaces)
    }
}

/// A seasonal vaccination campaign (the joint flu and COVID-19 one): the steps it concerns and
/// its dates, with its source. A yearly step of a campaign is due while the campaign runs.
public struct PreventionCampaign: Sendable, Hashable {
    public var steps: [String]
    public var start: CalendarDate
    /// The last day (inclusive).
    public var end: CalendarDate
    public var source: String
    public var sourceDate: CalendarDate

    public init(steps: [String], start: CalendarDate, end: CalendarDate, source: String, sourceDate: CalendarDate) {
        self.steps = steps
        self.start = start
        self.end = end
        self.source = source
        self.sourceDate = sourceDate
    }

    /// Parses and validates `campaigns.tsv`: known step ids, dates in order; a bad line is refused with its number.
    public static func parse(_ tsv: String, rules: [PreventionRule]) throws -> [PreventionCampaign] {
        let ids = Set(rules.map(\.id))
        var campaigns: [PreventionCampaign] = []
        for (number, fields) in PreventionCalendar.dataLines(tsv) {
            func fail(_ reason: String) -> PreventionCalendarError { PreventionCalendarError(line: number, reason: reason) }
            guard fields.count == 5 else { throw fail("expected 5 tab-separated fields, found \(fields.count)") }
            let steps = fields[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !steps.isEmpty, steps.allSatisfy(ids.contains) else { throw fail("unknown step in '\(fields[0])'") }
            guard let start = CalendarDate(iso: fields[1]), let end = CalendarDate(iso: fields[2]), start <= end else {
                throw fail("invalid dates '\(fields[1])' – '\(fields[2])'")
            }
            guard !fields[3].isEmpty, let sourceDate = CalendarDate(iso: fields[4]) else { throw fail("a campaign needs its source and its date") }
            campaigns.append(PreventionCampaign(steps: steps, start: start, end: end, source: fields[3], sourceDate: sourceDate))
        }
        return campaigns.sorted { $0.start < $1.start }
    }
}
