import Agenda
import Crypto
import FHIR
import Foundation
import HealthRecord
import L10n
import LocalServer
import Sync
import TestSupport
import Vault
import XCTest

/// A real `mes-server` with the demo world, and a vault synced with it as Hélène.
class AgendaServerCase: XCTestCase, @unchecked Sendable {
    var server: LocalServer!
    var transport: URLSessionTransport!
    var home: TemporaryDirectory!

    override func setUpWithError() throws {
        home = try TemporaryDirectory(prefix: "mes-agenda")
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: home.url.appendingPathComponent("server"),
                                       arguments: ["--seed", "demo"])
        transport = URLSessionTransport(baseURL: server.url)
    }

    override func tearDown() {
        server?.stop()
        home?.remove()
    }

    func call(_ method: String, _ path: String, _ json: JSON? = nil, token: String, headers: [String: String] = [:]) async throws -> (Int, JSON) {
        var all = headers.merging(["Authorization": "Bearer \(token)"]) { $1 }
        if json != nil { all["Content-Type"] = "application/fhir+json" }
        let response = try await transport.send(BackendRequest(method: method, path: path, headers: all, body: json.map { Data($0.serialized()) }))
        return (response.status, (try? JSON(parsing: response.body)) ?? .null)
    }

    func login(_ body: JSON) async throws -> JSON {
        try await call("POST", API.Path.login, body, token: "").1
    }

    func holderToken() async throws -> String {
        let challenge = try await login(["identifier": "helene.martineau", "password": "demo-helene"])["challenge"]?.stringValue ?? ""
        let code = try String(contentsOf: server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt"), encoding: .utf8)
        let answer = try await call("POST", API.Path.verifyCode, ["challenge": .string(challenge), "code": .string(code.trimmingCharacters(in: .whitespacesAndNewlines))], token: "")
        return try XCTUnwrap(answer.1["access_token"]?.stringValue)
    }

    /// Dr Bernard (cardiology) with an access code to Hélène's agenda.
    func professionalToken(holder: String) async throws -> String {
        let (status, code) = try await call("POST", API.Path.accessCode(patient: "helene"), ["durationMinutes": 60, "rubriques": ["agenda"]], token: holder)
        XCTAssertEqual(status, 201)
        // Two factors for professionals too: the password, then the one-time code.
        let challenge = try await login(["rpps": "10003456782", "password": "demo-bernard"])["challenge"]?.stringValue ?? ""
        let otp = try String(contentsOf: server.dataDirectory.appendingPathComponent("otp/10003456782.txt"), encoding: .utf8)
        let answer = try await call("POST", API.Path.verifyCode, ["challenge": .string(challenge), "code": .string(otp.trimmingCharacters(in: .whitespacesAndNewlines))],
                                    token: "")
        let professional = try XCTUnwrap(answer.1["access_token"]?.stringValue)
        let (redeemed, _) = try await call("POST", API.Path.redeem, ["code": .string(code["code"]?.stringValue ?? "")], token: professional)
        XCTAssertEqual(redeemed, 200)
        return professional
    }

    func syncedBook() async throws -> (AgendaBook, SyncEngine) {
        let (vault, _) = try Vault.create(in: VaultDirectory(home.url.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("phrase de test".utf8)), keyDerivation: .fixed(.minimumForTests))
        let otpFile = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let account = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene", oneTimeCode: {
            try String(contentsOf: otpFile, encoding: .utf8)
        })
        try account.save(in: vault)
        let engine = SyncEngine(vault: vault)
        let report = await engine.sync()
        XCTAssertEqual(report.outcome, .complete)
        let calendar = try PreventionCalendar.load(shareDirectory: BuiltProducts.repository)
        return (try XCTUnwrap(try AgendaBook.open(vault, calendar: calendar)), engine)
    }

}

