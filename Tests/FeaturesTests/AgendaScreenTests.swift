import Agenda
import Crypto
@testable import Features
import Foundation
import HealthRecord
import L10n
import TerminalUI
import TestSupport
import Vault
import XCTest

/// The Agenda section in the app shell at 80x24, driven key by key through the virtual
/// terminal, on a fixed day (Monday 15 June 2026, 10:00 in Paris).
@MainActor
final class AgendaScreenTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!
    nonisolated static let now = CalendarDate(year: 2026, month: 6, day: 15)!.at(hour: 10, minute: 0)

    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
        directory = try TemporaryDirectory(prefix: "mes-agenda-screen")
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("test".utf8)), keyDerivation: .fixed(.minimumForTests))
        try vault.write { session in
            try session.profiles.save(Profile(id: "p", relation: .own, givenName: "Hélène", familyName: "Martineau",
                                              birthDate: CalendarDate(iso: "1966-04-12"), gender: .female), origin: .remote)
            func at(_ day: Int, _ hour: Int) -> Date { CalendarDate(year: 2026, month: 6, day: day)!.at(hour: hour, minute: 0) }
            try session.agenda.save(AgendaEvent(id: "r1", profileID: "p", category: .reminder, title: "Relever la tension", start: at(15, 18)),
                                    origin: .remote)
            try session.agenda.save(AgendaEvent(id: "a1", profileID: "p", category: .appointment, title: "Fond d'œil", start: at(18, 11),
                                                end: at(18, 12), practitioner: Practitioner(name: "Dr Moreau", specialty: "Ophtalmologie"),
                                                source: .init(kind: .bookingService, name: "Agenda Santé Connect")), origin: .remote)
        }
    }

    override func tearDown() async throws {
        vault.close()
        directory.remove()
    }

    func makeRuntime() -> (Runtime<AppShell>, VirtualTerminal) {
        let calendar = try! PreventionCalendar.load(shareDirectory: BuiltProducts.repository)
        let services = AgendaServices(book: AgendaBook(vault: vault, profileID: "p", calendar: calendar), now: { Self.now },
                                      exportDirectory: directory.url)
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(agenda: services), backend: terminal)
        runtime.send(.resized(.minimum))
        return (runtime, terminal)
    }

    func testTheMonthWithItsMarksTheDayAndWhatIsComing() async {
        let (runtime, terminal) = makeRuntime()
        XCTAssertTrue(runtime.app.messages.contains("Aujourd’hui : Relever la tension (18:00)."), "\(runtime.app.messages)")
        runtime.send(.key(.character("4")))
        await runtime.settle()
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "1 Accueil 2 Docs 3 Profil [4 Agenda] 5 Messages 6 Partage 7 Aidants 8 Réglages",
            "[m Mois]  v À venir   p Examens recommandés",
            "",
            "juin 2026                            lundi 15 juin 2026",
            " lu   ma   me   je   ve   sa   di    ▸ 18:00  Rappel  Relever la tension",
            "  1    2    3    4    5    6    7",
            "  8    9   10   11   12   13   14",
            "[15]• 16   17   18 • 19   20   21",
            " 22   23   24   25   26   27   28",
            " 29   30",
            "",
            "",
            "À venir",
            "  15/06/2026  18:00  Rappel  Relever la tension",
            "  18/06/2026  11:00  Rendez-vous  Fond d'œil — Dr Moreau — Ophtalmologie  (lect…",
            "", "", "", "", "", "",
            " 2 à venir, 5 examens recommandés à faire.",
            " Entrée ouvrir  a ajouter  t aujourd’hui  v à venir  p examens  ? aide",
        ])
    }

    func testAReadOnlyItemSaysWhereItComesFromAndCannotBeDeleted() async throws {
        let (runtime, terminal) = makeRuntime()
        runtime.send(.key(.character("4")))
        await runtime.settle()
        for key: Key in [.right, .right, .right, .enter, .enter] { runtime.send(.key(key)) }
        XCTAssertTrue(terminal.screen.contains("synchronisé depuis Agenda Santé Connect (lecture seule)"), terminal.screen.text)
        runtime.send(.key(.character("d")))
        await runtime.settle()
        XCTAssertTrue(runtime.app.messages.last?.contains("connectez-vous à votre compte Agenda Santé Connect") ?? false)
        XCTAssertNotNil(try vault.read { try $0.agenda.find("a1") })
    }

    func testDeletingAsksWithNoFocusedAndWritesTheOutbox() async throws {
        let (runtime, terminal) = makeRuntime()
        runtime.send(.key(.character("4")))
        await runtime.settle()
        runtime.send(.key(.enter))
        runtime.send(.key(.character("d")))
        XCTAssertTrue(terminal.screen.contains("[▸Non (n)]"), terminal.screen.text)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertNotNil(try vault.read { try $0.agenda.find("r1") }, "Enter on a fresh question deletes nothing")
        runtime.send(.key(.character("d")))
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertNil(try vault.read { try $0.agenda.find("r1") })
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 1, "the deletion is queued for the server")
        XCTAssertTrue(runtime.app.messages.contains("Supprimé de l’agenda : Relever la tension"), "\(runtime.app.messages)")
    }
}

/// The shell says an agenda item when its time comes, while the app runs.
final class AgendaAlarmTests: XCTestCase {
    func testItemsAreSaidWhenTheirTimeComes() {
        let start = ContinuousClock.now
        let now = Date()
        var shell = AppShell()
        shell.agendaDue = AppShell.schedule([(now.addingTimeInterval(120), "C’est l’heure : B."), (now.addingTimeInterval(60), "C’est l’heure : A.")],
                                            now: now, clock: start)
        XCTAssertEqual(shell.wakeUpTime, start + .seconds(60))
        _ = shell.wakeUp(now: start + .seconds(30))
        XCTAssertFalse(shell.messages.contains("C’est l’heure : A."))
        _ = shell.wakeUp(now: start + .seconds(61))
        XCTAssertEqual(shell.messages.last, "C’est l’heure : A.")
        XCTAssertEqual(shell.wakeUpTime, start + .seconds(120))
        _ = shell.wakeUp(now: start + .seconds(121))
        XCTAssertEqual(shell.messages.last, "C’est l’heure : B.")
        XCTAssertNil(shell.wakeUpTime)
    }
}
