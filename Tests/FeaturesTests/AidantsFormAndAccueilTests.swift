import Features
import HealthRecord
import L10n
import Sharing
import Synchronization
import TerminalUI
import XCTest

/// Session 24 of issue 16, on the virtual terminal: the invitation form of section 7 (the match
/// confirmed with « Non » focused, the declaration required, a refusal said in words), handing
/// over a lost space's changes, the Accueil's prevention recommendations, and the Accueil
/// without any space (how to log in).
@MainActor
final class AidantsFormAndAccueilTests: XCTestCase {
    override func setUp() async throws { Localizer.shared.setLanguage(.french) }

    nonisolated static let own = SpaceSummary(id: "helene", name: "Hélène MARTINEAU", relation: .own)

    final class Calls: Sendable {
        let checked = Mutex<[InviteDraft]>([])
        let invited = Mutex<[InviteDraft]>([])
        let handedOver = Mutex<[String]>([])
        let refuse = Mutex<String?>(nil)
    }

    func services(_ calls: Calls, digest: HomeDigest = HomeDigest()) -> SpacesServices {
        var services = SpacesServices(list: { [Self.own] }, open: { _ in SpaceBundle(space: Self.own, home: HomeServices { digest }) })
        services.check = { draft, _ in
            calls.checked.withLock { $0.append(draft) }
            if let refusal = calls.refuse.withLock({ $0 }) { throw SpaceActionFailure(refusal) }
            return InviteMatch(name: "Claire DUPONT", identifier: "claire.dupont", birthDate: Date(timeIntervalSince1970: 315_619_200))
        }
        services.invite = { draft, _ in calls.invited.withLock { $0.append(draft) } }
        services.lost = { [LostSpaceSummary(id: "paul", name: "Paul DURAND", count: 2)] }
        services.handOver = { id in calls.handedOver.withLock { $0.append(id) } }
        return services
    }

    func start(_ calls: Calls, section: AppSection = .caregivers, digest: HomeDigest? = nil,
               settings: AppSettings = AppSettings(language: .french)) -> (Runtime<AppShell>, VirtualTerminal) {
        let terminal = VirtualTerminal()
        let shell = AppShell(settings: settings, header: HeaderInfo(sync: .upToDate, lock: .unlocked), section: section,
                             home: digest.map { digest in HomeServices { digest } }, spaces: services(calls, digest: digest ?? HomeDigest()),
                             activeSpace: Self.own)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.send(.resized(.minimum))
        runtime.start()
        return (runtime, terminal)
    }

    func type(_ text: String, _ runtime: Runtime<AppShell>) {
        for character in text { runtime.send(.key(.character(character))) }
    }

