import Crypto
@testable import Features
@testable import mes
import Foundation
import L10n
import Synchronization
import TerminalUI
import XCTest

/// The kiosk's welcome through the virtual terminal (80x25, as the Linux console): language
/// first, then identifier, password and one-time code, each refusal explained, simpler words on
/// F2, and a visitor who walks away mid-login leaves nothing typed for the next one.
@MainActor
final class KioskWelcomeTests: XCTestCase {
    private let clock = ManualClock()
    private let size = Size(width: 80, height: 25)

    /// What the fake server was sent, and how it answers.
    final class FakeServer: Sendable {
        let passwords = Mutex<[String]>([])
        let codes = Mutex<[String]>([])
        let codeAnswer = Mutex(KioskLogin.Outcome.accepted)

        var login: KioskLogin {
            KioskLogin(checkPassword: { identifier, password in
                let text = password.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                self.passwords.withLock { $0.append("\(identifier):\(text)") }
                return text == "demo-helene" ? .accepted : .refused("kiosk.error.wrong-password")
            }, checkCode: { code in
                self.codes.withLock { $0.append(code) }
                return self.codeAnswer.withLock { $0 }
            })
        }
    }

    private func start(_ server: FakeServer, languages: [Language] = [.french, .english], simple: Bool = false,
                       farewell: Bool = false) -> (Runtime<KioskWelcome>, VirtualTerminal) {
        Localizer.shared.setLanguage(.french)
        let terminal = VirtualTerminal(size: size)
        let welcome = KioskWelcome(languages: languages, simple: simple, farewell: farewell, idleDelay: .seconds(120), login: server.login,
                                   clock: clock.read)
        let runtime = Runtime(app: welcome, backend: terminal)
        runtime.send(.resized(size))
        return (runtime, terminal)
    }

    private func type(_ runtime: Runtime<KioskWelcome>, _ text: String) {
        for character in text { runtime.send(.key(.character(character))) }
    }

