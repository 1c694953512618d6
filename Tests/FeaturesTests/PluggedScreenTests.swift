import Features
import L10n
import TerminalUI
import XCTest

/// A screen from a later issue, as it will plug in: it loads what it shows when it appears (an
/// effect off the UI), receives the result, draws it, and brings its own keys to the help.
private struct InboxScreen: FeatureScreen {
    struct Loaded: Sendable { var subjects: [String] }
    var subjects: [String] = []
    var list = ListState(count: 0)

    var keyMap: KeyMap { KeyMap(title: "Boîte de réception", bindings: [KeyBinding([.character("r")], "répondre")]) }

    mutating func appear(settings: AppSettings) -> ScreenUpdate {
        ScreenUpdate(effects: [Effect { Loaded(subjects: ["Résultats", "Rendez-vous \u{1B}[2J", "Ordonnance"]) }],
                     announcement: "Chargement…")
    }

    mutating func receive(_ event: any Sendable, settings: AppSettings) -> ScreenUpdate {
        guard let loaded = event as? Loaded else { return .ignored }
        subjects = loaded.subjects
        list.setCount(subjects.count)
        return ScreenUpdate(announcement: "\(subjects.count) messages.")
    }

    mutating func handle(_ key: Key, settings: AppSettings) -> ScreenUpdate {
        guard let motion = key.motion, motion == .up || motion == .down else { return .ignored }
        list.move(motion, visibleRows: 10)
        return ScreenUpdate(announcement: subjects[list.selected])
    }

    func render(into buffer: inout CellBuffer, area: Rect, context: ScreenContext) -> Point? {
        ListView.render(list, row: { subjects[$0] }, into: &buffer, area: area, context: context.view, focused: context.focused)
    }
}

@MainActor
final class PluggedScreenTests: XCTestCase {
    override func setUp() async throws { Localizer.shared.setLanguage(.french) }

    func testAScreenLoadsOnAppearThroughAnEffectAndDrawsTheResult() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(screens: [.messages: InboxScreen()]), backend: terminal)
        runtime.send(.resized(.minimum))
        runtime.send(.key(.character("5")))
        XCTAssertTrue(terminal.screen.lines[23].contains("Messagerie, section 5 sur 8. Chargement…"))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("▸ Résultats"))
        XCTAssertTrue(terminal.screen.contains("Rendez-vous ^[[2J"), "text from outside is sanitised")
        XCTAssertTrue(terminal.screen.lines[23].contains("3 messages."))
        runtime.send(.key(.character("j")))
        XCTAssertTrue(terminal.screen.contains("▸ Rendez-vous"))
        runtime.send(.key(.character("?")))
        XCTAssertTrue(terminal.screen.contains("répondre"), "the screen's keys are in the help")
    }

    func testTheCoreCanUpdateTheHeader() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: AppShell(), backend: terminal)
        runtime.send(.resized(.minimum))
        var shell = runtime.app
        _ = shell.update(.event(.header(HeaderInfo(profileName: "Camille Martin", actingFor: "Louis Martin",
                                                    sync: .syncing, lock: .unlocked))))
        let view = ScreenSnapshot(shell.view(size: .minimum, capabilities: terminal.capabilities))
        XCTAssertTrue(view.lines[0].hasPrefix(" Profil : Camille Martin (aidant pour"), "the name first: \(view.lines[0])")
        XCTAssertTrue(view.lines[0].hasSuffix("… │ Synchro : en cours │ Coffre : ouvert"), view.lines[0])
        let wide = ScreenSnapshot(shell.view(size: Size(width: 120, height: 30), capabilities: terminal.capabilities))
        XCTAssertTrue(wide.lines[0].hasPrefix(" mes │ Profil : Camille Martin (aidant pour Louis Martin) │ Synchro : en cours"))
    }
}
