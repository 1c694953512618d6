import XCTest
@testable import Agenda
import HealthRecord
import L10n

/// The prevention engine on fixed people on 15 June 2026, each with the exact list expected.
final class PreventionEngineTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 6, day: 15)!
    static let calendar: PreventionCalendar = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/prevention/\(PreventionCalendar.fileName)")
        var calendar = try! PreventionCalendar(tsv: String(contentsOf: url, encoding: .utf8))
        calendar.campaigns = try! PreventionCampaign.parse(String(contentsOf: url.deletingLastPathComponent()
            .appendingPathComponent(PreventionCalendar.campaignsFileName), encoding: .utf8), rules: calendar.rules)
        return calendar
    }()

    typealias Expected = (String, PreventionItem.Status, String)

    func check(born: String, _ gender: Profile.AdministrativeGender, vaccinations: [(String, String)] = [], marks: [AgendaEvent] = [],
               conditions: [String] = [], on day: CalendarDate = today, _ expected: [Expected], file: StaticString = #filePath, line: UInt = #line) {
        let shots = vaccinations.enumerated().map { index, shot in
            Vaccination(id: "v\(index)", profileID: "p", vaccine: shot.0, date: CalendarDate(iso: shot.1)!)
        }
        let subject = PreventionSubject(birthDate: CalendarDate(iso: born)!, gender: gender, vaccinations: shots, marks: marks, conditions: conditions)
        let items = PreventionEngine.items(Self.calendar, for: subject, on: day)
        let got = items.map { "\($0.rule.id) \($0.status) \($0.date.iso)" }
        XCTAssertEqual(got, expected.map { "\($0.0) \($0.1) \($0.2)" }, file: file, line: line)
    }

    func testTheCalendarFileLoads() {
        XCTAssertEqual(Self.calendar.rules.count, 56)
        XCTAssertEqual(Self.calendar.campaigns.map { $0.steps.joined(separator: ",") + " \($0.start.iso) \($0.end.iso)" }, ["grippe,covid 2025-10-14 2026-02-28"])
        XCTAssertEqual(Self.calendar.rules.filter { $0.kind == .childExam }.count, 20)
    }

    /// The app opens its agenda books without a calendar (issue 20: nothing read before the
    /// first frame); they use the share directory's, read once when first needed.
    func testTheStandardCalendarIsTheShareDirectorysReadWhenFirstNeeded() {
        XCTAssertEqual(PreventionCalendar.standard.rules.map(\.id), Self.calendar.rules.map(\.id))
        XCTAssertEqual(PreventionCalendar.standard.campaigns.map(\.steps), Self.calendar.campaigns.map(\.steps))
    }

    func testNewborn() {
        check(born: "2026-06-10", .male, [
            ("exam-01", .due, "2026-06-10"), ("exam-02", .upcoming, "2026-06-17"), ("exam-03", .upcoming, "2026-07-10"),
            ("exam-04", .upcoming, "2026-08-10"), ("hexa-1", .upcoming, "2026-08-10"), ("pneumo-1", .upcoming, "2026-08-10"),
            ("exam-05", .upcoming, "2026-09-10"), ("menb-1", .upcoming, "2026-09-10"), ("exam-06", .upcoming, "2026-10-10"),
            ("hexa-2", .upcoming, "2026-10-10"), ("pneumo-2", .upcoming, "2026-10-10"), ("exam-07", .upcoming, "2026-11-10"),
            ("menb-2", .upcoming, "2026-11-10"), ("menacwy-1", .upcoming, "2026-12-10"), ("exam-08", .upcoming, "2027-02-10"),
            ("exam-09", .upcoming, "2027-05-10"), ("hexa-3", .upcoming, "2027-05-10"), ("pneumo-3", .upcoming, "2027-05-10"),
            ("exam-10", .upcoming, "2027-06-10"), ("menacwy-2", .upcoming, "2027-06-10"), ("menb-3", .upcoming, "2027-06-10"),
            ("ror-1", .upcoming, "2027-06-10"),
        ])
    }

    func testNewbornFirstExamMarkedDone() {
        let mark = AgendaEvent(id: "m", profileID: "p", category: .task, title: "", start: CalendarDate(iso: "2026-06-12")!.at(hour: 9, minute: 0),
                               status: .done, preventionStep: "exam-01")
        check(born: "2026-06-10", .male, marks: [mark], on: CalendarDate(iso: "2026-06-15")!, [
            ("exam-02", .upcoming, "2026-06-17"), ("exam-03", .upcoming, "2026-07-10"), ("exam-04", .upcoming, "2026-08-10"),
            ("hexa-1", .upcoming, "2026-08-10"), ("pneumo-1", .upcoming, "2026-08-10"), ("exam-05", .upcoming, "2026-09-10"),
            ("menb-1", .upcoming, "2026-09-10"), ("exam-06", .upcoming, "2026-10-10"), ("hexa-2", .upcoming, "2026-10-10"),
            ("pneumo-2", .upcoming, "2026-10-10"), ("exam-07", .upcoming, "2026-11-10"), ("menb-2", .upcoming, "2026-11-10"),
            ("menacwy-1", .upcoming, "2026-12-10"), ("exam-08", .upcoming, "2027-02-10"), ("exam-09", .upcoming, "2027-05-10"),
            ("hexa-3", .upcoming, "2027-05-10"), ("pneumo-3", .upcoming, "2027-05-10"), ("exam-10", .upcoming, "2027-06-10"),
            ("menacwy-2", .upcoming, "2027-06-10"), ("menb-3", .upcoming, "2027-06-10"), ("ror-1", .upcoming, "2027-06-10"),
            ("exam-01", .done, "2026-06-12"),
        ])
    }

    func testSixYearOld() {
        check(born: "2020-03-01", .female, [
            ("dtcap-6", .due, "2026-03-01"), ("exam-17", .due, "2026-03-01"), ("mt-dents", .due, "2026-03-01"),
        ])
        check(born: "2020-03-01", .female, vaccinations: [("Tetravac (DTCaP)", "2026-04-02")], [
            ("exam-17", .due, "2026-03-01"), ("mt-dents", .due, "2026-03-01"), ("dtcap-6", .done, "2026-04-02"),
        ])
    }

    func testTwelveYearOldGirl() {
        check(born: "2014-02-20", .female, [
            ("dtcap-11", .due, "2025-02-20"), ("exam-19", .due, "2025-02-20"), ("hpv", .due, "2025-02-20"),
            ("menacwy-ado", .due, "2025-02-20"), ("mt-dents", .due, "2026-02-20"),
        ])
        check(born: "2014-02-20", .female, vaccinations: [("Gardasil 9", "2025-09-01"), ("Nimenrix", "2025-09-01")], [
            ("dtcap-11", .due, "2025-02-20"), ("exam-19", .due, "2025-02-20"), ("mt-dents", .due, "2026-02-20"),
            ("hpv", .done, "2025-09-01"), ("menacwy-ado", .done, "2025-09-01"),
        ])
    }

    func testTwentySixYearOld() {
        check(born: "2000-05-01", .male, [("hpv", .overdue, "2015-05-01"), ("dtp-25", .overdue, "2026-05-01")])
        check(born: "2000-05-01", .male, vaccinations: [("Repevax", "2025-11-20")], [
            ("hpv", .overdue, "2015-05-01"), ("dtp-25", .done, "2025-11-20"),
        ])
    }

    func testFiftyTwoYearOldWoman() {
        check(born: "1974-01-10", .female, [
            // Never screened: due at 30, said from the current 5-year period as other repeated steps.
            ("dtp-45", .overdue, "2020-01-10"), ("depistage-col-hpv", .due, "2024-01-10"),
            ("depistage-colorectal", .due, "2026-01-10"), ("depistage-sein", .due, "2026-01-10"),
        ])
        let mammography = AgendaEvent(id: "m", profileID: "p", category: .task, title: "", start: CalendarDate(iso: "2025-03-03")!.start(),
                                      status: .done, preventionStep: "depistage-sein")
        check(born: "1974-01-10", .female, vaccinations: [("Revaxis (dTP)", "2024-10-01")], marks: [mammography], [
            ("depistage-col-hpv", .due, "2024-01-10"), ("depistage-colorectal", .due, "2026-01-10"),
            ("dtp-45", .done, "2024-10-01"), ("depistage-sein", .done, "2025-03-03"),
        ])
    }

    func testSixtySevenYearOldMan() {
        // In June, outside the campaign: flu and COVID-19 come with the next one (estimated at 14/10/2026).
        // RSV at 65–74 only with a chronic heart or lung disease: the profile names none, so it asks.
        check(born: "1959-04-02", .male, [
            ("dtp-65", .overdue, "2025-04-02"), ("pneumo-65", .due, "2024-04-02"), ("vrs-65", .due, "2024-04-02"), ("zona", .due, "2024-04-02"),
            ("depistage-colorectal", .due, "2025-04-02"), ("covid", .upcoming, "2026-10-14"), ("grippe", .upcoming, "2026-10-14"),
        ])
        // The flu shot of the 2025-2026 campaign counts until the next; an arthrosis is no reason for RSV.
        check(born: "1959-04-02", .male, vaccinations: [("Grippe saisonnière (Vaxigrip)", "2025-10-15"), ("Prevenar 20", "2024-11-01"),
                                                        ("dTP (Revaxis)", "2025-06-01")], conditions: ["Arthrose du genou"], [
            ("zona", .due, "2024-04-02"), ("depistage-colorectal", .due, "2025-04-02"), ("covid", .upcoming, "2026-10-14"),
            ("pneumo-65", .done, "2024-11-01"), ("dtp-65", .done, "2025-06-01"), ("grippe", .done, "2025-10-15"),
        ])
        // During the campaign: due since it opened; a heart failure makes RSV recommended.
        check(born: "1959-04-02", .male, vaccinations: [("Prevenar 20", "2024-11-01"), ("dTP (Revaxis)", "2025-06-01"), ("Comirnaty", "2025-10-20")],
              conditions: ["Insuffisance cardiaque"], on: CalendarDate(iso: "2025-11-20")!, [
            ("vrs-65", .due, "2024-04-02"), ("zona", .due, "2024-04-02"), ("depistage-colorectal", .due, "2025-04-02"),
            ("grippe", .due, "2025-10-14"), ("pneumo-65", .done, "2024-11-01"), ("dtp-65", .done, "2025-06-01"), ("covid", .done, "2025-10-20"),
        ])
    }

    func testSeventySixYearOldWoman() {
        check(born: "1950-01-05", .female, [
            ("pneumo-65", .due, "2015-01-05"), ("zona", .due, "2015-01-05"), ("dtp-75", .due, "2025-01-05"),
            ("vrs", .due, "2025-01-05"), ("covid", .upcoming, "2026-10-14"), ("grippe", .upcoming, "2026-10-14"),
        ])
        check(born: "1950-01-05", .female, vaccinations: [("Shingrix (zona)", "2025-02-01"), ("Abrysvo (VRS)", "2025-10-01")], [
            ("pneumo-65", .due, "2015-01-05"), ("dtp-75", .due, "2025-01-05"), ("covid", .upcoming, "2026-10-14"),
            ("grippe", .upcoming, "2026-10-14"), ("zona", .done, "2025-02-01"), ("vrs", .done, "2025-10-01"),
        ])
    }

    /// Issue 13: the cervical screening follows the tests done (HAS, arrêté du 15 août 2020):
    /// 25–29 two cytologies a year apart then every 3 years; 30–65 an HPV test every 5 years, the
    /// first 3 years after the last normal cytology, or at 30 when there was none.
    func testCervicalScreeningFollowsTheTestsDone() {
        func test(_ step: String, _ day: String) -> AgendaEvent {
            AgendaEvent(id: "\(step)-\(day)", profileID: "p", category: .task, title: "", start: CalendarDate(iso: day)!.start(),
                        status: .done, preventionStep: step)
        }
        func cervical(born: String, _ marks: [AgendaEvent], on day: String = "2026-06-15") -> [String] {
            let subject = PreventionSubject(birthDate: CalendarDate(iso: born)!, gender: .female, marks: marks)
            return PreventionEngine.items(Self.calendar, for: subject, on: CalendarDate(iso: day)!)
                .filter { [PreventionEngine.cervicalCytology, PreventionEngine.cervicalHPV].contains($0.rule.id) }
                .map { "\($0.rule.id) \($0.status) \($0.date.iso)" + ($0.next.map { " next \($0.iso)" } ?? "") }
        }
        let cytology = "depistage-col-cytologie", hpv = "depistage-col-hpv"
        // 27, never screened: the cytology is due since 25.
        XCTAssertEqual(cervical(born: "1999-03-01", []), ["depistage-col-cytologie due 2024-03-01"])
        // One cytology: the second a year later (done until then, due after).
        XCTAssertEqual(cervical(born: "1999-03-01", [test(cytology, "2025-09-01")]),
                       ["depistage-col-cytologie done 2025-09-01 next 2026-09-01"])
        XCTAssertEqual(cervical(born: "1999-03-01", [test(cytology, "2025-05-01")]), ["depistage-col-cytologie due 2026-05-01"])
        // Two a year apart: the next three years after the second.
        XCTAssertEqual(cervical(born: "1999-03-01", [test(cytology, "2024-03-10"), test(cytology, "2025-03-12")]),
                       ["depistage-col-cytologie done 2025-03-12 next 2028-03-12"])
        // 29 with a cytology at 28: the first HPV test three years after it, at 31, not at 30.
        XCTAssertEqual(cervical(born: "1997-01-20", [test(cytology, "2025-02-01"), test(cytology, "2026-02-03")]),
                       ["depistage-col-cytologie done 2026-02-03 next 2029-02-03"])
        XCTAssertEqual(cervical(born: "1997-01-20", [test(cytology, "2025-02-01"), test(cytology, "2026-02-03")], on: "2028-06-15"),
                       ["depistage-col-hpv upcoming 2029-02-03"], "the cytology, more than two years old, is no longer shown")
        // 30 with no cytology: the HPV test at 30.
        XCTAssertEqual(cervical(born: "1996-06-15", []), ["depistage-col-hpv due 2026-06-15"])
        // An HPV test done: the next five years later.
        XCTAssertEqual(cervical(born: "1980-04-04", [test(hpv, "2023-05-05")]), ["depistage-col-hpv done 2023-05-05 next 2028-05-05"])
        XCTAssertEqual(cervical(born: "1980-04-04", [test(hpv, "2021-05-05")]), ["depistage-col-hpv due 2026-05-05"])
        // 66 and more: nothing more, the last test shown while recent.
        XCTAssertEqual(cervical(born: "1960-06-01", [test(hpv, "2025-01-10")]), ["depistage-col-hpv done 2025-01-10"])
        XCTAssertEqual(cervical(born: "1960-06-01", []), [])
    }

    /// Issue 13: what each seasonal or conditional recommendation says of itself: the campaign's
    /// dates and source (or that the next one is estimated), the condition that makes it
    /// recommended, or the question the profile cannot answer. Before 65, flu only with a
    /// chronic disease the profile names.
    func testSeasonalAndConditionalStepsSayWhy() {
        Localizer.shared.setLanguage(.french)
        func items(born: String, conditions: [String] = [], on day: String) -> [PreventionItem] {
            PreventionEngine.items(Self.calendar, for: PreventionSubject(birthDate: CalendarDate(iso: born)!, gender: .male, conditions: conditions),
                                   on: CalendarDate(iso: day)!)
        }
        let inCampaign = items(born: "1959-04-02", on: "2025-11-20")
        let flu = inCampaign.first { $0.rule.id == "grippe" }!
        XCTAssertTrue(AgendaWording.reason(flu).hasSuffix("Campagne du 14/10/2025 au 28/02/2026 (Campagne conjointe de vaccination grippe et COVID-19 2025-2026 (prolongée jusqu'au 28 février 2026), 27/01/2026)."),
                      AgendaWording.reason(flu))
        let rsv = inCampaign.first { $0.rule.id == "vrs-65" }!
        XCTAssertTrue(rsv.asksAboutConditions)
        XCTAssertTrue(AgendaWording.reason(rsv).contains("votre profil médical n’en indique aucune"), AgendaWording.reason(rsv))
        let later = items(born: "1959-04-02", on: "2026-06-15").first { $0.rule.id == "covid" }!
        XCTAssertTrue(later.estimatedCampaign)
        XCTAssertTrue(AgendaWording.reason(later).hasSuffix("Campagne estimée à partir du 14/10/2026 (dates à confirmer : pas encore publiées)."))
        let heart = items(born: "1959-04-02", conditions: ["Insuffisance cardiaque"], on: "2026-06-15").first { $0.rule.id == "vrs-65" }!
        XCTAssertEqual(heart.riskCondition, "Insuffisance cardiaque")
        XCTAssertFalse(heart.asksAboutConditions)
        // 45 with asthma: the flu and COVID-19 vaccines of the campaign; without it, not before 65.
        let asthma = items(born: "1980-05-01", conditions: ["Asthme"], on: "2025-11-20").filter { ["grippe", "covid"].contains($0.rule.id) }
        XCTAssertEqual(asthma.map { "\($0.rule.id) \($0.status) \($0.date.iso) \($0.riskCondition ?? "")" },
                       ["covid due 2025-10-14 Asthme", "grippe due 2025-10-14 Asthme"])
        XCTAssertTrue(items(born: "1980-05-01", on: "2025-11-20").allSatisfy { !["grippe", "covid", "vrs-65"].contains($0.rule.id) })
        // 64 in June, 65 in August: the first campaign after the birthday, estimated.
        let soon = items(born: "1961-08-01", on: "2026-06-15").first { $0.rule.id == "grippe" }!
        XCTAssertEqual("\(soon.status) \(soon.date.iso) \(soon.estimatedCampaign)", "upcoming 2026-10-14 true")
        // December 2026: the next season is not published; it is taken as running (estimated), not as past.
        let december = items(born: "1959-04-02", on: "2026-12-03").first { $0.rule.id == "grippe" }!
        XCTAssertEqual("\(december.status) \(december.date.iso) \(december.estimatedCampaign)", "due 2026-10-14 true")
        // A bad campaign line is refused with its number.
        XCTAssertThrowsError(try PreventionCampaign.parse("# c\ngrippe\t2025-10-14\t2025-01-01\ts\t2025-01-01\n", rules: Self.calendar.rules)) { error in
            XCTAssertEqual((error as? PreventionCalendarError)?.line, 2)
        }
        XCTAssertThrowsError(try PreventionCampaign.parse("nope\t2025-10-14\t2026-01-01\ts\t2025-01-01\n", rules: Self.calendar.rules))
    }

    /// The windows' edges: the day before an age, the birthday itself, the day the window closes.
    func testAgeBoundaries() {
        func status(_ step: String, born: String, on day: String, _ gender: Profile.AdministrativeGender = .female) -> PreventionItem.Status? {
            let subject = PreventionSubject(birthDate: CalendarDate(iso: born)!, gender: gender)
            return PreventionEngine.items(Self.calendar, for: subject, on: CalendarDate(iso: day)!).first { $0.rule.id == step }?.status
        }
        let table: [(String, String, String, PreventionItem.Status?)] = [
            ("dtp-45", "1981-06-15", "2026-06-14", .upcoming),
            ("dtp-45", "1981-06-15", "2026-06-15", .due),
            ("dtp-45", "1980-06-15", "2026-06-15", .overdue),
            ("dtp-45", "1961-06-15", "2026-06-15", nil),
            ("depistage-sein", "1976-06-16", "2026-06-15", .upcoming),
            ("depistage-sein", "1976-06-15", "2026-06-15", .due),
            ("depistage-sein", "1951-06-15", "2026-06-15", nil),
            ("depistage-col-cytologie", "2001-06-15", "2026-06-15", .due),
            ("depistage-col-cytologie", "1996-06-15", "2026-06-15", nil),
            ("depistage-col-hpv", "1996-06-15", "2026-06-15", .due),
            ("depistage-col-hpv", "1960-06-15", "2026-06-15", nil),
            ("mt-dents", "2023-06-15", "2026-06-14", .upcoming),
            ("mt-dents", "2023-06-15", "2026-06-15", .due),
            ("mt-dents", "2001-06-15", "2026-06-15", nil),
            ("bilan-45", "1981-06-15", "2026-06-15", .due),
            ("bilan-45", "1975-06-15", "2026-06-15", nil),
            ("exam-01", "2026-06-08", "2026-06-15", .due),
            ("exam-01", "2026-06-07", "2026-06-15", .overdue),
            ("zona", "1961-06-15", "2026-06-15", .due),
            ("vrs", "1951-06-16", "2026-06-15", .upcoming),
        ]
        for (step, born, day, expected) in table {
            XCTAssertEqual(status(step, born: born, on: day), expected, "\(step) born \(born) on \(day)")
        }
        XCTAssertNil(status("depistage-sein", born: "1976-06-15", on: "2026-06-15", .male))
    }

    func testReasonsSayWhyWithTheSource() {
        Localizer.shared.setLanguage(.french)
        let dtp = Self.calendar.rule("dtp-45")!
        XCTAssertEqual(AgendaWording.reason(dtp), "recommandé à 45 ans — Calendrier des vaccinations 2025 (28/04/2025)")
        XCTAssertEqual(AgendaWording.reason(Self.calendar.rule("depistage-sein")!),
                       "recommandé tous les 2 ans, de 50 ans à 74 ans — Dépistage organisé des cancers du sein et colorectal (arrêté du 29 septembre 2006) (29/09/2006)")
        XCTAssertTrue(AgendaWording.reason(Self.calendar.rule("exam-11")!).hasPrefix("recommandé entre 16 mois et 18 mois"))
    }

    func testPlannedAndDismissedSteps() {
        let plan = AgendaEvent(id: "a", profileID: "p", category: .appointment, title: "", start: CalendarDate(iso: "2026-07-01")!.at(hour: 10, minute: 0),
                               preventionStep: "zona")
        let dismiss = AgendaEvent(id: "d", profileID: "p", category: .task, title: "", start: CalendarDate(iso: "2025-11-01")!.start(),
                                  status: .cancelled, preventionStep: "covid")
        // Dismissed during the 2025-2026 campaign: dismissed for that season only.
        check(born: "1959-04-02", .male, marks: [plan, dismiss], on: CalendarDate(iso: "2025-11-20")!, [
            ("dtp-65", .overdue, "2025-04-02"), ("pneumo-65", .due, "2024-04-02"), ("vrs-65", .due, "2024-04-02"),
            ("depistage-colorectal", .due, "2025-04-02"), ("grippe", .due, "2025-10-14"), ("zona", .planned, "2026-07-01"),
            ("covid", .dismissed, "2025-10-14"),
        ])
        check(born: "1959-04-02", .male, marks: [plan, dismiss], [
            ("dtp-65", .overdue, "2025-04-02"), ("pneumo-65", .due, "2024-04-02"), ("vrs-65", .due, "2024-04-02"),
            ("depistage-colorectal", .due, "2025-04-02"), ("zona", .planned, "2026-07-01"), ("covid", .upcoming, "2026-10-14"),
            ("grippe", .upcoming, "2026-10-14"),
        ])
    }
}

