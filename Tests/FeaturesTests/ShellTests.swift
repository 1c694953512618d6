import Features
import L10n
import TerminalUI
import XCTest

/// The app shell, driven through the virtual terminal: no terminal needed.
@MainActor
final class ShellTests: XCTestCase {
    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
    }

    private func start(_ settings: AppSettings = AppSettings(), size: Size = .minimum, colors: Bool = true)
        -> (Runtime<AppShell>, VirtualTerminal) {
        let terminal = VirtualTerminal(size: size, capabilities: TerminalCapabilities(utf8: true, colors: colors))
        let runtime = Runtime(app: AppShell(settings: settings), backend: terminal)
        runtime.send(.resized(size))
        return (runtime, terminal)
    }

    private func press(_ runtime: Runtime<AppShell>, _ keys: Key...) {
        for key in keys { runtime.send(.key(key)) }
    }

    func testAt80x24TheSectionsAreATabBarAndTheContentHasTheWholeWidth() async {
        let (_, terminal) = start()
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "[1 Accueil] 2 Docs 3 Profil 4 Agenda 5 Messages 6 Partage 7 Aidants 8 Réglages",
            "Vous n’êtes pas connecté(e) : il n’y a pas encore de coffre sur cet ordinateur.",
            "",
            "1. Créez votre coffre chiffré : quittez et lancez « mes vault init » (ou",
            "   relancez « mes », qui vous guide).",
            "2. Connectez-vous : « mes login » (identifiant, mot de passe, puis le code à",
            "   usage unique reçu).",
            "3. Synchronisez : « mes sync ». L’Accueil montre alors les nouveautés de",
            "   votre espace.",
            "4. Pour essayer sans compte : « mes --demo ».",
            "", "", "", "", "", "", "", "", "", "", "",
            " Accueil, section 1 sur 8. Vous n’êtes pas connecté(e) : il n’y a pas encore d…",
            " 1-8 sections  ! messages  q quitter  ? aide",
        ])
        XCTAssertEqual(terminal.screen.style(at: Point(x: 1, y: 0)), Theme(.standard).style(.header))
        XCTAssertEqual(terminal.screen.style(at: Point(x: 1, y: 1)), Theme(.standard).style(.selection),
                       "the current tab is styled as well as bracketed")
    }

    func testFrom120ColumnsTheSectionsAreAListOnTheLeft() async {
        let (_, terminal) = start(size: Size(width: 120, height: 24))
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "                                │ Accueil",
            " ▸ 1 Accueil                    │ ─────────────────────────────────────────────────────────────────────────────────────",
            "   2 Documents                  │ Vous n’êtes pas connecté(e) : il n’y a pas encore de coffre sur cet ordinateur.",
            "   3 Profil médical             │",
            "   4 Agenda                     │ 1. Créez votre coffre chiffré : quittez et lancez « mes vault init » (ou relancez",
            "   5 Messagerie                 │    « mes », qui vous guide).",
            "   6 Partage et confidentialité │ 2. Connectez-vous : « mes login » (identifiant, mot de passe, puis le code à usage",
            "   7 Aidants et profils         │    unique reçu).",
            "   8 Réglages                   │ 3. Synchronisez : « mes sync ». L’Accueil montre alors les nouveautés de votre",
            "                                │    espace.",
            "                                │ 4. Pour essayer sans compte : « mes --demo ».",
            "                                │", "                                │",
            "                                │", "                                │", "                                │",
            "                                │", "                                │", "                                │",
            "                                │", "                                │",
            " Accueil, section 1 sur 8. Vous n’êtes pas connecté(e) : il n’y a pas encore de coffre sur cet ordinateur. Créez votre…",
            " 1-8 sections  ! messages  q quitter  ? aide",
        ])
    }

    func testDigitsJumpToSectionsAndArrowsMoveInTheNavigation() async {
        let (runtime, terminal) = start()
        press(runtime, .character("5"))
        XCTAssertEqual(runtime.app.section, .messages)
        XCTAssertTrue(terminal.screen.contains("La messagerie de santé"))
        press(runtime, .escape)
        XCTAssertEqual(runtime.app.focus, .navigation)
        press(runtime, .down, .character("j"))
        XCTAssertEqual(runtime.app.section, .caregivers)
        press(runtime, .character("k"), .up, .up)
        XCTAssertEqual(runtime.app.section, .agenda)
        XCTAssertTrue(terminal.screen.lines[1].contains("[4 Agenda]"), "the current section has brackets, not only a colour")
        press(runtime, .right, .left)
        XCTAssertEqual(runtime.app.section, .agenda, "the tab bar also goes left and right")
        XCTAssertEqual(terminal.screen.cursor, nil)
        press(runtime, .enter)
        XCTAssertEqual(runtime.app.focus, .content)
    }

    func testHelpIsBuiltFromTheScreensKeyMap() async {
        let (runtime, terminal) = start()
        press(runtime, .character("8"), .character("?"))
        let screen = terminal.screen
        XCTAssertTrue(screen.contains("Aide"))
        XCTAssertTrue(screen.contains("changer sa valeur"), "the Settings screen's own keys")
        XCTAssertTrue(screen.contains("aller à une section"), "the shell's keys")
        XCTAssertTrue(screen.contains("Ctrl-L"))
        press(runtime, .escape)
        XCTAssertNil(runtime.app.overlay)
        press(runtime, .function(1))
        XCTAssertNotNil(runtime.app.overlay)
    }

    func testQuitAsksFirst() async {
        let (runtime, terminal) = start()
        press(runtime, .character("q"))
        XCTAssertTrue(terminal.screen.contains("Quitter mes ?"))
        XCTAssertNil(runtime.app.exitCode)
        press(runtime, .escape)
        XCTAssertNil(runtime.app.exitCode)
        XCTAssertTrue(terminal.screen.contains("Vous restez dans mes."))
        press(runtime, .character("q"), .enter)
        XCTAssertEqual(runtime.app.exitCode, 0)
    }

    func testATerminalTooSmallSaysSoAndRecovers() async {
        let (runtime, terminal) = start(size: Size(width: 60, height: 20))
        XCTAssertTrue(terminal.screen.lines[0].hasPrefix("Terminal trop petit"))
        XCTAssertTrue(terminal.screen.text.contains("80x24"))
        XCTAssertTrue(terminal.screen.text.contains("60x20"))
        press(runtime, .character("3"))
        XCTAssertEqual(runtime.app.section, .home, "no navigation behind the message")
        runtime.send(terminal.resize(to: Size(width: 80, height: 24)))
        XCTAssertTrue(terminal.screen.contains("1 Accueil"))
        press(runtime, .character("q"), .character("o"))
        XCTAssertEqual(runtime.app.exitCode, 0)
    }

    func testLanguageSwitchesLiveFromSettings() async {
        let (runtime, terminal) = start()
        press(runtime, .character("8"), .right)
        XCTAssertEqual(runtime.app.settings.language, .english)
        XCTAssertEqual(Localizer.shared.language, .english)
        XCTAssertTrue(terminal.screen.contains("[8 Settings]"))
        XCTAssertTrue(terminal.screen.lines[0].contains("Profile: none"))
        XCTAssertTrue(terminal.screen.lines[22].contains("Language: English."))
        press(runtime, .left)
        XCTAssertTrue(terminal.screen.contains("[8 Réglages]"))
    }

    func testThemeSwitchesLiveAndMonochromeUsesNoColour() async {
        let (runtime, terminal) = start()
        XCTAssertTrue(terminal.screen.styles.contains { $0.hasColor })
        press(runtime, .character("8"), .down, .right, .right)
        XCTAssertEqual(runtime.app.settings.theme, .monochrome)
        XCTAssertFalse(terminal.screen.styles.contains { $0.hasColor })
        XCTAssertEqual(terminal.screen.style(at: Point(x: 1, y: 0)), Style(attributes: [.reverse, .bold]))
    }

    func testNoColorMeansNoColourWhateverTheTheme() async {
        let (runtime, terminal) = start(AppSettings(theme: .highContrast), colors: false)
        XCTAssertFalse(terminal.screen.styles.contains { $0.hasColor })
        press(runtime, .character("8"))
        XCTAssertTrue(terminal.screen.contains("Couleurs désactivées"))
    }

    func testScreenReaderModeIsLinearWithTheCursorOnTheFocus() async {
        let (runtime, terminal) = start(AppSettings(screenReader: true))
        let screen = terminal.screen
        XCTAssertFalse(screen.text.contains("│"), "no decorative frames")
        XCTAssertTrue(screen.lines[1].hasPrefix("Sections : 1 Accueil, 2 Documents"))
        press(runtime, .character("8"))
        let settings = terminal.screen
        let cursor = try? XCTUnwrap(settings.cursor)
        XCTAssertNotNil(cursor)
        XCTAssertTrue(settings.lines[cursor!.y].contains("Langue"), settings.text)
        XCTAssertEqual(settings.announcement, "Réglages, section 8 sur 8. Quatre réglages, appliqués tout de suite.")
        XCTAssertTrue(settings.lines[22].contains("Réglages, section 8 sur 8."))
        press(runtime, .down)
        XCTAssertTrue(terminal.screen.lines[terminal.screen.cursor!.y].contains("Contraste") ||
                      terminal.screen.lines[terminal.screen.cursor!.y].contains("Par défaut"))
    }

    func testScreenReaderModeCanBeTurnedOnInSettings() async {
        let (runtime, terminal) = start()
        XCTAssertNil(terminal.screen.cursor, "no cursor shown in the normal layout outside text fields")
        press(runtime, .character("8"), .down, .down, .character(" "))
        XCTAssertTrue(runtime.app.settings.screenReader)
        XCTAssertNotNil(terminal.screen.cursor)
        XCTAssertFalse(terminal.screen.text.contains("│"))
    }

    func testUntrustedProfileNamesAreSanitisedInTheHeader() async {
        let terminal = VirtualTerminal(size: Size(width: 120, height: 30))
        var shell = AppShell()
        shell.header = HeaderInfo(profileName: "Jean\u{200B}ne \u{1B}]0;x\u{07}", actingFor: "Lé\u{202E}a", sync: .upToDate, lock: .unlocked)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.render()
        let header = terminal.screen.lines[0]
        XCTAssertTrue(header.contains("Jean\\u200Bne ^[]0;x^G"), header)
        XCTAssertTrue(header.contains("(aidant pour Léa)"), header)
        XCTAssertTrue(header.contains("Synchro : à jour"))
        XCTAssertTrue(header.contains("Coffre : ouvert"))
    }

    func testEverySectionHasATitleAndAPurposeInBothLanguages() async {
        for language in Language.allCases {
            Localizer.shared.setLanguage(language)
            for section in AppSection.allCases {
                XCTAssertFalse(section.title.hasPrefix("section."), "\(language) \(section)")
                XCTAssertGreaterThan(section.purpose.count, 20)
            }
        }
    }
}
