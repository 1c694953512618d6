import Foundation
import HealthRecord

/// Where one step of the calendar stands for one person on one day.
public struct PreventionItem: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, Comparable {
        case overdue, due, planned, upcoming, done, dismissed

        public static func < (lhs: Status, rhs: Status) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var rule: PreventionRule
    public var status: Status
    /// Due, overdue: since when; upcoming: when it opens; planned: the appointment's day;
    /// done: when it was done; dismissed: the window's start.
    public var date: CalendarDate
    /// For a repeated step done: when the next one falls due.
    public var next: CalendarDate?
    /// The agenda item that planned, marked or dismissed it.
    public var agendaItemID: String?
    /// A seasonal step: the campaign it is due in (or was done in); `estimatedCampaign` when
    /// the next season's dates are not published yet and are taken a year after the last.
    public var campaign: PreventionCampaign?
    public var estimatedCampaign = false
    /// The condition of the profile that makes the step recommended (« Asthme »).
    public var riskCondition: String?
    /// The step is recommended only with a condition the profile does not say (it asks).
    public var asksAboutConditions = false
}

/// The person the calendar is applied to, and what shows steps done: the carnet de
/// vaccination and the agenda items marking steps (done, planned, dismissed).
public struct PreventionSubject: Sendable {
    public var birthDate: CalendarDate
    public var gender: Profile.AdministrativeGender
    public var vaccinations: [Vaccination]
    public var marks: [AgendaEvent]
    /// The names of the profile's maladies (empty: the profile says none, so the engine cannot
    /// tell whether a step kept for people with a chronic disease applies: it asks).
    public var conditions: [String]

    public init(birthDate: CalendarDate, gender: Profile.AdministrativeGender, vaccinations: [Vaccination] = [], marks: [AgendaEvent] = [],
                conditions: [String] = []) {
        self.birthDate = birthDate
        self.gender = gender
        self.vaccinations = vaccinations
        self.marks = marks
        self.conditions = conditions
    }
}

/// The prevention engine: which steps of the calendar are due, overdue, upcoming (within a
/// year), planned, done (within two years, or still in their window) or dismissed.
/// Steps long past whose catch-up ended are left out; so are those more than a year away.
public enum PreventionEngine {
    public static let upcomingDays = 365
    public static let doneShownDays = 730
    /// The system of the code a vaccination recorded from a recommendation carries (the step's id).
    public static let stepCodeSystem = "urn:mes:prevention-step"