/// The rule file's validation: a bad rule is refused with its line.
final class PreventionCalendarTests: XCTestCase {
    let good = "dtp-45\tvaccination\tall\t45y\t46y\t-\t65y\tdtp\tCalendrier 2025\t2025-04-28\tRappel\tBooster"

    func refusal(_ line: String) -> PreventionCalendarError? {
        do {
            _ = try PreventionCalendar(tsv: "# comment\n\n" + good + "\n" + line + "\n")
            return nil
        } catch {
            return error as? PreventionCalendarError
        }
    }

    func testAGoodFileLoads() throws {
        XCTAssertEqual(try PreventionCalendar(tsv: good).rules.map(\.id), ["dtp-45"])
    }

    func testBadRulesAreRefusedWithTheirLine() {
        let bad: [(String, String)] = [
            ("x\tvaccination\tall\t45y", "expected 12"),
            (good.replacingOccurrences(of: "dtp-45", with: "dtp 45"), "invalid id"),
            (good, "duplicate id"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "vaccination", with: "vaccine"), "unknown kind"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "\tall\t", with: "\tboth\t"), "unknown sex"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "45y", with: "45x"), "invalid from age"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "46y", with: "44y"), "must come after"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "2025-04-28", with: "28/04/2025"), "source date"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "\tdtp\t", with: "\t-\t"), "words that show it done"),
            (good.replacingOccurrences(of: "dtp-45", with: "b").replacingOccurrences(of: "65y", with: "40y"), "catch-up"),
        ]
        for (line, reason) in bad {
            let error = refusal(line)
            XCTAssertEqual(error?.line, 4, line)
            XCTAssertTrue(error?.reason.contains(reason) ?? false, "\(error?.reason ?? "accepted") — expected \(reason)")
        }
    }
}
