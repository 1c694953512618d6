import XCTest
import HealthRecord
import ICalendar

final class ICalendarTests: XCTestCase {
    let paris = TimeZone(identifier: "Europe/Paris")!
    let wide = (Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 4_000_000_000))

    func at(_ iso: String, _ hour: Int, _ minute: Int = 0) -> Date { CalendarDate(iso: iso)!.at(hour: hour, minute: minute) }

    func read(_ text: String, from: Date? = nil, to: Date? = nil) throws -> ICalendarContent {
        try ICalendar.read(Array(text.utf8), from: from ?? wide.0, to: to ?? wide.1)
    }

    /// The items a user has: across both daylight-saving changes, all-day, with accents,
    /// commas, semicolons and new lines, a rappel with its alarm.
    var items: [AgendaEvent] {
        [
            AgendaEvent(id: "a1", profileID: "p", category: .appointment, title: "Cardiologie, contrôle; annuel", start: at("2026-03-28", 10),
                        end: at("2026-03-28", 10, 30), location: "12 rue de la Paix\n69002 Lyon",
                        practitioner: Practitioner(name: "Dr Émilie Château", specialty: "Cardiologie"), note: "Apporter l’ECG, les résultats"),
            AgendaEvent(id: "a2", profileID: "p", category: .appointment, title: "Kiné", start: at("2026-03-29", 10), end: at("2026-03-29", 11)),
            AgendaEvent(id: "a3", profileID: "p", category: .appointment, title: "Dentiste", start: at("2026-10-25", 9), end: at("2026-10-25", 9, 45)),
            AgendaEvent(id: "r1", profileID: "p", category: .reminder, title: "Prendre la tension", start: at("2026-10-26", 8),
                        reminderOffsets: [3600], note: String(repeating: "é", count: 200)),
            AgendaEvent(id: "t1", profileID: "p", category: .task, title: "Dépistage colorectal", start: CalendarDate(iso: "2026-07-14")!.start(),
                        allDay: true, preventionStep: "depistage-colorectal"),
        ]
    }

    func testExportThenImportGivesTheSameItems() throws {
        let text = ICalendar.write(items, now: at("2026-01-01", 12))
        let back = try read(text)
        XCTAssertEqual(back.problems, [])
        XCTAssertEqual(back.events.count, items.count)
        for (original, imported) in zip(items, back.events) {
            var expected = original
            expected.id = ""
            expected.profileID = ""
            expected.externalUID = "\(original.id)@mes"
            XCTAssertEqual(imported, expected)
        }
        // Importing an item that already carries a UID keeps it.
        var withUID = items[1]
        withUID.externalUID = "abc-123@example.org"
        XCTAssertEqual(try read(ICalendar.write([withUID])).events.first?.externalUID, "abc-123@example.org")
    }

    func testTheExportFollowsRFC5545() throws {
        let text = ICalendar.write(items, now: at("2026-01-01", 12))
        XCTAssertTrue(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        for required in ["VERSION:2.0\r\n", "PRODID:", "METHOD:PUBLISH\r\n", "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n", "UID:a1@mes\r\n",
                         "DTSTAMP:20260101T110000Z\r\n", "DTSTART;TZID=Europe/Paris:20260329T100000\r\n",
                         "DTSTART;TZID=Europe/Paris:20261025T090000\r\n", "DTSTART;VALUE=DATE:20260714\r\n",
                         "SUMMARY:Cardiologie\\, contrôle\\; annuel\r\n", "LOCATION:12 rue de la Paix\\n69002 Lyon\r\n",
                         "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\n"] {
            XCTAssertTrue(text.contains(required), "missing \(required.debugDescription)")
        }
        let lines = text.components(separatedBy: "\r\n")
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF")
        for line in lines {
            XCTAssertLessThanOrEqual(line.utf8.count, 75, line)
            XCTAssertNotNil(String(validating: Array(line.utf8), as: UTF8.self))
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix(" ") }, "the long note is folded")
        // 10:00 in Paris on 29 March 2026 (summer time) is 08:00 UTC; on 28 March (winter) 09:00 UTC.
        let back = try read(text).events
        XCTAssertEqual(back[0].start, Date(timeIntervalSince1970: 1_774_688_400))
        XCTAssertEqual(back[1].start, Date(timeIntervalSince1970: 1_774_771_200))
    }

    /// A calendar exported by a big calendar program: UTC times, all-day, floating, DURATION,
    /// folded lines, escaped commas, a Windows time-zone name with its VTIMEZONE, a weekly
    /// recurring event with an EXDATE and an overridden occurrence.
    func testEventsFromOtherCalendarProgramsAreRead() throws {
        let fixture = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//Example Corp//Calendar 1.0//EN\r
            BEGIN:VTIMEZONE\r
            TZID:Romance Standard Time\r
            BEGIN:STANDARD\r
            DTSTART:16010101T030000\r
            TZOFFSETFROM:+0200\r
            TZOFFSETTO:+0100\r
            RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
            END:STANDARD\r
            BEGIN:DAYLIGHT\r
            DTSTART:16010101T020000\r
            TZOFFSETFROM:+0100\r
            TZOFFSETTO:+0200\r
            RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
            END:DAYLIGHT\r
            END:VTIMEZONE\r
            BEGIN:VEVENT\r
            UID:utc-1@example.com\r
            DTSTAMP:20260101T000000Z\r
            DTSTART:20260612T073000Z\r
            DTEND:20260612T080000Z\r
            SUMMARY:Prise de sang\\, à jeun\r
            DESCRIPTION:Laboratoire du centre\\; apporter l'ordonnance.\\nSalle 2\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:allday-1@example.com\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;VALUE=DATE:20260701\r
            DTEND;VALUE=DATE:20260702\r
            SUMMARY:Journée de dépistage\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:outlook-1@example.com\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Romance Standard Time:20260615T140000\r
            DURATION:PT45M\r
            SUMMARY:Ophtalmologue (Dr Moreau) pour le contrôle annuel du fond d'œil et de la t\r
             ension oculaire\r
            LOCATION:40 cours Gambetta\\, Lyon\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:floating-1@example.com\r
            DTSTAMP:20260101T000000Z\r
            DTSTART:20261201T090000\r
            SUMMARY:Vaccin grippe\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:weekly-1@example.com\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Europe/Paris:20261019T180000\r
            DTEND;TZID=Europe/Paris:20261019T183000\r
            RRULE:FREQ=WEEKLY;COUNT=4\r
            EXDATE;TZID=Europe/Paris:20261026T180000\r
            SUMMARY:Kinésithérapie\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:weekly-1@example.com\r
            RECURRENCE-ID;TZID=Europe/Paris:20261102T180000\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Europe/Paris:20261103T190000\r
            DTEND;TZID=Europe/Paris:20261103T193000\r
            SUMMARY:Kinésithérapie (déplacée)\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let content = try read(fixture)
        XCTAssertEqual(content.problems, [])
        let byUID = Dictionary(grouping: content.events, by: { $0.externalUID ?? "" })
        let utc = try XCTUnwrap(byUID["utc-1@example.com"]?.first)
        XCTAssertEqual(utc.title, "Prise de sang, à jeun")
        XCTAssertEqual(utc.note, "Laboratoire du centre; apporter l'ordonnance.\nSalle 2")
        XCTAssertEqual(utc.start, at("2026-06-12", 9, 30))
        XCTAssertEqual(utc.end, at("2026-06-12", 10))
        let allDay = try XCTUnwrap(byUID["allday-1@example.com"]?.first)
        XCTAssertTrue(allDay.allDay)
        XCTAssertEqual(allDay.start, CalendarDate(iso: "2026-07-01")!.start())
        XCTAssertNil(allDay.end)
        let outlook = try XCTUnwrap(byUID["outlook-1@example.com"]?.first)
        XCTAssertEqual(outlook.title, "Ophtalmologue (Dr Moreau) pour le contrôle annuel du fond d'œil et de la tension oculaire")
        XCTAssertEqual(outlook.location, "40 cours Gambetta, Lyon")
        XCTAssertEqual(outlook.start, at("2026-06-15", 14))
        XCTAssertEqual(outlook.end, at("2026-06-15", 14, 45))
        XCTAssertEqual(byUID["floating-1@example.com"]?.first?.start, at("2026-12-01", 9))
        // Weekly ×4 from 19 Oct (summer time) across the 25 Oct change: 26 Oct excluded, 2 Nov moved.
        let weekly = content.events.filter { $0.externalUID?.hasPrefix("weekly-1@example.com") ?? false }.sorted { $0.start < $1.start }
        XCTAssertEqual(weekly.map(\.start), [at("2026-10-19", 18), at("2026-11-03", 19), at("2026-11-09", 18)])
        XCTAssertEqual(weekly.map(\.title), ["Kinésithérapie", "Kinésithérapie (déplacée)", "Kinésithérapie"])
        XCTAssertEqual(Set(weekly.compactMap(\.externalUID)).count, 3)
    }

    func testARecurringEventIsExpandedOverTheHorizonOnly() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:x\r
            BEGIN:VEVENT\r
            UID:daily@x\r
            DTSTAMP:20260101T000000Z\r
            DTSTART;TZID=Europe/Paris:20260101T080000\r
            RRULE:FREQ=DAILY\r
            SUMMARY:Médicament\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let content = try read(text, from: at("2026-03-01", 0), to: at("2026-04-01", 0))
        XCTAssertEqual(content.events.count, 31)
        XCTAssertEqual(content.events.first?.start, at("2026-03-01", 8))
        XCTAssertEqual(content.events.last?.start, at("2026-03-31", 8))
        // Without a horizon's end in sight, an endless rule stops at the occurrence limit.
        let endless = try read(text)
        XCTAssertEqual(endless.events.count, 0)
        XCTAssertEqual(endless.problems, [ICalendarProblem(event: "Médicament", reason: .tooManyOccurrences(limit: ICalendar.maximumOccurrences))])
    }

    func testEventsThatCannotBeReadAreListedWithTheReason() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:x\r
            BEGIN:VEVENT\r
            UID:nostart@x\r
            SUMMARY:Sans date\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART:20260101T080000Z\r
            SUMMARY:Sans UID\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:backwards@x\r
            DTSTART:20260101T080000Z\r
            DTEND:20260101T070000Z\r
            SUMMARY:À l'envers\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:baddate@x\r
            DTSTART:2026-01-01 8h\r
            SUMMARY:Date illisible\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:ok@x\r
            DTSTART:20260101T080000Z\r
            SUMMARY:Bon\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let content = try read(text)
        XCTAssertEqual(content.events.map(\.title), ["Bon"])
        XCTAssertEqual(content.problems, [
            ICalendarProblem(event: "Sans date", reason: .missingStart), ICalendarProblem(event: "Sans UID", reason: .missingUID),
            ICalendarProblem(event: "À l'envers", reason: .endBeforeStart), ICalendarProblem(event: "Date illisible", reason: .missingStart),
        ])
    }

    // MARK: Hostile files

    func event(_ index: Int, extra: String = "") -> String {
        "BEGIN:VEVENT\r\nUID:e\(index)@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T080000Z\r\nSUMMARY:E\(index)\r\n\(extra)END:VEVENT\r\n"
    }

    func calendar(_ body: String) -> String { "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n\(body)END:VCALENDAR\r\n" }

    func testHostileFilesAreRefusedOrReadSafely() throws {
        let big = calendar(event(1, extra: "DESCRIPTION:" + String(repeating: "a", count: 10 * 1024 * 1024) + "\r\n"))
        XCTAssertThrowsError(try read(big)) { XCTAssertEqual($0 as? ICalendarRefusal, .tooLarge(bytes: big.utf8.count, limit: ICalendar.maximumBytes)) }

        let many = calendar((0..<10_000).map { event($0) }.joined())
        XCTAssertThrowsError(try read(many)) { XCTAssertEqual($0 as? ICalendarRefusal, .tooManyEvents(count: 10_000, limit: ICalendar.maximumEvents)) }

        var invalid = Array(calendar(event(1)).utf8)
        invalid.insert(contentsOf: [0xC3, 0x28, 0xFF], at: 60)
        XCTAssertThrowsError(try ICalendar.read(invalid, from: wide.0, to: wide.1)) { XCTAssertEqual($0 as? ICalendarRefusal, .notUTF8) }
        XCTAssertThrowsError(try ICalendar.read(Array("BEGIN:VCALENDAR\r\n\0".utf8), from: wide.0, to: wide.1)) {
            XCTAssertEqual($0 as? ICalendarRefusal, .containsNUL)
        }
        XCTAssertThrowsError(try read("not a calendar at all")) { XCTAssertEqual($0 as? ICalendarRefusal, .notACalendar) }
        XCTAssertThrowsError(try read("")) { XCTAssertEqual($0 as? ICalendarRefusal, .notACalendar) }

        // Broken folding (continuation lines without their space, a fold inside a name): no crash.
        let broken = calendar("BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20260101T0800\r\n00Z\r\nSUMM\r\n ARY:Plié\r\n\r\n \r\nEND:VEVENT\r\n" + event(2))
        let content = try read(broken)
        XCTAssertTrue(content.events.contains { $0.title == "E2" })

        // A VALARM storm: read, with a bounded number of alarms.
        let alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
        let storm = calendar(event(1, extra: String(repeating: alarm, count: 20_000)))
        let stormy = try read(storm)
        XCTAssertEqual(stormy.events.count, 1)
        XCTAssertEqual(stormy.events[0].reminderOffsets.count, ICalendar.maximumAlarms)

        // A recurrence meant to run forever, and one with a huge COUNT, stay bounded.
        let forever = calendar(event(1, extra: "RRULE:FREQ=SECONDLY;COUNT=2000000000\r\n"))
        XCTAssertEqual(try read(forever).events.count, 0)
        // A leading byte-order mark is tolerated.
        XCTAssertEqual(try read("\u{FEFF}" + calendar(event(3))).events.map(\.title), ["E3"])
    }
}