    public static func items(_ calendar: PreventionCalendar, for subject: PreventionSubject, on today: CalendarDate) -> [PreventionItem] {
        let birth = subject.birthDate
        let rules = calendar.rules.filter { applies($0.sex, to: subject.gender) }
            .sorted { ($0.from.after(birth), $0.id) < ($1.from.after(birth), $1.id) }
        // Matching compares bytes of folded text: thousands of Unicode substring searches would cost milliseconds.
        let folded = subject.vaccinations.map { vaccination in
            (vaccination, Array(PreventionCalendar.fold(vaccination.vaccine + " " + (vaccination.code?.code ?? "")).utf8))
        }
        var used: Set<String> = []
        // A vaccination recorded for a step counts for that step first.
        var exact: [String: CalendarDate] = [:]
        for vaccination in subject.vaccinations where vaccination.code?.system == stepCodeSystem {
            if let step = vaccination.code?.code, exact[step].map({ vaccination.date > $0 }) ?? true {
                exact[step] = vaccination.date
                used.insert(vaccination.id)
            }
        }
        var items: [PreventionItem] = []
        for rule in rules {
            let start = rule.from.after(birth)
            let end = rule.to.map { $0.after(birth) }
            let tolerance = rule.from.unit == .years && rule.from.value >= 18 ? 365 : 15
            let marks = subject.marks.filter { $0.preventionStep == rule.id }
            let words = rule.satisfiedBy.map { Array($0.utf8) }
            func matches(_ text: [UInt8]) -> Bool { words.contains { Self.contains(text, $0) } }
            var evidence: [CalendarDate] = marks.filter { $0.status == .done }.map { CalendarDate($0.start) }
            if let day = exact[rule.id] { evidence.append(day) }
            let planned = marks.filter { $0.status == .planned && CalendarDate($0.start) >= today }.min { $0.start < $1.start }
            let dismissed = marks.first { $0.status == .cancelled }

            // RSV at 65–74: only with a chronic heart or lung disease (75 and over: everyone).
            var riskCondition: String?
            var asks = false
            if rule.id == Self.rsvWithChronicDisease {
                if subject.conditions.isEmpty {
                    asks = true
                } else if let found = Self.condition(in: subject.conditions, matching: Self.heartOrLungWords) {
                    riskCondition = found
                } else {
                    continue
                }
            }
            if let seasonal = seasonal(rule, calendar: calendar, subject: subject, start: start, evidence: evidence, folded: folded,
                                       matches: matches, planned: planned, dismissed: dismissed, today: today) {
                if let found = seasonal { items.append(found) }
                continue
            }
            let before = items.count
            defer {
                for index in before..<items.count {
                    items[index].riskCondition = riskCondition
                    items[index].asksAboutConditions = asks && items[index].status != .done
                }
            }
            if rule.id == Self.cervicalCytology || rule.id == Self.cervicalHPV {
                let cytologies = subject.marks.filter { $0.preventionStep == Self.cervicalCytology && $0.status == .done }
                    .map { CalendarDate($0.start) }.filter { $0 <= today }.sorted()
                if let found = cervical(rule, start: start, end: end, cytologies: cytologies, evidence: evidence.filter { $0 <= today }.sorted(),
                                        planned: planned, dismissed: dismissed, doneMark: marks.first { $0.status == .done }, today: today) {
                    items.append(found)
                }
                continue
            }
            if let every = rule.every {
                // A repeated step: done while the last one is less than `every` old.
                for (vaccination, text) in folded where matches(text) && vaccination.date >= start.adding(days: -tolerance) {
                    evidence.append(vaccination.date)
                }
                let last = evidence.filter { $0 <= today }.max()
                if today < start {
                    if start.days(until: today) >= -upcomingDays {
                        items.append(item(rule, planned, dismissed, .upcoming, start))
                    }
                    continue
                }
                if let end, today >= end {
                    if let last, last.days(until: today) <= doneShownDays { items.append(PreventionItem(rule: rule, status: .done, date: last)) }
                    continue
                }
                if let last, every.after(last) > today {
                    items.append(PreventionItem(rule: rule, status: .done, date: last, next: every.after(last),
                                                agendaItemID: marks.first { $0.status == .done }?.id))
                    continue
                }
                var occurrence = start
                var times = 1
                while every.after(start, times: times) <= today, times < 1000 {
                    occurrence = every.after(start, times: times)
                    times += 1
                }
                let dueSince = max(occurrence, last.map { every.after($0) } ?? occurrence)
                let dismissedNow = dismissed.flatMap { CalendarDate($0.start) >= occurrence ? $0 : nil }
                items.append(item(rule, planned, dismissedNow, .due, dueSince))
                continue
            }

            let catchUpEnd = rule.catchUp.map { $0.after(birth) } ?? end
            if evidence.isEmpty {
                let lower = start.adding(days: -tolerance)
                if let found = folded.first(where: { vaccination, text in
                    !used.contains(vaccination.id) && matches(text) && vaccination.date >= lower && catchUpEnd.map { vaccination.date < $0 } ?? true
                }) {
                    used.insert(found.0.id)
                    evidence.append(found.0.date)
                }
            }
            if let done = evidence.max() {
                let windowOpen = end.map { today < $0 } ?? true
                if windowOpen || done.days(until: today) <= doneShownDays {
                    items.append(PreventionItem(rule: rule, status: .done, date: done, agendaItemID: marks.first { $0.status == .done }?.id))
                }
                continue
            }
            if today < start {
                if today.days(until: start) <= upcomingDays { items.append(item(rule, planned, dismissed, .upcoming, start)) }
            } else if end.map({ today < $0 }) ?? true {
                items.append(item(rule, planned, dismissed, .due, start))
            } else if let catchUpEnd, today < catchUpEnd {
                items.append(item(rule, planned, dismissed, .overdue, end ?? start))
            }
        }
        return items.sorted { ($0.status, $0.date, $0.rule.id) < ($1.status, $1.date, $1.rule.id) }
    }

