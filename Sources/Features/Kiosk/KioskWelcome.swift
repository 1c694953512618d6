import Crypto
import L10n
import TerminalUI

/// What the kiosk's welcome needs from the core: check the identifier and password (the server
/// then sends a one-time code), check the code and open the visitor's session (an ephemeral
/// vault, the first sync). Closures, so the screen never holds a network client or a vault.
public struct KioskLogin: Sendable {
    /// How a step of the login went.
    public enum Outcome: Sendable, Equatable {
        case accepted
        /// Refused or failed: why, as a kiosk text key (`kiosk.error.wrong-code`, shown in its
        /// simpler wording when chosen), with a `{reason}` detail for the texts that take one.
        case refused(String, detail: String = "")
        /// The login must start again (the code expired, too many tries): why, as for `refused`.
        case restart(String, detail: String = "")
    }

    /// Identifier and password; `.accepted` when the server sent a one-time code.
    public var checkPassword: @Sendable (_ identifier: String, _ password: SecureBytes) async -> Outcome
    /// The one-time code; `.accepted` when the session is open and its first sync done.
    /// `progress` receives sentences to show while the sync runs.
    public var checkCode: @Sendable (_ code: String) async -> Outcome

    public init(checkPassword: @escaping @Sendable (String, SecureBytes) async -> Outcome,
                checkCode: @escaping @Sendable (String) async -> Outcome) {
        self.checkPassword = checkPassword
        self.checkCode = checkCode
    }
}

/// The kiosk's welcome, for each visitor: the language first (large, plain words), then the
/// login — identifier, password, then the one-time code the visitor receives — with each
/// refusal explained. F2 switches to simpler wording (in the spirit of FALC) on every step.
/// Nobody touching it for the idle delay brings it back to the start, fields emptied.
public struct KioskWelcome: Application {
    public enum Event: Sendable {
        case password(KioskLogin.Outcome)
        case code(KioskLogin.Outcome)
        /// The first sync's progress: records received so far (0: it starts).
        case progress(Int)
    }

    public enum Step: Hashable, Sendable {
        case language
        case credentials
        case code
        /// Waiting for the server (the password or the code being checked, the first sync).
        case waiting
    }

    public private(set) var step = Step.language
    public private(set) var languages: [Language]
    public private(set) var languageChoice = 0
    /// Simpler wording (FALC spirit) on the welcome, login and end screens.
    public private(set) var simple: Bool
    public private(set) var screenReader: Bool
    /// Which field has the focus on the credentials step: 0 identifier, 1 password.
    public private(set) var field = 0
    public private(set) var identifier = TextField(maximumLength: 200)
    public private(set) var password = SecretField()
    public private(set) var code = TextField(maximumLength: 12)
    /// What went wrong last, or what is happening, said under the fields and on the status line.
    public private(set) var notice: String?
    /// The password was accepted: the code is asked (and checked while waiting).
    public private(set) var codeStage = false
    /// Said once, on the first screen, after a visitor's session ended.
    public private(set) var farewell: Bool
    public private(set) var exitCode: Int32?
    private var lastActivity: ContinuousClock.Instant
    private let idleDelay: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let login: KioskLogin

    public init(languages: [Language], simple: Bool, screenReader: Bool = false, farewell: Bool = false, idleDelay: Duration,
                login: KioskLogin, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.languages = languages.isEmpty ? [.french] : languages
        self.simple = simple
        self.screenReader = screenReader
        self.farewell = farewell
        self.idleDelay = idleDelay
        self.login = login
        self.clock = clock
        lastActivity = clock()
        Localizer.shared.setLanguage(self.languages[0])
        if self.languages.count == 1 { step = .credentials }
    }

    /// The language the visitor chose (the app then runs in it).
    public var language: Language { languages[languageChoice] }

    /// The kiosk's text: the simpler wording when chosen and written, else the usual one.
    func words(_ key: String, _ arguments: [String: String] = [:]) -> String {
        if simple, let simpler = Self.simpler[key] { return tr(simpler, arguments) }
        return tr(key, arguments)
    }