/// The agenda against a real `mes-server`: items from a professional or a booking service
/// sync down read-only with their origin; the user's own edits sync up; the server refuses a
/// holder's change to a professional's item.
final class AgendaServerTests: AgendaServerCase, @unchecked Sendable {
    func testItemsFromElsewhereAreReadOnlyAndOwnEditsSyncUp() async throws {
        let holder = try await holderToken()
        let professional = try await professionalToken(holder: holder)
        // The professional books a follow-up in Hélène's agenda.
        var appointment = Resource(type: "Appointment", id: "appt-bernard-suivi")
        appointment["status"] = "booked"
        appointment["description"] = "Contrôle tensionnel"
        appointment["start"] = .string(FHIRDateTime.instant(Date().addingTimeInterval(10 * 86400)))
        appointment["participant"] = [["actor": ["reference": "Patient/helene"], "status": "accepted"]]
        let (created, stored) = try await call("PUT", "/Appointment/appt-bernard-suivi", appointment.json, token: professional)
        XCTAssertEqual(created, 201, "\(stored)")

        let (book, engine) = try await syncedBook()
        let fromProfessional = try book.item("appt-bernard-suivi")
        XCTAssertEqual(fromProfessional.source, AgendaEvent.Source(kind: .professional, name: "Dr Sophie Bernard"))
        XCTAssertThrowsError(try book.update(fromProfessional.id, with: AgendaDraft(fromProfessional))) {
            XCTAssertEqual($0 as? AgendaError, .readOnly(AgendaEvent.Source(kind: .professional, name: "Dr Sophie Bernard")))
        }
        XCTAssertThrowsError(try book.delete(fromProfessional.id))
        let booked = try book.item("appt-ophtalmo-booked")
        XCTAssertEqual(booked.source?.kind, .bookingService)
        XCTAssertEqual(booked.source?.name, "Agenda Santé Connect")
        // The seed's professional appointments carry a Practitioner reference: read-only too.
        XCTAssertEqual(try book.item("appt-cardio-next").source?.kind, .professional)
        XCTAssertNil(try book.item("appt-kine-own").source)

        // The server refuses a holder's change to either, whatever the client does.
        var tampered = appointment
        tampered["description"] = "Changé par la patiente"
        let (refused, outcome) = try await call("PUT", "/Appointment/appt-bernard-suivi", tampered.json, token: holder)
        XCTAssertEqual(refused, 403)
        XCTAssertTrue("\(outcome)".contains("agenda-read-only"))
        let (refusedDelete, _) = try await call("DELETE", "/Appointment/appt-ophtalmo-booked", token: holder)
        XCTAssertEqual(refusedDelete, 403)
        // …and a holder cannot pass their own item off as a professional's.
        var claimed = appointment
        claimed.id = "appt-claimed"
        claimed["extension"] = [AgendaMapping.bookingSourceExtension(service: "Faux service")]
        let (claimStatus, _) = try await call("PUT", "/Appointment/appt-claimed", claimed.json, token: holder)
        XCTAssertEqual(claimStatus, 403)

        // The user's own rendez-vous and rappel, changed and deleted, reach the server.
        let start = CalendarDate(Date()).adding(days: 3).at(hour: 11, minute: 15)
        let own = try book.add(AgendaDraft(category: .appointment, title: "Ostéopathe", start: start, end: start + 2700,
                                           location: "3 rue Mercière, Lyon", practitioner: Practitioner(name: "M. Paul Roche", specialty: "Ostéopathie"),
                                           note: "Séance de contrôle"))
        let reminder = try book.add(AgendaDraft(category: .reminder, title: "Renouveler l'ordonnance", start: start, reminderOffsets: [86400]))
        let firstPush = await engine.sync()
        XCTAssertEqual(firstPush.outcome, .complete)
        let (ownStatus, ownJSON) = try await call("GET", "/Appointment/\(own.id)", token: holder)
        XCTAssertEqual(ownStatus, 200)
        XCTAssertEqual(ownJSON["description"]?.stringValue, "Ostéopathe")
        XCTAssertEqual(ownJSON["comment"]?.stringValue, "Séance de contrôle")
        let (taskStatus, taskJSON) = try await call("GET", "/Task/\(reminder.id)", token: holder)
        XCTAssertEqual(taskStatus, 200)
        XCTAssertEqual(taskJSON["description"]?.stringValue, "Renouveler l'ordonnance")

        var draft = AgendaDraft(own)
        draft.title = "Ostéopathe (déplacé)"
        try book.update(own.id, with: draft)
        try book.delete(reminder.id)
        let secondPush = await engine.sync()
        XCTAssertEqual(secondPush.outcome, .complete)
        let moved = try await call("GET", "/Appointment/\(own.id)", token: holder)
        XCTAssertEqual(moved.1["description"]?.stringValue, "Ostéopathe (déplacé)")
        let gone = try await call("GET", "/Task/\(reminder.id)", token: holder)
        XCTAssertEqual(gone.0, 410)
        XCTAssertEqual(try book.vault.read { try $0.outbox.count() }, 0)

        // The professional (with the agenda rubrique) sees the patient's own appointment.
        let seen = try await call("GET", "/Appointment/\(own.id)", token: professional)
        XCTAssertEqual(seen.0, 200)
    }