    // MARK: Seasonal campaigns and risk conditions

    public static let rsvWithChronicDisease = "vrs-65"
    /// A seasonal shot counts for a campaign from this many days before it opens (Mayotte's
    /// campaign opened five weeks before the metropolitan one in 2025); earlier, it was last season's.
    public static let seasonalEarlyDays = 45

    /// Folded words that name a chronic heart or lung disease in a profile's maladies (RSV at 65–74).
    static let heartOrLungWords = ["cardiaque", "coeur", "cardio", "coronar", "infarctus", "angor", "arythmie", "fibrillation", "valvul",
                                   "respiratoire", "bpco", "asthme", "emphysem", "bronch", "pulmon", "mucoviscidose", "apnee"]
    /// Folded words of the chronic diseases that make the seasonal flu and COVID-19 vaccines
    /// recommended before 65 (the campaign's at-risk people): heart, lung, diabetes, kidney, liver,
    /// neurological diseases, immune deficiency, severe obesity.
    static let seasonalRiskWords = heartOrLungWords + ["diabete", "renal", "rein", "hepat", "cirrhose", "immunodepr", "deficit immun", "vih",
                                                       "cancer", "obesite", "sclerose", "parkinson", "myopathie", "drepanocyt", "trisomie"]

    static func condition(in conditions: [String], matching words: [String]) -> String? {
        conditions.first { name in
            let folded = Array(PreventionCalendar.fold(name).utf8)
            return words.contains { contains(folded, Array($0.utf8)) }
        }
    }

    /// A yearly step tied to a campaign (flu, COVID-19): from 65, or before with a chronic disease
    /// the profile names; done when a vaccination falls in the current or last season, due while
    /// a campaign runs, otherwise upcoming at the next campaign's start (estimated a year after
    /// the last one when not published). nil: not a seasonal step (or no campaign known).
    private static func seasonal(_ rule: PreventionRule, calendar: PreventionCalendar, subject: PreventionSubject, start: CalendarDate,
                                 evidence marked: [CalendarDate], folded: [(Vaccination, [UInt8])], matches: ([UInt8]) -> Bool,
                                 planned: AgendaEvent?, dismissed: AgendaEvent?,
                                 today: CalendarDate) -> PreventionItem?? {
        let campaigns = calendar.campaigns.filter { $0.steps.contains(rule.id) }
        guard !campaigns.isEmpty else { return nil }
        // The seasons known, then estimated ones (a year after the last) until one opens after
        // today and after the 65th birthday.
        let year = AgeSpan(1, .years)
        var seasons = campaigns.map { (campaign: $0, estimated: false) }
        while let last = seasons.last?.campaign, last.start <= today || last.start < start {
            seasons.append((PreventionCampaign(steps: last.steps, start: year.after(last.start), end: year.after(last.end),
                                               source: last.source, sourceDate: last.sourceDate), true))
        }
        let risk = today < start ? condition(in: subject.conditions, matching: seasonalRiskWords) : nil
        if today < start && risk == nil {
            // Not yet 65: the first season after the birthday, shown within a year.
            guard let first = seasons.first(where: { $0.campaign.start >= start }), today.days(until: first.campaign.start) <= upcomingDays else {
                return .some(nil)
            }
            var item = self.item(rule, planned, dismissed, .upcoming, first.campaign.start)
            item.campaign = first.campaign
            item.estimatedCampaign = first.estimated
            return item
        }
        let current = seasons.last { $0.campaign.start <= today && today <= $0.campaign.end }
        let previous = seasons.last { $0.campaign.start <= today }
        let next = seasons.first { $0.campaign.start > today }
        var evidence = marked
        for (vaccination, text) in folded where matches(text) { evidence.append(vaccination.date) }
        if let season = (current ?? previous)?.campaign, let last = evidence.filter({ $0 <= today }).max(),
           last >= season.start.adding(days: -seasonalEarlyDays) {
            var item = PreventionItem(rule: rule, status: .done, date: last, next: next?.campaign.start)
            item.campaign = season
            item.estimatedCampaign = (current ?? previous)?.estimated ?? false
            item.riskCondition = risk
            return item
        }
        var item: PreventionItem
        if let current {
            item = self.item(rule, planned, dismissed.flatMap { CalendarDate($0.start) >= current.campaign.start ? $0 : nil }, .due,
                             current.campaign.start)
            item.campaign = current.campaign
            item.estimatedCampaign = current.estimated
        } else {
            guard let next, today.days(until: next.campaign.start) <= upcomingDays else { return .some(nil) }
            item = self.item(rule, planned, nil, .upcoming, next.campaign.start)
            item.campaign = next.campaign
            item.estimatedCampaign = next.estimated
        }
        item.riskCondition = risk
        return item
    }

