import Features
import HealthRecord
import L10n
import Synchronization
import TerminalUI
import XCTest

/// Spaces in memory: what `SpaceWiring` builds over the vault, without one.
private final class FakeSpaces: Sendable {
    static let own = SpaceSummary(id: "helene", name: "Hélène MARTINEAU", relation: .own)
    static let child = SpaceSummary(id: "lucas", name: "Lucas MARTINEAU", relation: .child)
    static let helped = SpaceSummary(id: "paul", name: "Paul DURAND", relation: .delegated, rubriques: [.documents, .agenda])
    let opened = Mutex<[String]>([])
    let revoked = Mutex<[String]>([])
    let answered = Mutex<[String]>([])
    let digests: [String: HomeDigest]

    init(digests: [String: HomeDigest] = [:]) { self.digests = digests }

    var services: SpacesServices {
        SpacesServices(list: { [Self.own, Self.child, Self.helped] }, open: { [self] id in
            opened.withLock { $0.append(id) }
            guard let space = [Self.own, Self.child, Self.helped].first(where: { $0.id == id }) else { return nil }
            let digest = digests[id] ?? HomeDigest()
            return SpaceBundle(space: space, home: HomeServices { digest })
        }, delegations: { id in
            id == "helene" ? [Delegation(id: "delegation-julien", profileID: "helene", delegateName: "Julien Martineau", role: .caregiver,
                                         sections: [.documents, .agenda], start: Date(timeIntervalSince1970: 1_700_000_000),
                                         end: Date(timeIntervalSince1970: 4_000_000_000))] : []
        }, invitations: {
            [InvitationSummary(id: "inv-1", name: "Paul DURAND", status: "pending", legalRepresentative: false, rubriques: [.documents],
                               until: Date(timeIntervalSince1970: 4_000_000_000))]
        }, revoke: { [self] id in revoked.withLock { $0.append(id) } },
           answer: { [self] id, accept in answered.withLock { $0.append("\(id):\(accept)") } })
    }
}

@MainActor
final class SpacesScreenTests: XCTestCase {
    override func setUp() async throws { Localizer.shared.setLanguage(.french) }

    private func start(_ spaces: FakeSpaces = FakeSpaces(), section: AppSection = .home,
                       settings: AppSettings = AppSettings(language: .french)) -> (Runtime<AppShell>, VirtualTerminal) {
        let terminal = VirtualTerminal()
        let home = spaces.digests["helene"].map { digest in HomeServices { digest } }
        let shell = AppShell(settings: settings, header: HeaderInfo(sync: .upToDate, lock: .unlocked), section: section, home: home,
                             spaces: spaces.services, activeSpace: FakeSpaces.own)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.send(.resized(.minimum))
        runtime.start()
        return (runtime, terminal)
    }

    func testTheHeaderSaysWhoseSpaceInWordsAndTheKeySwitchesFromAnywhere() async {
        let spaces = FakeSpaces()
        let (runtime, terminal) = start(spaces, section: .agenda)
        XCTAssertEqual(terminal.screen.lines[0], " mes │ Profil : Hélène MARTINEAU │ Synchro : à jour │ Coffre : ouvert")
        runtime.send(.key(.character("@")))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Changer d’espace"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("Lucas MARTINEAU, enfant"))
        XCTAssertTrue(runtime.app.messages.last?.contains("Espace actuel : Hélène MARTINEAU, vous.") == true)
        // The chooser owns the keys: a digit does not change the section.
        runtime.send(.key(.character("3")))
        XCTAssertEqual(runtime.app.section, .agenda)
        runtime.send(.key(.down))
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(spaces.opened.withLock { $0 }, ["lucas"])
        XCTAssertEqual(terminal.screen.lines[0], " mes │ Profil : Lucas MARTINEAU, enfant │ Synchro : à jour │ Coffre : ouvert")
        XCTAssertTrue(terminal.screen.lines[22].contains("Espace ouvert : Lucas MARTINEAU, enfant. Agenda, section 4 sur 8."),
                      terminal.screen.lines[22])
        XCTAssertEqual(runtime.app.activeSpace?.id, "lucas")
    }

    func testEscapeLeavesTheSpaceAsItWas() async {
        let spaces = FakeSpaces()
        let (runtime, _) = start(spaces)
        runtime.send(.key(.character("@")))
        await runtime.settle()
        runtime.send(.key(.down))
        runtime.send(.key(.escape))
        await runtime.settle()
        XCTAssertEqual(spaces.opened.withLock { $0 }, [])
        XCTAssertEqual(runtime.app.activeSpace?.id, "helene")
        XCTAssertEqual(runtime.app.messages.last, "Espace inchangé.")
    }

