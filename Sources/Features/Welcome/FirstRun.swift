import Crypto
import L10n
import TerminalUI

/// What the first run needs from the core: create the vault, print the recovery key, log in to
/// the account and run the first sync. Closures, so the screen holds neither vault nor client.
public struct FirstRunServices: Sendable {
    /// Creates the vault with this passphrase; returns its recovery key (grouped, to show once)
    /// or why it failed, in words.
    public var createVault: @Sendable (SecureBytes) async -> Result<String, FirstRunFailure>
    /// Prints the recovery key (nil: this machine cannot print); returns what to say.
    public var printRecoveryKey: (@Sendable (String) async -> String)?
    /// Server, identifier and password: the server sends a one-time code.
    public var checkPassword: @Sendable (_ server: String, _ identifier: String, _ password: SecureBytes) async -> KioskLogin.Outcome
    /// The one-time code; `.accepted` once the account is saved in the vault and the first sync done.
    public var checkCode: @Sendable (String) async -> KioskLogin.Outcome
    /// The server proposed in the field (`--server`, or the one of the demo), if any.
    public var suggestedServer: String

    public init(createVault: @escaping @Sendable (SecureBytes) async -> Result<String, FirstRunFailure>,
                printRecoveryKey: (@Sendable (String) async -> String)?,
                checkPassword: @escaping @Sendable (String, String, SecureBytes) async -> KioskLogin.Outcome,
                checkCode: @escaping @Sendable (String) async -> KioskLogin.Outcome, suggestedServer: String = "") {
        self.createVault = createVault
        self.printRecoveryKey = printRecoveryKey
        self.checkPassword = checkPassword
        self.checkCode = checkCode
        self.suggestedServer = suggestedServer
    }
}

/// Why the vault could not be created, already in words.
public struct FirstRunFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// `mes` with no vault yet: a welcome that needs no manual. It creates the vault (the passphrase
/// typed twice, its strength said with advice), shows the recovery key once (print it, then type
/// its last group to show it was written down), then logs in (server, identifier, password, the
/// one-time code; each refusal explained) and runs the first sync. F9 skips the login (the vault
/// works offline; `mes login` or the next start can connect it later).
public struct FirstRun: Application {
    public enum Event: Sendable {
        case created(Result<String, FirstRunFailure>)
        case printed(String)
        case password(KioskLogin.Outcome)
        case code(KioskLogin.Outcome)
        case progress(String)
    }

    public enum Step: Hashable, Sendable {
        case intro
        case passphrase
        case recoveryKey
        case checkKey
        case login
        case code
        case waiting
    }

    public private(set) var step = Step.intro
    public private(set) var passphrase = SecretField()
    public private(set) var confirmation = SecretField()
    /// Shown once, on the recovery-key steps, then forgotten.
    public private(set) var recoveryKey: String?
    public private(set) var keyCheck = TextField(maximumLength: 8)
    public private(set) var server: TextField
    public private(set) var identifier = TextField(maximumLength: 200)
    public private(set) var password = SecretField()
    public private(set) var code = TextField(maximumLength: 12)
    /// The focused field of the passphrase (0, 1) or login (0 server, 1 identifier, 2 password) step.
    public private(set) var field = 0
    public private(set) var notice: String?
    /// The vault exists (the next steps may be skipped; it stays).
    public private(set) var vaultCreated = false
    /// The account is logged in and synced.
    public private(set) var loggedIn = false
    /// The user chose to look around first, with no vault (Esc on the welcome).
    public private(set) var explore = false
    public private(set) var exitCode: Int32?
    private var waitingFor = Step.passphrase
    private let screenReader: Bool
    private let services: FirstRunServices

    public init(services: FirstRunServices, screenReader: Bool = false) {
        self.services = services
        self.screenReader = screenReader
        server = TextField(services.suggestedServer, placeholder: "https://…", maximumLength: 300)
    }

    // MARK: Update

