import Crypto
@testable import Features
@testable import mes
import Foundation
import HealthRecord
import L10n
import Synchronization
import TerminalUI
import TestSupport
import Vault
import XCTest

/// A clock the test moves by hand, so minutes of idleness pass in an instant.
final class ManualClock: Sendable {
    private let current = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { current.withLock { $0 } }

    func advance(by duration: Duration) {
        current.withLock { $0 += duration }
    }

    var read: @Sendable () -> ContinuousClock.Instant { { self.now } }
}

/// Locking after the idle delay, the lock screen, the quit question and the kiosk's idle end,
/// through the virtual terminal, with a real vault.
@MainActor
final class LockTests: XCTestCase {
    private let passphrase = "cheval correct agrafe"
    private var directory: TemporaryDirectory!
    private var vault: Vault!
    private let clock = ManualClock()

    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
        directory = try TemporaryDirectory(prefix: "mes-lock")
        vault = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                 passphrase: SecureBytes(copying: Array(passphrase.utf8)),
                                 keyDerivation: .fixed(.minimumForTests)).vault
    }

    override func tearDown() async throws {
        vault.close()
        directory.remove()
    }

    private func start(_ settings: AppSettings = AppSettings(lockAfter: .seconds(60)), vault: Vault? = nil,
                       sync: SyncService? = nil) -> (Runtime<AppShell>, VirtualTerminal) {
        let session = SessionControl.forVault(vault ?? self.vault, clock: clock.read)
        let header = HeaderInfo(profileName: "Hélène Martineau", sync: .upToDate, lock: .unlocked)
        let terminal = VirtualTerminal(size: .minimum, capabilities: TerminalCapabilities(utf8: true, colors: true))
        let runtime = Runtime(app: AppShell(settings: settings, header: header, session: session, sync: sync), backend: terminal)
        runtime.send(.resized(.minimum))
        return (runtime, terminal)
    }

    private func type(_ runtime: Runtime<AppShell>, _ text: String) {
        for character in text { runtime.send(.key(.character(character))) }
    }

    /// Moves the clock and lets the runtime wake the app, as its timer would.
    private func wait(_ runtime: Runtime<AppShell>, _ duration: Duration) {
        clock.advance(by: duration)
        runtime.wakeUp(now: clock.now)
    }

    func testTheVaultLocksAfterTheIdleDelayAndNothingOfTheScreenStays() async throws {
        let (runtime, terminal) = start()
        runtime.send(.key(.character("8")))
        XCTAssertTrue(terminal.screen.contains("Hélène Martineau"))
        wait(runtime, .seconds(40))
        runtime.send(.key(.down))
        wait(runtime, .seconds(40))
        XCTAssertNil(runtime.app.lockScreen, "a key restarted the delay")
        XCTAssertFalse(vault.isLocked)
        wait(runtime, .seconds(20))

        XCTAssertTrue(vault.isLocked, "the key left memory")
        let screen = terminal.screen
        XCTAssertTrue(screen.contains("Coffre verrouillé"), screen.text)
        XCTAssertTrue(screen.lines[0].contains("Coffre : verrouillé"), screen.lines[0])
        for shown in ["Hélène", "Martineau", "Réglages", "Accueil", "Thème", "Synchro"] {
            XCTAssertFalse(screen.contains(shown), "\(shown) still on the lock screen:\n\(screen.text)")
        }
        XCTAssertTrue(screen.lines[23].contains("Saisissez votre phrase de passe"), screen.lines[23])
        XCTAssertNil(runtime.app.wakeUpTime, "no timer while locked")
    }

    func testWrongThenRightPassphraseUnlocksWhereTheUserWas() async throws {
        let (runtime, terminal) = start()
        runtime.send(.key(.character("8")))
        runtime.send(.key(.down))
        runtime.send(.key(.control("x")))
        XCTAssertTrue(vault.isLocked, "Ctrl-X locks at once")

        type(runtime, "mauvaise")
        XCTAssertFalse(terminal.screen.contains("mauvaise"), "never echoed")
        XCTAssertTrue(terminal.screen.contains("Phrase de passe : ••••••••"), terminal.screen.text)
        runtime.send(.key(.enter))
        XCTAssertTrue(terminal.screen.contains("Vérification"))
        await runtime.settle()
        XCTAssertTrue(vault.isLocked)
        XCTAssertTrue(terminal.screen.contains("Phrase de passe incorrecte"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.lines[23].contains("Phrase de passe incorrecte"))
        XCTAssertFalse(terminal.screen.contains("•"), "the field is emptied for the next try")

        type(runtime, passphrase)
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertFalse(vault.isLocked)
        XCTAssertNil(runtime.app.lockScreen)
        XCTAssertEqual(runtime.app.section, .settings)
        XCTAssertTrue(terminal.screen.contains("▸Thème"), "the focus is where it was:\n\(terminal.screen.text)")
        XCTAssertTrue(terminal.screen.contains("Hélène Martineau"))
        XCTAssertTrue(terminal.screen.lines[0].contains("Coffre : ouvert"), terminal.screen.lines[0])
        XCTAssertTrue(terminal.screen.lines[22].contains("Coffre déverrouillé."), terminal.screen.lines[22])
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0, "the vault reads again")
    }

    func testCtrlXIsInTheHelpAndF10QuitsFromTheLockScreen() async {
        let (runtime, terminal) = start()
        runtime.send(.key(.character("?")))
        XCTAssertTrue(terminal.screen.contains("Ctrl-X"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("verrouiller maintenant"))
        runtime.send(.key(.escape))
        runtime.send(.key(.control("x")))
        type(runtime, "q")
        XCTAssertNil(runtime.app.exitCode, "q is a letter of the passphrase here")
        XCTAssertTrue(terminal.screen.contains("F10 : quitter mes."), terminal.screen.text)
        runtime.send(.key(.function(10)))
        XCTAssertEqual(runtime.app.exitCode, 0)
    }

    func testTheSecretFieldKeepsTheUTF8OfWhatWasTypedAndErasesWholeCharacters() async throws {
        var field = SecretField()
        for character in "çà🇫🇷x" { XCTAssertTrue(field.handle(.character(character))) }
        XCTAssertTrue(field.handle(.backspace))
        XCTAssertEqual(field.characterCount, 3)
        let secret = try XCTUnwrap(field.take())
        XCTAssertEqual(secret.withUnsafeBytes { Array($0) }, Array("çà🇫🇷".utf8))
        XCTAssertTrue(field.isEmpty, "taking the secret empties the field")
        XCTAssertNil(field.take())
        XCTAssertFalse(field.handle(.enter))
    }

    func testTheLockScreenSaysWhenNothingWasTypedAndEscapeClears() async {
        let (runtime, terminal) = start()
        runtime.send(.key(.control("x")))
        runtime.send(.key(.enter))
        XCTAssertTrue(terminal.screen.contains("Saisissez d’abord votre phrase de passe."))
        type(runtime, "abc")
        runtime.send(.key(.backspace))
        XCTAssertTrue(terminal.screen.contains("Phrase de passe : ••"))
        runtime.send(.key(.escape))
        XCTAssertFalse(terminal.screen.contains("•"))
        XCTAssertTrue(vault.isLocked)
    }

    func testInScreenReaderModeTheCursorSitsInTheFieldAndTheLockIsAnnounced() async {
        let (runtime, terminal) = start(AppSettings(screenReader: true, lockAfter: .seconds(60)))
        wait(runtime, .seconds(60))
        type(runtime, "abc")
        let screen = terminal.screen
        let field = try? XCTUnwrap(screen.find("Phrase de passe : "))
        XCTAssertEqual(screen.cursor, field.map { Point(x: $0.x + "Phrase de passe : ".count + 3, y: $0.y) })
        XCTAssertEqual(screen.announcement, "Coffre verrouillé. Saisissez votre phrase de passe, puis Entrée.")
        XCTAssertFalse(screen.contains("│"), "no frames in screen-reader mode")
    }

    func testQuitSaysHowManyChangesAreNotSentYet() async throws {
        let (runtime, terminal) = start()
        runtime.send(.key(.character("q")))
        XCTAssertTrue(terminal.screen.contains("Quitter mes ?"))
        XCTAssertFalse(terminal.screen.contains("envoyée"))
        runtime.send(.key(.character("n")))

        // The program tells the shell of each change of the outbox (the vault's change notifications).
        try vault.write { try $0.profiles.save(Profile(id: "p1", relation: .own, givenName: "Hélène", familyName: "Martineau")) }
        runtime.deliver(.dataChanged(kinds: ["profile"], pending: try vault.read { try $0.outbox.count() }))
        XCTAssertTrue(terminal.screen.lines[0].contains("Synchro : 1 en attente"), terminal.screen.lines[0])
        runtime.send(.key(.character("q")))
        XCTAssertTrue(terminal.screen.contains("1 modification n’est pas encore envoyée."), terminal.screen.text)
        runtime.send(.key(.character("n")))

        try vault.write { try $0.profiles.save(Profile(id: "p2", relation: .child, givenName: "Léo", familyName: "Martineau")) }
        runtime.deliver(.dataChanged(kinds: ["profile"], pending: try vault.read { try $0.outbox.count() }))
        runtime.send(.key(.character("q")))
        XCTAssertTrue(terminal.screen.contains("2 modifications ne sont pas encore"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.lines[22].contains("2 modifications ne sont pas encore envoyées."))
        runtime.send(.key(.character("o")))
        XCTAssertEqual(runtime.app.exitCode, 0)
    }

    func testAnIdleEphemeralSessionWarnsThenEndsAndAnyKeyExtendsIt() async throws {
        let kioskVault = try Vault.ephemeral()
        defer { kioskVault.close() }
        let (runtime, terminal) = start(AppSettings(lockAfter: .seconds(60)), vault: kioskVault)
        runtime.send(.key(.control("x")))
        XCTAssertFalse(kioskVault.isLocked, "no passphrase lock for an ephemeral vault")
        XCTAssertNil(runtime.app.lockScreen)

        wait(runtime, .seconds(60))
        XCTAssertTrue(terminal.screen.contains("Session inactive"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.text.contains("dans 30"), terminal.screen.text)
        XCTAssertNil(runtime.app.exitCode)
        wait(runtime, .seconds(29))
        XCTAssertNil(runtime.app.exitCode, "the warning lasts at least 20 seconds")
        runtime.send(.key(.character("x")))
        XCTAssertFalse(terminal.screen.contains("Session inactive"))
        XCTAssertTrue(terminal.screen.lines[22].contains("La session continue."))
        XCTAssertEqual(runtime.app.section, .home, "the key only extended the session")

        wait(runtime, .seconds(60))
        XCTAssertTrue(runtime.app.isWarningOfIdleEnd)
        wait(runtime, .seconds(30))
        XCTAssertEqual(runtime.app.exitCode, 0)
        XCTAssertTrue(runtime.app.endedWhenIdle)
    }

    func testTheFirstSyncShowsInTheHeader() async {
        let (runtime, terminal) = start(sync: SyncService { SyncResult(state: .failed, pending: 0) })
        runtime.start()
        runtime.render()
        XCTAssertTrue(terminal.screen.lines[0].contains("Synchro : en cours"), terminal.screen.lines[0])
        await runtime.settle()
        XCTAssertEqual(runtime.app.header.sync, .failed)
        XCTAssertTrue(terminal.screen.lines[0].contains("Synchro : \(SyncState.failed.word)"), terminal.screen.lines[0])
    }

    func testTheIdleDelayIsASetting() async throws {
        let (runtime, terminal) = start(AppSettings())
        XCTAssertEqual(runtime.app.wakeUpTime, clock.now + .seconds(300), "five minutes by default")
        runtime.send(.key(.character("8")))
        for _ in 0..<3 { runtime.send(.key(.down)) }
        XCTAssertTrue(terminal.screen.contains("Verrouillage auto"))
        XCTAssertTrue(terminal.screen.contains("après 5 minutes"), terminal.screen.text)
        runtime.send(.key(.right))
        XCTAssertEqual(runtime.app.settings.lockAfter, .seconds(900))
        XCTAssertTrue(terminal.screen.lines[22].contains("après 15 minutes"))
        runtime.send(.key(.right))
        XCTAssertNil(runtime.app.settings.lockAfter)
        XCTAssertNil(runtime.app.wakeUpTime, "never locks")

        let saved = try JSONEncoder().encode(AppSettings(lockAfter: .seconds(1)))
        XCTAssertEqual(try JSONDecoder().decode(AppSettings.self, from: saved).lockAfter, .seconds(1))
        XCTAssertEqual(try JSONDecoder().decode(AppSettings.self, from: Data("{}".utf8)).lockAfter, .seconds(300))
    }
}