    func testLanguageThenLoginThenCodeOpensTheSession() async {
        let server = FakeServer()
        let (runtime, terminal) = start(server)
        XCTAssertTrue(terminal.screen.contains("Bienvenue"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("1  Français") && terminal.screen.contains("2  English"), terminal.screen.text)
        runtime.send(.key(.character("2")))
        XCTAssertEqual(runtime.app.language, .english)
        XCTAssertTrue(terminal.screen.contains("Identifier:"), terminal.screen.text)
        type(runtime, "helene.martineau")
        runtime.send(.key(.tab))
        type(runtime, "demo-helene")
        XCTAssertFalse(terminal.screen.contains("demo-helene"), "the password is masked")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(server.passwords.withLock { $0 }, ["helene.martineau:demo-helene"])
        XCTAssertTrue(terminal.screen.contains("Code received:"), terminal.screen.text)
        type(runtime, "123456")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertEqual(server.codes.withLock { $0 }, ["123456"])
        XCTAssertEqual(runtime.app.exitCode, 0, "the visitor's session opens")
    }

    func testRefusalsAreExplainedAndAWrongCodeCanBeTypedAgain() async {
        let server = FakeServer()
        let (runtime, terminal) = start(server)
        runtime.send(.key(.enter))
        type(runtime, "helene.martineau")
        runtime.send(.key(.enter))
        runtime.send(.key(.enter))
        XCTAssertTrue(terminal.screen.contains("Saisissez votre mot de passe"), terminal.screen.text)
        type(runtime, "wrong")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Identifiant ou mot de passe incorrect"), terminal.screen.text)
        type(runtime, "demo-helene")
        runtime.send(.key(.enter))
        await runtime.settle()
        server.codeAnswer.withLock { $0 = .refused("kiosk.error.wrong-code") }
        type(runtime, "000000")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Ce code n’est pas le bon"), terminal.screen.text)
        XCTAssertNil(runtime.app.exitCode)
        XCTAssertEqual(runtime.app.code.text, "", "the wrong code is emptied, to type again")
        server.codeAnswer.withLock { $0 = .restart("kiosk.error.expired-code") }
        type(runtime, "111111")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.contains("Le code a expiré"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("Identifiant :"), "back to the login")
    }

    func testSimpleWordsOnRequest() {
        let (runtime, terminal) = start(FakeServer())
        runtime.send(.key(.function(2)))
        XCTAssertTrue(terminal.screen.contains("Bonjour"), terminal.screen.text)
        runtime.send(.key(.enter))
        XCTAssertTrue(terminal.screen.contains("Écrivez votre identifiant. Puis votre mot de passe."), terminal.screen.text)
        runtime.send(.key(.function(2)))
        XCTAssertTrue(terminal.screen.contains("Connexion à Mon espace santé"), terminal.screen.text)
    }

    /// Control keys are keys (raw mode); a visitor who walks away mid-login leaves nothing typed.
    func testIdleMidLoginForgetsEverythingTyped() {
        let (runtime, terminal) = start(FakeServer(), farewell: true)
        XCTAssertTrue(terminal.screen.contains("Session terminée"), terminal.screen.text)
        runtime.send(.key(.enter))
        XCTAssertFalse(terminal.screen.contains("Session terminée"), "the farewell goes with the first key")
        type(runtime, "someone.else")
        runtime.send(.key(.control("c")))
        runtime.send(.key(.control("z")))
        XCTAssertNil(runtime.app.exitCode)
        clock.advance(by: .seconds(121))
        runtime.wakeUp(now: clock.now)
        XCTAssertEqual(runtime.app.step, .language)
        runtime.send(.key(.enter))
        XCTAssertFalse(terminal.screen.contains("someone.else"), terminal.screen.text)
        XCTAssertEqual(runtime.app.identifier.text, "")
    }

    func testScreenReaderPutsTheCursorInTheField() {
        Localizer.shared.setLanguage(.french)
        let terminal = VirtualTerminal(size: size)
        let runtime = Runtime(app: KioskWelcome(languages: [.french], simple: false, screenReader: true, idleDelay: .seconds(60),
                                                login: FakeServer().login, clock: clock.read), backend: terminal)
        runtime.send(.resized(size))
        XCTAssertEqual(runtime.app.step, .credentials, "one language: straight to the login")
        let cursor = runtime.app.view(size: size, capabilities: TerminalCapabilities(utf8: true, colors: false)).cursor
        XCTAssertNotNil(cursor)
        XCTAssertTrue(terminal.screen.lines[cursor!.y].hasPrefix("Identifiant"), terminal.screen.text)
    }
}

/// The kiosk's settings file, parsed.
final class KioskConfigParsingTests: XCTestCase {
    func testEverySetting() throws {
        let config = try KioskConfig.parse("""
            # a kiosk
            server = https://mes.example.fr   # the server
            printer = accueil-1
            idle-seconds = 90
            warning-seconds = 25
            languages = en, fr
            wording = simple
            """)
        XCTAssertEqual(config?.server.absoluteString, "https://mes.example.fr")
        XCTAssertEqual(config?.printer, "accueil-1")
        XCTAssertEqual(config?.idleDelay, .seconds(90))
        XCTAssertEqual(config?.warning, .seconds(25))
        XCTAssertEqual(config?.languages, [.english, .french])
        XCTAssertEqual(config?.simpleWording, true)
    }

    func testRefusals() {
        XCTAssertNil(try KioskConfig.parse("printer = a\n"), "no server")
        XCTAssertThrowsError(try KioskConfig.parse("server = ftp://x\n"))
        XCTAssertThrowsError(try KioskConfig.parse("server = https://x\nprinter = -oevil\n"), "an lp option is no printer name")
        XCTAssertThrowsError(try KioskConfig.parse("server = https://x\nwarning-seconds = 19\n"))
        XCTAssertThrowsError(try KioskConfig.parse("server = https://x\nlanguages = fr, de\n"))
        XCTAssertThrowsError(try KioskConfig.parse("server https://x\n")) { error in
            XCTAssertEqual((error as? KioskConfig.Invalid)?.line, 1)
        }
    }
}
