import Foundation
import HealthRecord
import XCTest

/// The Agenda section at 80x24, used as a person would, on a home synced with a real
/// `mes-server`: add a rendez-vous in the month grid and see its day marked (and the server get
/// it while the app runs), mark a due recommendation done, export an `.ics`; the screen-reader
/// layout; English; the ASCII fallback.
final class AgendaE2ETests: XCTestCase {
    func testAddInTheMonthGridMarkDoneAndExport() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", "Aujourd’hui : Relever la tension", timeout: 20)
        try terminal.send("4")
        try terminal.waitFor("[m Mois]", "À venir", "Fond d'œil annuel")
        // Two days on: nothing planned there yet, so the selected day carries no mark.
        try terminal.send("l")
        try terminal.send("l")
        let empty = try terminal.waitFor("Rien ce jour-là.")
        XCTAssertNotNil(empty.range(of: #"\[\s?\d{1,2}\] "#, options: .regularExpression), empty)
        try terminal.send("a")
        try terminal.waitFor("Nouveau rendez-vous ou rappel", "Professionnel")
        try terminal.send("Tab")
        try terminal.send("Ostéopathe")
        try terminal.send("Enter")
        try terminal.waitFor("Ajouté : Ostéopathe")
        // The month is read again: the day gets its mark.
        var added = try terminal.screen()
        let deadline = Date().addingTimeInterval(10)
        while added.range(of: #"\[\s?\d{1,2}\]•"#, options: .regularExpression) == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            added = try terminal.screen()
        }
        XCTAssertNotNil(added.range(of: #"\[\s?\d{1,2}\]•"#, options: .regularExpression), "the day is marked now: \(added)")
        XCTAssertTrue(added.contains("Ostéopathe"), added)
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let onServer = try await home.serverCopy { session in try session.agenda.all().filter { $0.title == "Ostéopathe" } }
        XCTAssertEqual(onServer.count, 1, "the server has the rendez-vous while the app still runs")
        XCTAssertNil(onServer.first?.source)

        // The recommendations: one due, marked done.
        try terminal.send("p")
        try terminal.waitFor("[p Examens recommandés]", "À faire — ")
        try terminal.send("f")
        try terminal.waitFor("noté comme fait")
        // Export to the proposed file, in the home.
        try terminal.send("m")
        try terminal.send("x")
        try terminal.waitFor("Exporter l’agenda", "ne sera pas chiffré")
        try terminal.send("Enter")
        try terminal.waitFor("Agenda exporté")
        let exported = try String(contentsOf: terminal.home.appendingPathComponent("agenda-mes.ics"), encoding: .utf8)
        XCTAssertTrue(exported.contains("SUMMARY:Ostéopathe"))
        XCTAssertTrue(exported.contains("BEGIN:VTIMEZONE"))
        try terminal.send("q")
        try terminal.waitFor("Quitter mes ?")
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testScreenReaderEnglishAndASCII() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let reader = try home.terminal(arguments: ["--screen-reader", "--lang", "en"])
        try reader.waitFor("Sync: up to date", timeout: 20)
        try reader.send("4")
        let linear = try reader.waitFor("[m Month]", "December", "Appointment  Fond d'œil annuel")
        XCTAssertFalse(linear.contains("┌"), "no frames for a screen reader")
        let cursor = try reader.cursor()
        let day = linear.components(separatedBy: "\n")[cursor.y]
        XCTAssertTrue(day.contains(": ") && !day.contains(" : "), "the cursor is on the day's sentence, in English typography: \(linear)")
        reader.close()

        let ascii = try home.terminal(term: "vt100", environment: ["LANG": "C"])
        defer { ascii.close() }
        try ascii.waitFor("Synchro : a jour", timeout: 20)
        try ascii.send("4")
        let screen = try ascii.waitFor("[m Mois]")
        XCTAssertFalse(screen.unicodeScalars.contains { $0.value > 0x7E }, screen)
    }
}