    /// The texts that have a simpler wording, and its key.
    static let simpler: [String: String] = [
        "kiosk.end.title": "kiosk.simple.end.title",
        "kiosk.end.body": "kiosk.simple.end.body",
        "kiosk.welcome.title": "kiosk.simple.welcome.title",
        "kiosk.welcome.body": "kiosk.simple.welcome.body",
        "kiosk.login.title": "kiosk.simple.login.title",
        "kiosk.login.body": "kiosk.simple.login.body",
        "kiosk.login.identifier-missing": "kiosk.simple.login.identifier-missing",
        "kiosk.login.password-missing": "kiosk.simple.login.password-missing",
        "kiosk.login.checking": "kiosk.simple.login.checking",
        "kiosk.code.title": "kiosk.simple.code.title",
        "kiosk.code.body": "kiosk.simple.code.body",
        "kiosk.code.missing": "kiosk.simple.code.missing",
        "kiosk.code.checking": "kiosk.simple.code.checking",
        "kiosk.code.sent": "kiosk.simple.code.sent",
        "kiosk.on": "kiosk.simple.on",
        "kiosk.off": "kiosk.simple.off",
        "kiosk.simple.on": "kiosk.simple.simple.on",
        "kiosk.simple.off": "kiosk.simple.simple.off",
        "kiosk.error.wrong-password": "kiosk.simple.error.wrong-password",
        "kiosk.error.wrong-code": "kiosk.simple.error.wrong-code",
        "kiosk.error.expired-code": "kiosk.simple.error.expired-code",
        "kiosk.error.locked-out": "kiosk.simple.error.locked-out",
        "kiosk.error.offline": "kiosk.simple.error.offline",
        "kiosk.sync.starting": "kiosk.simple.sync.starting",
    ]

    // MARK: Update