    func testAsAidantTheHeaderSaysForWhomAndOutOfScopeSectionsSayWhy() async {
        let spaces = FakeSpaces()
        let (runtime, terminal) = start(spaces, section: .caregivers)
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("▸ Hélène MARTINEAU, vous (actif)"), terminal.screen.text)
        runtime.send(.key(.down))
        runtime.send(.key(.down))
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(terminal.screen.lines[0], " mes │ Profil : aidant pour Paul DURAND │ Synchro : à jour │ Coffre : ouvert")
        runtime.send(.key(.character("3")))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Hors de votre délégation"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("La délégation de Paul DURAND ne couvre pas cette rubrique. Elle couvre :"))
        XCTAssertTrue(runtime.app.messages.last?.contains("Elle couvre : Documents, Agenda.") == true, runtime.app.messages.last ?? "")
        runtime.send(.key(.character("6")))
        XCTAssertTrue(terminal.screen.text.contains("Un aidant ne gère pas le partage"), terminal.screen.text)
        runtime.send(.key(.character("7")))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("Paul DURAND, vous êtes son aidant. Rubriques : Documents, Agenda"), terminal.screen.text)
    }

    func testAccueilSaysEachBlockCountFirstAndEnterOpensTheItem() async {
        var digest = HomeDigest(since: Date(timeIntervalSince1970: 1_700_000_000))
        digest.newDocuments = 2
        digest.documents = [HomeDigest.Item(kind: .document, id: "doc-1", title: "Compte rendu de biologie", detail: "Dr Garnier",
                                            date: Date(timeIntervalSince1970: 1_764_000_000))]
        digest.unreadMessages = 1
        digest.threads = [HomeDigest.Item(kind: .thread, id: "thread-1", title: "Vos résultats", detail: "Dr Lefèvre")]
        digest.pending = 1
        let spaces = FakeSpaces(digests: ["helene": digest])
        let (runtime, terminal) = start(spaces)
        await runtime.settle()
        XCTAssertEqual(terminal.screen.lines[2], "2 nouveaux documents depuis votre dernière visite.")
        XCTAssertTrue(terminal.screen.lines[3].hasPrefix("▸ Compte rendu de biologie, Dr Garnier, "), terminal.screen.lines[3])
        XCTAssertEqual(terminal.screen.lines[4], "1 message non lu.")
        XCTAssertTrue(terminal.screen.contains("Aucun rendez-vous à venir."))
        XCTAssertTrue(terminal.screen.contains("1 modification non envoyée. 0 conflit à régler."))
        runtime.send(.key(.down))
        XCTAssertTrue(runtime.app.messages.last?.hasPrefix("Vos résultats, Dr Lefèvre") == true, runtime.app.messages.last ?? "")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(runtime.app.section, .messages, "the line opens its item's section")
    }

    func testAccueilInScreenReaderModeReadsOneSentencePerBlock() async {
        var digest = HomeDigest()
        digest.newDocuments = 3
        let spaces = FakeSpaces(digests: ["helene": digest])
        var settings = AppSettings(language: .english)
        settings.screenReader = true
        let (runtime, terminal) = start(spaces, settings: settings)
        await runtime.settle()
        runtime.send(.key(.character("1")))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("3 unread documents."), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("0 unread messages."))
        XCTAssertTrue(terminal.screen.text.contains("No upcoming appointment."))
        XCTAssertTrue(runtime.app.messages.last?.contains("3 unread documents. 0 unread messages. No upcoming appointment.") == true,
                      runtime.app.messages.last ?? "")
    }

    func testSection7ListsTheAidantsAndRevokingAsksFirstWithNoFocused() async {
        let spaces = FakeSpaces()
        let (runtime, terminal) = start(spaces, section: .caregivers)
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Aidants de l’espace de Hélène MARTINEAU (r révoquer)"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("Julien Martineau, aidant : acceptée. Rubriques : Documents, Agenda"), terminal.screen.text)
        for _ in 0..<3 { runtime.send(.key(.down)) }
        XCTAssertTrue(terminal.screen.contains("▸ Julien Martineau"), terminal.screen.text)
        runtime.send(.key(.character("r")))
        XCTAssertTrue(terminal.screen.contains("[▸Non (n)]"), terminal.screen.text)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(spaces.revoked.withLock { $0 }, [], "Enter on a fresh question revokes nothing")
        XCTAssertEqual(runtime.app.messages.last, "Rien n’a changé.")
        runtime.send(.key(.character("r")))
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertEqual(spaces.revoked.withLock { $0 }, ["delegation-julien"])
        XCTAssertTrue(runtime.app.messages.contains("Délégation de Julien Martineau terminée."), "\(runtime.app.messages)")
    }

    func testSection7ReadsTheInvitationsAndAcceptsOne() async {
        let spaces = FakeSpaces()
        let (runtime, terminal) = start(spaces, section: .caregivers)
        await runtime.settle()
        runtime.send(.key(.character("i")))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("Espace de Paul DURAND, comme aidant : invitation en attente"), terminal.screen.text)
        XCTAssertEqual(runtime.app.messages.last, "1 invitation en attente.")
        for _ in 0..<4 { runtime.send(.key(.down)) }
        XCTAssertTrue(terminal.screen.contains("▸ Espace de Paul DURAND"), terminal.screen.text)
        runtime.send(.key(.character("a")))
        XCTAssertTrue(terminal.screen.text.contains("Accepter l’invitation de Paul DURAND ?"), terminal.screen.text)
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertEqual(spaces.answered.withLock { $0 }, ["inv-1:true"])
    }
}
