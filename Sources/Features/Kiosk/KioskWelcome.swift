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
        /// A sentence about the first sync's progress.
        case progress(String)
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
        switch key {
        case .escape:
            restart(notice: nil)
            return []
        case .enter:
            let typed = code.text.trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else {
                notice = words("kiosk.code.missing")
                return []
            }
            step = .waiting
            notice = words("kiosk.code.checking")
            let check = login.checkCode
            return [Effect { .code(await check(typed)) }]
        default:
            _ = code.handle(key)
            return []
        }
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
        case .progress(let sentence):
            if step == .waiting { notice = sentence }
        }
        return []
    }

    static let simpleKey = Key.function(2)

    // MARK: View

    public func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        let context = ViewContext(size: size, theme: Theme(.standard, usesColor: capabilities.colors), symbols: capabilities.symbols,
                                  screenReader: screenReader)
        var buffer = CellBuffer(size: size, style: context.style(.normal), asciiOnly: !capabilities.utf8)
        let rows = buffer.bounds.splitRows([.fixed(1), .fill(1), .fixed(1), .fixed(1)])
        buffer.fill(rows[0], style: context.style(.header))
        buffer.put(" " + words("kiosk.header"), at: rows[0].origin, style: context.style(.header), maxWidth: rows[0].width)
        let body = screenReader ? rows[1] : rows[1].inset(left: 2, right: 2)
        var y = body.y + (screenReader ? 0 : 1)
        func line(_ text: String, _ role: Role = .normal) {
            for piece in TextLayout.wrap(text, width: body.width) where y < body.maxY {
                buffer.put(piece, at: Point(x: body.x, y: y), style: context.style(role), maxWidth: body.width)
                y += 1
            }
        }
        var cursor: Point?
        if farewell {
            line(words("kiosk.end.title"), .title)
            line(words("kiosk.end.body"))
            y += 1
        }
        switch step {
        case .language:
            line(words("kiosk.welcome.title"), .title)
            y += 1
            line(words("kiosk.welcome.body"))
            y += 1
            for (index, language) in languages.enumerated() where y < body.maxY {
                let chosen = index == languageChoice
                let marker = chosen ? context.symbols.pointer : " "
                let text = "\(marker) \(index + 1)  \(Self.languageName(language))"
                buffer.put(text, at: Point(x: body.x, y: y), style: context.style(chosen ? .selection : .normal), maxWidth: body.width)
                if chosen { cursor = Point(x: body.x + 2, y: y) }
                y += 1
            }
            y += 1
        case .credentials, .code, .waiting:
            let asksCode = codeStage
            line(words(asksCode ? "kiosk.code.title" : "kiosk.login.title"), .title)
            y += 1
            line(words(asksCode ? "kiosk.code.body" : "kiosk.login.body"))
            y += 1
            if asksCode {
                cursor = drawField(words("kiosk.code.field"), .code, &buffer, &y, body, context)
            } else {
                let identifierCursor = drawField(words("kiosk.login.identifier"), .identifier, &buffer, &y, body, context)
                let passwordCursor = drawField(words("kiosk.login.password"), .password, &buffer, &y, body, context)
                cursor = field == 1 ? passwordCursor : identifierCursor
            }
        }
        if let notice {
            y += 1
            line(notice, step == .waiting ? .normal : .warning)
        }
        let status = context.style(.status)
        buffer.fill(rows[2], style: status)
        let statusLine = TextLayout.truncate(notice ?? words(statusKey), to: max(1, rows[2].width - 2), ellipsis: context.symbols.ellipsis)
        buffer.put(" " + statusLine, at: rows[2].origin, style: status, maxWidth: rows[2].width)
        // No help screen here: every word the visitor needs is on the screen itself.
        KeyBar.render(keyHints, into: &buffer, area: rows[3], context: context, help: false)
        if step == .waiting { cursor = screenReader ? rows[2].origin : nil }
        return Frame(buffer: buffer, cursor: cursor, announcement: notice)
    }

    private enum Field { case identifier, password, code }

    /// A labelled field on its own row; returns the field's cursor.
    private func drawField(_ label: String, _ which: Field, _ buffer: inout CellBuffer, _ y: inout Int, _ body: Rect,
                           _ context: ViewContext) -> Point {
        let labelWidth = min(DisplayWidth.of(label), body.width / 2)
        buffer.put(label, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: labelWidth)
        let area = Rect(x: body.x + labelWidth, y: y, width: max(1, min(40, body.width - labelWidth)), height: 1)
        let cursor: Point = switch which {
        case .identifier: identifier.render(into: &buffer, area: area, context: context, focused: field == 0 && step == .credentials)
        case .password: password.render(into: &buffer, area: area, context: context, focused: field == 1 && step == .credentials)
        case .code: code.render(into: &buffer, area: area, context: context, focused: step == .code)
        }
        y += 2
        return cursor
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