    public mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .resized:
            return []
        case .event(let event):
            return handle(event)
        case .key(let key):
            lastActivity = clock()
            farewell = false
            return handle(key)
        }
    }

    public var wakeUpTime: ContinuousClock.Instant? {
        step == .language || step == .waiting ? nil : lastActivity + idleDelay
    }

    /// Nobody finished logging in: back to the start, everything typed forgotten.
    public mutating func wakeUp(now: ContinuousClock.Instant) -> [Effect<Event>] {
        guard let due = wakeUpTime, now >= due else { return [] }
        restart(notice: nil)
        return []
    }

    private mutating func restart(notice: String?) {
        identifier = TextField(maximumLength: 200)
        password.clear()
        code = TextField(maximumLength: 12)
        codeStage = false
        field = 0
        self.notice = notice
        step = languages.count > 1 ? .language : .credentials
    }

    private mutating func handle(_ key: Key) -> [Effect<Event>] {
        guard step != .waiting else { return [] }
        if key == Self.simpleKey {
            simple.toggle()
            notice = words(simple ? "kiosk.simple.on" : "kiosk.simple.off")
            return []
        }
        switch step {
        case .language: chooseLanguage(key)
        case .credentials: return typeCredentials(key)
        case .code: return typeCode(key)
        case .waiting: break
        }
        return []
    }

    private mutating func chooseLanguage(_ key: Key) {
        if let digit = key.digit, (1...languages.count).contains(digit) {
            languageChoice = digit - 1
        } else {
            switch key.motion {
            case .up, .left: languageChoice = max(0, languageChoice - 1); Localizer.shared.setLanguage(language); return
            case .down, .right: languageChoice = min(languages.count - 1, languageChoice + 1); Localizer.shared.setLanguage(language); return
            default: guard key == .enter else { return }
            }
        }
        Localizer.shared.setLanguage(language)
        notice = nil
        step = .credentials
    }

    private mutating func typeCredentials(_ key: Key) -> [Effect<Event>] {
        switch key {
        case .escape where languages.count > 1:
            restart(notice: nil)
            return []
        case .tab, .backTab, .down, .up:
            field = 1 - field
            return []
        case .enter:
            break
        default:
            if field == 0 { _ = identifier.handle(key) } else { _ = password.handle(key) }
            return []
        }
        let name = identifier.text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            field = 0
            notice = words("kiosk.login.identifier-missing")
            return []
        }
        guard field == 1 else {
            field = 1
            return []
        }
        guard let secret = password.take() else {
            notice = words("kiosk.login.password-missing")
            return []
        }
        step = .waiting
        notice = words("kiosk.login.checking")
        let check = login.checkPassword
        return [Effect {
            defer { secret.wipe() }
            return .password(await check(name, secret))
        }]
    }

    private mutating func typeCode(_ key: Key) -> [Effect<Event>] {
        switch CodeEntry.handle(key, &code) {
        case .typed: return []
        case .back: restart(notice: nil)
        case .missing: notice = words("kiosk.code.missing")
        case .submit(let typed):
            step = .waiting
            notice = words("kiosk.code.checking")
            let check = login.checkCode
            return [Effect { .code(await check(typed)) }]
        }
        return []
    }

    private mutating func handle(_ event: Event) -> [Effect<Event>] {
        lastActivity = clock()
        switch event {
        case .password(.accepted):
            step = .code
            codeStage = true
            notice = words("kiosk.code.sent")
        case .password(.refused(let why, let detail)):
            step = .credentials
            field = 1
            notice = words(why, ["reason": detail])
        case .code(.accepted):
            notice = nil
            exitCode = 0
        case .code(.refused(let why, let detail)):
            step = .code
            code = TextField(maximumLength: 12)
            notice = words(why, ["reason": detail])
        case .password(.restart(let why, let detail)), .code(.restart(let why, let detail)):
            restart(notice: words(why, ["reason": detail]))
            step = .credentials
        case .progress(let count):
            guard step == .waiting else { break }
            notice = count == 0 ? words("kiosk.sync.starting") : words("kiosk.sync.progress", ["count": String(count)])
        }
        return []
    }

    static let simpleKey = Key.function(2)

    // MARK: View

    public func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        var page = WelcomePage(size: size, capabilities: capabilities, screenReader: screenReader, header: words("kiosk.header"))
        var cursor: Point?
        if farewell {
            page.line(words("kiosk.end.title"), .title)
            page.line(words("kiosk.end.body"))
            page.y += 1
        }
        switch step {
        case .language:
            page.heading(words("kiosk.welcome.title"), words("kiosk.welcome.body"))
            for (index, language) in languages.enumerated() {
                let chosen = index == languageChoice
                let marker = chosen ? page.context.symbols.pointer : " "
                let start = page.put("\(marker) \(index + 1)  \(Self.languageName(language))", chosen ? .selection : .normal)
                if chosen { cursor = Point(x: start.x + 2, y: start.y) }
            }
        case .credentials, .code, .waiting:
            let typing = step != .waiting
            let context = page.context
            if codeStage {
                page.heading(words("kiosk.code.title"), words("kiosk.code.body"))
                cursor = page.field(words("kiosk.code.field")) { code.render(into: &$0, area: $1, context: context, focused: typing) }
            } else {
                page.heading(words("kiosk.login.title"), words("kiosk.login.body"))
                let identifierCursor = page.field(words("kiosk.login.identifier")) {
                    identifier.render(into: &$0, area: $1, context: context, focused: typing && field == 0)
                }
                let passwordCursor = page.field(words("kiosk.login.password")) {
                    password.render(into: &$0, area: $1, context: context, focused: typing && field == 1)
                }
                cursor = field == 1 ? passwordCursor : identifierCursor
            }
        }
        return page.frame(notice: notice, waiting: step == .waiting, status: words(statusKey), hints: keyHints, cursor: cursor)
    }

    private var keyHints: [KeyHint] {
        var hints: [KeyHint] = []
        switch step {
        case .language: hints = [KeyHint("1-\(languages.count)", words("kiosk.keys.language")), KeyHint(.enter, words("kiosk.keys.continue"))]
        case .credentials: hints = [KeyHint(.tab, words("kiosk.keys.next-field")), KeyHint(.enter, words("kiosk.keys.continue"))]
        case .code: hints = [KeyHint(.enter, words("kiosk.keys.continue"))]
        case .waiting: break
        }
        if step == .credentials && languages.count > 1 || step == .code { hints.append(KeyHint(.escape, words("kiosk.keys.start-over"))) }
        hints.append(KeyHint(Self.simpleKey, words(simple ? "kiosk.keys.usual-words" : "kiosk.keys.simple-words")))
        return hints
    }

    private var statusKey: String {
        switch step {
        case .language: "kiosk.status.language"
        case .credentials: "kiosk.status.credentials"
        case .code: "kiosk.status.code"
        case .waiting: "kiosk.status.waiting"
        }
    }

    /// A language's name in itself, as a visitor looks for it.
    static func languageName(_ language: Language) -> String {
        switch language {
        case .french: "Français"
        case .english: "English"
        }
    }
}