    public mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .resized: return []
        case .event(let event): return handle(event)
        case .key(let key): return handle(key)
        }
    }

    private mutating func handle(_ key: Key) -> [Effect<Event>] {
        if step == .waiting { return [] }
        if key == Self.laterKey, step == .login || step == .code {
            exitCode = 0
            return []
        }
        if key == Self.quitKey, !vaultCreated {
            // Nothing made yet: leaving is harmless.
            exitCode = 1
            return []
        }
        switch step {
        case .intro:
            if key == .enter {
                step = .passphrase
                notice = nil
            } else if key == .escape {
                explore = true
                exitCode = 0
            }
        case .passphrase: return typePassphrase(key)
        case .recoveryKey: return onRecoveryKey(key)
        case .checkKey: checkTheKey(key)
        case .login: return typeLogin(key)
        case .code: return typeCode(key)
        case .waiting: break
        }
        return []
    }

    private mutating func typePassphrase(_ key: Key) -> [Effect<Event>] {
        switch key {
        case .tab, .backTab, .down, .up:
            field = 1 - field
            return []
        case .enter:
            break
        default:
            if field == 0 { _ = passphrase.handle(key) } else { _ = confirmation.handle(key) }
            notice = nil
            return []
        }
        guard field == 1 else {
            guard passphrase.strength > .tooWeak else {
                notice = tr("welcome.passphrase.too-weak")
                return []
            }
            field = 1
            return []
        }
        guard passphrase.strength > .tooWeak else {
            field = 0
            notice = tr("welcome.passphrase.too-weak")
            return []
        }
        guard passphrase.matches(confirmation) else {
            confirmation.clear()
            notice = tr("welcome.passphrase.mismatch")
            return []
        }
        confirmation.clear()
        guard let secret = passphrase.take() else { return [] }
        waitingFor = .passphrase
        step = .waiting
        notice = tr("welcome.passphrase.creating")
        let create = services.createVault
        return [Effect {
            defer { secret.wipe() }
            return .created(await create(secret))
        }]
    }

    private mutating func onRecoveryKey(_ key: Key) -> [Effect<Event>] {
        switch key {
        case .character("p"), .character("P"):
            guard let print = services.printRecoveryKey, let recoveryKey else {
                notice = tr("welcome.key.no-printer")
                return []
            }
            notice = tr("welcome.key.printing")
            return [Effect { .printed(await print(recoveryKey)) }]
        case .enter:
            step = .checkKey
            keyCheck = TextField(maximumLength: 8)
            notice = nil
        default:
            break
        }
        return []
    }

    private mutating func checkTheKey(_ key: Key) {
        switch key {
        case .escape:
            step = .recoveryKey
            notice = nil
        case .enter:
            let lastGroup = recoveryKey?.split(separator: "-").last.map(String.init) ?? ""
            let typed = keyCheck.text.trimmingCharacters(in: .whitespaces).uppercased()
            guard !typed.isEmpty, typed == lastGroup.uppercased() else {
                keyCheck = TextField(maximumLength: 8)
                notice = tr("welcome.check.wrong")
                return
            }
            recoveryKey = nil
            step = .login
            field = server.text.isEmpty ? 0 : 1
            notice = tr("welcome.check.done")
        default:
            _ = keyCheck.handle(key)
        }
    }

    private mutating func typeLogin(_ key: Key) -> [Effect<Event>] {
        switch key {
        case .tab, .down:
            field = (field + 1) % 3
            return []
        case .backTab, .up:
            field = (field + 2) % 3
            return []
        case .enter:
            break
        default:
            switch field {
            case 0: _ = server.handle(key)
            case 1: _ = identifier.handle(key)
            default: _ = password.handle(key)
            }
            return []
        }
        let address = server.text.trimmingCharacters(in: .whitespaces)
        let name = identifier.text.trimmingCharacters(in: .whitespaces)
        guard address.hasPrefix("https://") || address.hasPrefix("http://") else {
            field = 0
            notice = tr("welcome.login.server-invalid")
            return []
        }
        guard !name.isEmpty else {
            field = 1
            notice = tr("welcome.login.identifier-missing")
            return []
        }
        guard field == 2 else {
            field += 1
            return []
        }
        guard let secret = password.take() else {
            notice = tr("welcome.login.password-missing")
            return []
        }
        waitingFor = .login
        step = .waiting
        notice = tr("welcome.login.checking")
        let check = services.checkPassword
        return [Effect {
            defer { secret.wipe() }
            return .password(await check(address, name, secret))
        }]
    }

    private mutating func typeCode(_ key: Key) -> [Effect<Event>] {
        switch CodeEntry.handle(key, &code) {
        case .typed: return []
        case .back:
            step = .login
            field = 2
            notice = nil
        case .missing: notice = tr("welcome.code.missing")
        case .submit(let typed):
            waitingFor = .code
            step = .waiting
            notice = tr("welcome.code.checking")
            let check = services.checkCode
            return [Effect { .code(await check(typed)) }]
        }
        return []
    }

    private mutating func handle(_ event: Event) -> [Effect<Event>] {
        switch event {
        case .created(.success(let key)):
            vaultCreated = true
            recoveryKey = key
            step = .recoveryKey
            notice = nil
        case .created(.failure(let failure)):
            step = .passphrase
            field = 0
            notice = failure.message
        case .printed(let said):
            notice = said
        case .password(.accepted):
            step = .code
            code = TextField(maximumLength: 12)
            notice = tr("welcome.code.sent")
        case .password(.refused(let why, let detail)), .password(.restart(let why, let detail)):
            step = .login
            field = 2
            notice = tr(why, ["reason": detail])
        case .code(.accepted):
            loggedIn = true
            exitCode = 0
        case .code(.refused(let why, let detail)):
            step = .code
            code = TextField(maximumLength: 12)
            notice = tr(why, ["reason": detail])
        case .code(.restart(let why, let detail)):
            step = .login
            field = 2
            notice = tr(why, ["reason": detail])
        case .progress(let sentence):
            if step == .waiting { notice = sentence }
        }
        return []
    }

    /// Skips the login (the vault stays, offline).
    static let laterKey = Key.function(9)
    /// Leaves before anything was created.
    static let quitKey = Key.function(10)

    // MARK: View

    public func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        let stage = tr("welcome.stage", ["step": String(stageNumber), "total": "3"])
        var page = WelcomePage(size: size, capabilities: capabilities, screenReader: screenReader,
                               header: tr("welcome.header") + (screenReader ? ". " : " — ") + stage)
        let context = page.context
        let typing = step != .waiting
        var cursor: Point?
        switch step == .waiting ? waitingFor : step {
        case .intro:
            page.heading(tr("welcome.intro.title"), tr("welcome.intro.body"))
            page.line(tr("welcome.intro.steps"))
            cursor = screenReader ? page.body.origin : nil
        case .passphrase:
            page.heading(tr("welcome.passphrase.title"), tr("welcome.passphrase.body"))
            let first = page.field(tr("welcome.passphrase.field"), gap: 0) {
                passphrase.render(into: &$0, area: $1, context: context, focused: typing && field == 0)
            }
            page.line(strengthLine, passphrase.strength > .tooWeak ? .normal : .warning)
            page.y += 1
            let second = page.field(tr("welcome.passphrase.again")) {
                confirmation.render(into: &$0, area: $1, context: context, focused: typing && field == 1)
            }
            cursor = field == 0 ? first : second
        case .recoveryKey, .checkKey:
            page.heading(tr("welcome.key.title"), tr("welcome.key.body"))
            if step == .recoveryKey, let recoveryKey {
                cursor = page.put(recoveryKey, .title, indent: screenReader ? 0 : 4)
                page.y += 1
                page.line(tr("welcome.key.next"))
            } else {
                page.line(tr("welcome.check.body"))
                page.y += 1
                cursor = page.field(tr("welcome.check.field")) { keyCheck.render(into: &$0, area: $1, context: context, focused: typing) }
            }
        case .code:
            page.heading(tr("welcome.code.title"), tr("welcome.code.body"))
            cursor = page.field(tr("welcome.code.field")) { code.render(into: &$0, area: $1, context: context, focused: typing) }
        case .login, .waiting:
            page.heading(tr("welcome.login.title"), tr("welcome.login.body"))
            let cursors = [
                page.field(tr("welcome.login.server")) { server.render(into: &$0, area: $1, context: context, focused: typing && field == 0) },
                page.field(tr("welcome.login.identifier")) {
                    identifier.render(into: &$0, area: $1, context: context, focused: typing && field == 1)
                },
                page.field(tr("welcome.login.password")) { password.render(into: &$0, area: $1, context: context, focused: typing && field == 2) },
            ]
            cursor = cursors[field]
        }
        return page.frame(notice: notice, waiting: step == .waiting, status: tr("welcome.status"), hints: keyHints, cursor: cursor)
    }

    private var stageNumber: Int {
        switch step == .waiting ? waitingFor : step {
        case .intro, .passphrase: 1
        case .recoveryKey, .checkKey: 2
        case .login, .code, .waiting: 3
        }
    }

    /// "Solidité : bonne." with advice while it is weak; nothing before anything is typed.
    private var strengthLine: String {
        guard !passphrase.isEmpty else { return tr("welcome.passphrase.advice") }
        return switch passphrase.strength {
        case .tooWeak: tr("welcome.strength.too-weak")
        case .fair: tr("welcome.strength.fair")
        case .good: tr("welcome.strength.good")
        case .strong: tr("welcome.strength.strong")
        }
    }

    private var keyHints: [KeyHint] {
        var hints: [KeyHint] = []
        switch step {
        case .intro: hints = [KeyHint(.enter, tr("welcome.keys.start")), KeyHint(.escape, tr("welcome.keys.explore"))]
        case .passphrase: hints = [KeyHint(.tab, tr("welcome.keys.next-field")), KeyHint(.enter, tr("welcome.keys.continue"))]
        case .recoveryKey:
            hints = [KeyHint(.enter, tr("welcome.keys.written"))]
            if services.printRecoveryKey != nil { hints.append(KeyHint("p", tr("welcome.keys.print"))) }
        case .checkKey: hints = [KeyHint(.enter, tr("welcome.keys.continue")), KeyHint(.escape, tr("welcome.keys.show-again"))]
        case .login: hints = [KeyHint(.tab, tr("welcome.keys.next-field")), KeyHint(.enter, tr("welcome.keys.continue")),
                              KeyHint(Self.laterKey, tr("welcome.keys.later"))]
        case .code: hints = [KeyHint(.enter, tr("welcome.keys.continue")), KeyHint(.escape, tr("welcome.keys.back")),
                             KeyHint(Self.laterKey, tr("welcome.keys.later"))]
        case .waiting: break
        }
        if !vaultCreated && step != .waiting { hints.append(KeyHint(Self.quitKey, tr("welcome.keys.quit"))) }
        return hints
    }
}
