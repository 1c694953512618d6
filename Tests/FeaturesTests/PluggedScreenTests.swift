import Features
import L10n
import Synchronization
import TerminalUI
import XCTest

/// A stand-in for the vault, shared by the effects (they run off the UI thread).
private final class FakeInbox: Sendable {
    let subjects = Mutex(["Résultats", "Rendez-vous \u{1B}[2J", "Ordonnance"])
    func read() -> [String] { subjects.withLock { $0 } }
    func archive(_ subject: String) { subjects.withLock { $0.removeAll { $0 == subject } } }
}

/// A screen of a later section, written as `Docs/screens.md` says: it loads on appear through
/// an effect, draws what came back, edits through an effect, asks before a destructive edit
/// with a dialog (safe answer by default), and brings its own keys to the help and the key bar.
private struct InboxScreen: FeatureScreen {
    enum Event: Sendable {
        case loaded([String])
        case archived(String)
    }

    /// The tag of the "archive?" question.
    struct ArchiveQuestion: Sendable { var subject: String }

    let inbox: FakeInbox
    var subjects: [String] = []
    var list = ListState(count: 0)

    var keyMap: KeyMap { KeyMap(title: "Boîte de réception", bindings: [KeyBinding([.character("a")], "archiver")]) }
    var keyHints: [KeyHint] { [KeyHint(.enter, "lire"), KeyHint("a", "archiver")] }

    mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear, .changed:
            let inbox = inbox
            return Update(effects: [Effect { Event.loaded(inbox.read()) }], announcement: "Chargement…")
        case .event(Event.loaded(let loaded)):
            subjects = loaded
            list.setCount(subjects.count)
            return .say("\(subjects.count) messages.")
        case .event(Event.archived(let subject)):
            let inbox = inbox
            return Update(effects: [Effect { Event.loaded(inbox.read()) }], announcement: "« \(subject) » archivé.")
        case .event(let answer as Answer):
            guard let question = answer.tag as? ArchiveQuestion, case .accepted? = answer.value as? Dialog.Outcome else {
                return .say("Rien n’est archivé.")
            }
            let inbox = inbox
            return .run(Effect { inbox.archive(question.subject); return Event.archived(question.subject) })
        case .key(.character("a")):
            guard subjects.indices.contains(list.selected) else { return .handled }
            let subject = subjects[list.selected]
            return .open(Dialog.confirm(title: "Archiver", message: "Archiver « \(subject) » ?"), tag: ArchiveQuestion(subject: subject))
        case .key(let key):
            guard let motion = key.motion, motion == .up || motion == .down else { return .ignored }
            list.move(motion, visibleRows: 10)
            return .say(subjects[list.selected])
        case .event:
            return .ignored
        }
    }

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        Rendered(cursor: ListView.render(list, row: { subjects[$0] }, into: &buffer, area: area, context: context,
                                         focused: context.focused))
    }
}

@MainActor
final class PluggedScreenTests: XCTestCase {
    override func setUp() async throws { Localizer.shared.setLanguage(.french) }

    private func start() -> (Runtime<AppShell>, VirtualTerminal, FakeInbox) {
        let inbox = FakeInbox()
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(screens: [.messages: InboxScreen(inbox: inbox)]), backend: terminal)
        runtime.send(.resized(.minimum))
        return (runtime, terminal, inbox)
    }

    func testAScreenLoadsOnAppearThroughAnEffectAndDrawsTheResult() async {
        let (runtime, terminal, _) = start()
        runtime.send(.key(.character("5")))
        XCTAssertTrue(terminal.screen.lines[22].contains("Messagerie, section 5 sur 8. Chargement…"), terminal.screen.text)
        await runtime.settle()
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "1 Accueil 2 Docs 3 Profil 4 Agenda [5 Messages] 6 Partage 7 Aidants 8 Réglages",
            "▸ Résultats",
            "  Rendez-vous ^[[2J",
            "  Ordonnance",
            "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
            " 3 messages.",
            " Entrée lire  a archiver  1-8 sections  ! messages  q quitter  ? aide",
        ])
        runtime.send(.key(.character("j")))
        XCTAssertTrue(terminal.screen.contains("▸ Rendez-vous"))
        runtime.send(.key(.character("?")))
        XCTAssertTrue(terminal.screen.contains("archiver"), "the screen's keys are in the help")
    }

    func testADialogOwnsTheKeysAndItsAnswerComesBackToTheScreen() async {
        let (runtime, terminal, inbox) = start()
        runtime.send(.key(.character("5")))
        await runtime.settle()
        runtime.send(.key(.character("a")))
        XCTAssertTrue(terminal.screen.contains("[▸Non (n)]"), "the safe answer is focused: \(terminal.screen.text)")
        XCTAssertTrue(terminal.screen.lines[23].contains("o Oui"), terminal.screen.lines[23])
        // Keys the screen or the shell would take go nowhere while the dialog is open.
        for key: Key in [.character("j"), .character("3"), .character("a"), .character("?")] { runtime.send(.key(key)) }
        XCTAssertEqual(runtime.app.section, .messages)
        XCTAssertNil(runtime.app.overlay)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(inbox.read().count, 3, "Enter on a fresh question archives nothing")
        XCTAssertTrue(terminal.screen.lines[22].contains("Rien n’est archivé."))
        runtime.send(.key(.character("a")))
        runtime.send(.key(.character("o")))
        await runtime.settle()
        XCTAssertEqual(inbox.read(), ["Rendez-vous \u{1B}[2J", "Ordonnance"])
        XCTAssertFalse(terminal.screen.contains("Résultats"))
        XCTAssertTrue(runtime.app.messages.contains("« Résultats » archivé."))
    }

    func testTheCoreCanUpdateTheHeader() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(), backend: terminal)
        runtime.send(.resized(.minimum))
        var shell = runtime.app
        _ = shell.update(.event(.header(HeaderInfo(profileName: "Camille Martin", actingFor: "Louis Martin",
                                                    sync: .upToDate, lock: .unlocked))))
        let view = ScreenSnapshot(shell.view(size: .minimum, capabilities: terminal.capabilities))
        XCTAssertTrue(view.lines[0].hasPrefix(" Profil : Camille Martin (aidant pour"), "the name first: \(view.lines[0])")
        XCTAssertTrue(view.lines[0].hasSuffix("… │ Synchro : à jour │ Coffre : ouvert"), view.lines[0])
        let wide = ScreenSnapshot(shell.view(size: Size(width: 120, height: 30), capabilities: terminal.capabilities))
        XCTAssertTrue(wide.lines[0].hasPrefix(" mes │ Profil : Camille Martin (aidant pour Louis Martin) │ Synchro : à jour"))
    }
}