    /// The user's own recurring items: every occurrence at the same Paris wall-clock time across
    /// the clock change, written all at once (or not at all when a day is full of rappels), each
    /// synced as an Appointment of its own carrying the series' RRULE; the export gives each once.
    func testOwnRecurringItemsAreWrittenTogetherKeepTheirHourAndSyncUp() async throws {
        let (book, engine) = try await syncedBook()
        let first = CalendarDate(year: 2026, month: 3, day: 20)!.at(hour: 9, minute: 0)
        let events = try book.add(AgendaDraft(category: .reminder, title: "Prendre ma tension", start: first), repeating: Repetition(.weekly, count: 4))
        XCTAssertEqual(events.count, 4)
        XCTAssertEqual(events.map { LocalFormat.time($0.start) }, ["09:00", "09:00", "09:00", "09:00"], "the same hour after the 29 March clock change")
        XCTAssertEqual(events.map { CalendarDate($0.start).day }, [20, 27, 3, 10])
        XCTAssertTrue(events.allSatisfy { $0.recurrenceRule == "FREQ=WEEKLY;COUNT=4" })
        let monthly = try book.add(AgendaDraft(category: .appointment, title: "Infirmière", start: CalendarDate(year: 2027, month: 1, day: 31)!.at(hour: 8, minute: 30)),
                                   repeating: Repetition(.monthly, count: 3))
        XCTAssertEqual(monthly.map { CalendarDate($0.start).day }, [31, 28, 31], "the 31st falls on the last day of a shorter month")

        // A day already holding 10 rappels refuses the whole series: nothing is written.
        let full = CalendarDate(year: 2026, month: 6, day: 12)!
        for index in 0..<10 { try book.add(AgendaDraft(category: .reminder, title: "Rappel \(index)", start: full.at(hour: 8, minute: index))) }
        let before = try book.items(from: full.adding(days: -3).start(), to: full.adding(days: 3).start()).count
        XCTAssertThrowsError(try book.add(AgendaDraft(category: .reminder, title: "Série", start: full.adding(days: -2).at(hour: 20, minute: 0)),
                                          repeating: Repetition(.daily, count: 4)))
        XCTAssertEqual(try book.items(from: full.adding(days: -3).start(), to: full.adding(days: 3).start()).count, before, "all or nothing")

        let report = await engine.sync()
        XCTAssertEqual(report.outcome, .complete)
        let token = try await holderToken()
        for event in events {
            let (status, task) = try await call("GET", "/Task/\(event.id)", token: token)
            XCTAssertEqual(status, 200, "\(event.id) reached the server (a rappel is a Task)")
            XCTAssertTrue(task.text.contains("FREQ=WEEKLY;COUNT=4"))
        }
        let ics = try book.exportICS(language: .french)
        XCTAssertEqual(ics.components(separatedBy: "SUMMARY:Prendre ma tension").count - 1, 4, "each occurrence once")
        XCTAssertFalse(ics.contains("RRULE:FREQ=WEEKLY;COUNT=4"), "not expanded again by the calendar that imports it")
    }

    func testMarkingAVaccinationDoneAddsItToTheCarnetOnTheServer() async throws {
        let holder = try await holderToken()
        let (book, engine) = try await syncedBook()
        let today = CalendarDate(Date())
        let items = try book.recommendations(on: today)
        XCTAssertFalse(items.isEmpty)
        try book.markDone("zona", on: today, language: .french)
        try book.markDone("depistage-colorectal", on: today, language: .french)
        XCTAssertEqual(try book.recommendations(on: today).first { $0.rule.id == "zona" }?.status, .done)
        let pushed = await engine.sync()
        XCTAssertEqual(pushed.outcome, .complete)
        let (status, bundle) = try await call("GET", "/Immunization", token: holder)
        XCTAssertEqual(status, 200)
        XCTAssertTrue("\(bundle)".contains("urn:mes:prevention-step"))
        // Dismissing, then turning the personalised recommendations off.
        try book.dismiss("depistage-sein", on: today, language: .french)
        XCTAssertEqual(try book.recommendations(on: today).first { $0.rule.id == "depistage-sein" }?.status, .dismissed)
        try book.setPersonalisedRecommendations(false)
        XCTAssertEqual(try book.recommendations(on: today), [])
    }
}