    func testTheInvitationFormAsksTheServerWhoMatchesThenSendsOnlyOnceConfirmed() async {
        let calls = Calls()
        let (runtime, terminal) = start(calls)
        await runtime.settle()
        runtime.send(.key(.character("n")))
        XCTAssertTrue(terminal.screen.contains("Inviter un aidant pour Hélène MARTINEAU"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Nom de naissance"), terminal.screen.text)
        // Digits and letters go to the form, not to the section keys.
        for value in ["Dupont", "Claire", "02/01/1980", "claire.dupont"] {
            type(value, runtime)
            runtime.send(.key(.tab))
        }
        XCTAssertEqual(runtime.app.section, .caregivers)
        // Documents is ticked; the rubriques up to Agenda, ticked too.
        for _ in 0..<(SharingWording.formOrder.firstIndex(of: .agenda) ?? 0) { runtime.send(.key(.tab)) }
        runtime.send(.key(.character(" ")))
        XCTAssertEqual(runtime.app.messages.last, "Agenda : cochée")
        runtime.send(.key(.enter))
        XCTAssertEqual(runtime.app.messages.last, "Cochez la déclaration pour envoyer l’invitation.")
        XCTAssertTrue(calls.checked.withLock { $0 }.isEmpty, "nothing asked before the declaration is ticked")
        XCTAssertTrue(terminal.screen.text.contains("Je déclare"), terminal.screen.text)
        runtime.send(.key(.character(" ")))
        runtime.send(.key(.enter))
        await runtime.settle()
        let checked = calls.checked.withLock { $0 }
        XCTAssertEqual(checked.map(\.birthDate), ["1980-01-02"])
        XCTAssertEqual(checked.first?.rubriques, [.documents, .agenda])
        XCTAssertTrue(terminal.screen.text.contains("Personne trouvée : Claire DUPONT"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("[▸Non (n)]"), terminal.screen.text)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(calls.invited.withLock { $0 }.isEmpty, "Enter on the fresh question sends nothing")
        XCTAssertTrue(terminal.screen.text.contains("Inviter un aidant pour"), "the form stays, as typed")
        runtime.send(.key(.enter))
        await runtime.settle()
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertEqual(calls.invited.withLock { $0 }.map(\.identifier), ["claire.dupont"])
        XCTAssertTrue(runtime.app.messages.contains("Invitation envoyée à Claire DUPONT : en attente de sa réponse."), "\(runtime.app.messages)")
        XCTAssertFalse(terminal.screen.text.contains("Inviter un aidant pour"), "the form is closed")
    }

    func testAServerRefusalIsSaidAndEscapeSendsNothing() async {
        let calls = Calls()
        calls.refuse.withLock { $0 = "Refusé : cette personne a déjà 3 aidants (invitations comprises), le maximum." }
        let (runtime, _) = start(calls)
        await runtime.settle()
        runtime.send(.key(.character("n")))
        for value in ["Test", "Bruno", "02/01/1980", "bruno.test"] {
            type(value, runtime)
            runtime.send(.key(.tab))
        }
        // Past every rubrique and the end date, to the declaration.
        for _ in 0..<(Section.allCases.count + 1) { runtime.send(.key(.tab)) }
        runtime.send(.key(.character(" ")))
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(runtime.app.messages.last, "Refusé : cette personne a déjà 3 aidants (invitations comprises), le maximum.")
        runtime.send(.key(.escape))
        XCTAssertEqual(runtime.app.messages.last, "Invitation abandonnée : rien n’a été envoyé.")
        XCTAssertTrue(calls.invited.withLock { $0 }.isEmpty)
    }

    func testTheChangesOfALostSpaceAreHandedOverOnlyOnceConfirmed() async {
        let calls = Calls()
        let (runtime, terminal) = start(calls)
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("Paul DURAND : 2 modifications non envoyées"), terminal.screen.text)
        for _ in 0..<6 { runtime.send(.key(.down)) }
        runtime.send(.key(.character("h")))
        XCTAssertTrue(terminal.screen.text.contains("Remettre 2 modifications non envoyées à Paul DURAND ?"), terminal.screen.text)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(calls.handedOver.withLock { $0 }.isEmpty, "« Non » first")
        runtime.send(.key(.character("h")))
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertEqual(calls.handedOver.withLock { $0 }, ["paul"])
        XCTAssertTrue(runtime.app.messages.contains("2 modifications remises à Paul DURAND : un document les attend dans son espace."),
                      "\(runtime.app.messages)")
    }

    func testTheAccueilListsDuePreventionRecommendationsAndALineOpensTheAgenda() async {
        var digest = HomeDigest()
        digest.dueRecommendations = 2
        digest.recommendations = [HomeDigest.Item(kind: .agendaEvent, id: "prevention:depistage-colorectal", title: "Dépistage du cancer colorectal",
                                                  detail: "à faire depuis le 02/04/2019")]
        let (runtime, terminal) = start(Calls(), section: .home, digest: digest)
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("2 recommandations de prévention à faire."), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Dépistage du cancer colorectal, à faire depuis le 02/04/2019"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("▸ Dépistage du cancer colorectal"), "the only item is selected")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(runtime.app.section, .agenda)
    }

    func testWithoutAnySpaceTheAccueilSaysHowToLogIn() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(settings: AppSettings(language: .french), section: .home), backend: terminal)
        runtime.send(.resized(.minimum))
        runtime.start()
        await runtime.settle()
        XCTAssertFalse(terminal.screen.text.contains("Bientôt disponible"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Vous n’êtes pas connecté(e)"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("« mes login »"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("« mes --demo »"), terminal.screen.text)
        var settings = AppSettings(language: .english)
        settings.screenReader = true
        let english = VirtualTerminal()
        let reader = Runtime(app: AppShell(settings: settings, section: .home), backend: english)
        reader.send(.resized(.minimum))
        reader.start()
        await reader.settle()
        reader.send(.key(.character("1")))
        await reader.settle()
        XCTAssertTrue(english.screen.text.contains("You are not logged in"), english.screen.text)
        XCTAssertTrue(reader.app.messages.last?.contains("Log in: “mes login”") == true, reader.app.messages.last ?? "")
    }
}