    // MARK: Cervical screening

    public static let cervicalCytology = "depistage-col-cytologie"
    public static let cervicalHPV = "depistage-col-hpv"

    /// The organised cervical screening (HAS; arrêté du 15 août 2020), whose rhythm depends on
    /// the tests already done, not only on age:
    /// - 25–29: cytology; the first two one year apart, then every three years when normal;
    /// - 30–65: an HPV-HR test every five years, the first three years after the last normal
    ///   cytology, or at 30 when there was none.
    /// A test counts when marked done on its step (a screening is no vaccination).
    static func cervical(_ rule: PreventionRule, start: CalendarDate, end: CalendarDate?, cytologies: [CalendarDate], evidence: [CalendarDate],
                         planned: AgendaEvent?, dismissed: AgendaEvent?, doneMark: AgendaEvent?, today: CalendarDate) -> PreventionItem? {
        let year = AgeSpan(1, .years), threeYears = AgeSpan(3, .years), fiveYears = AgeSpan(5, .years)
        let last = evidence.last
        // When the next test falls due, from the tests done; nil: none yet.
        let next: CalendarDate?
        let first: CalendarDate
        if rule.id == cervicalCytology {
            first = start
            next = last.map { (evidence.count == 1 ? year : threeYears).after($0) }
        } else {
            first = max(start, cytologies.last.map { threeYears.after($0) } ?? start)
            next = last.map { fiveYears.after($0) }
        }
        if let end, today >= end {
            guard let last, last.days(until: today) <= doneShownDays else { return nil }
            return PreventionItem(rule: rule, status: .done, date: last, agendaItemID: doneMark?.id)
        }
        if let last, let next, next > today {
            return PreventionItem(rule: rule, status: .done, date: last, next: next, agendaItemID: doneMark?.id)
        }
        var due = next ?? first
        // Never tested since long: due since the current 5-year period, as other repeated steps say it.
        if next == nil, rule.id == cervicalHPV {
            while fiveYears.after(due) <= today { due = fiveYears.after(due) }
        }
        if today < due {
            // Not yet: shown from a year before.
            guard today.days(until: due) <= upcomingDays else { return nil }
            return item(rule, planned, dismissed, .upcoming, due)
        }
        if let end, due >= end { return nil }
        return item(rule, planned, dismissed, .due, due)
    }

    /// A step not done: planned when an appointment plans it, dismissed when the user said so.
    private static func item(_ rule: PreventionRule, _ planned: AgendaEvent?, _ dismissed: AgendaEvent?,
                             _ status: PreventionItem.Status, _ date: CalendarDate) -> PreventionItem {
        if let planned { return PreventionItem(rule: rule, status: .planned, date: CalendarDate(planned.start), agendaItemID: planned.id) }
        if let dismissed { return PreventionItem(rule: rule, status: .dismissed, date: date, agendaItemID: dismissed.id) }
        return PreventionItem(rule: rule, status: status, date: date)
    }

    /// Whether `word` occurs in `text` (bytes).
    static func contains(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard !word.isEmpty, word.count <= text.count else { return word.isEmpty }
        let first = word[0]
        var index = 0
        let last = text.count - word.count
        while index <= last {
            if text[index] == first {
                var offset = 1
                while offset < word.count && text[index + offset] == word[offset] { offset += 1 }
                if offset == word.count { return true }
            }
            index += 1
        }
        return false
    }

    static func applies(_ sex: PreventionRule.Sex, to gender: Profile.AdministrativeGender) -> Bool {
        switch sex {
        case .all: true
        case .female: gender != .male
        case .male: gender != .female
        }
    }
}
