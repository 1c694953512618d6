import Crypto
import L10n
import TerminalUI

/// What the shell shows while the vault is locked: nothing of the user's data, a masked field
/// for the passphrase, and whether the last try was wrong. F3 switches to the recovery key: the
/// key, then a new passphrase typed twice (the forgotten one is replaced).
public struct LockScreen: Component {
    /// What the lock screen asks of the shell.
    public enum Request: Sendable {
        /// Check this passphrase (slow: the shell runs it as an effect, then sends the result).
        case submit(SecureBytes)
        /// Open with this recovery key and set this new passphrase.
        case recover(SecureBytes, SecureBytes)
    }

    public enum Status: Sendable, Equatable {
        case asking
        /// A passphrase is being checked (Argon2id takes a moment).
        case checking
        case empty
        case wrong
        case failed(String)
        /// Recovery: the new passphrase is too easy to guess, or the two entries differ.
        case weak
        case mismatch
    }

    public private(set) var field = SecretField()
    public private(set) var status = Status.asking
    /// Typing the recovery key and a new passphrase instead of the passphrase.
    public private(set) var recovering = false
    /// Recovery fields: the key, the new passphrase, once more; and which one has the focus.
    public private(set) var recoveryKey = SecretField()
    public private(set) var newPassphrase = SecretField()
    public private(set) var again = SecretField()
    public private(set) var recoveryField = 0
    public let offersRecovery: Bool

    public init(offersRecovery: Bool = false) {
        self.offersRecovery = offersRecovery
    }

    public var keyMap: KeyMap { KeyMap(title: tr("lock.title"), bindings: []) }
    public var capturesText: Bool { true }
    public var keyHints: [KeyHint] { [KeyHint(.enter, tr("lock.hint.unlock")), KeyHint(AppShell.quitWhileLockedKey, tr("lock.hint.quit"))] }

    /// A key types into the field (Enter submits); `.event(UnlockResult)` is the check's result.
    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key):
            if recovering {
                guard let (recoveryKey, newPassphrase) = handleRecovery(key) else { return .handled }
                return Update(requests: [Request.recover(recoveryKey, newPassphrase)])
            }
            guard let passphrase = handle(key) else { return .handled }
            return Update(requests: [Request.submit(passphrase)])
        case .event(let result as SessionControl.UnlockResult):
            finish(result)
            return .say(announcement)
        default:
            return .ignored
        }
    }

    static let recoveryKeyKey = Key.function(3)

    /// Handles a key; returns the passphrase to check when the user presses Enter.
    mutating func handle(_ key: Key) -> SecureBytes? {
        guard status != .checking else { return nil }
        if key == Self.recoveryKeyKey && offersRecovery {
            field.clear()
            recovering = true
            recoveryField = 0
            status = .asking
            return nil
        }
        if key == .enter {
            guard let passphrase = field.take() else {
                status = .empty
                return nil
            }
            status = .checking
            return passphrase
        }
        if key == .escape {
            field.clear()
        } else if !field.handle(key) {
            return nil
        }
        if status != .asking { status = .asking }
        return nil
    }

    /// Recovery: the key, the new passphrase twice; returns them on Enter in the last field.
    mutating func handleRecovery(_ key: Key) -> (SecureBytes, SecureBytes)? {
        guard status != .checking else { return nil }
        switch key {
        case Self.recoveryKeyKey, .escape:
            for index in 0..<3 { clearRecoveryField(index) }
            recovering = false
            status = .asking
        case .tab, .down:
            recoveryField = (recoveryField + 1) % 3
        case .backTab, .up:
            recoveryField = (recoveryField + 2) % 3
        case .enter:
            if recoveryField == 0 {
                guard !recoveryKey.isEmpty else { status = .empty; return nil }
                recoveryField = 1
            } else if recoveryField == 1 {
                guard newPassphrase.strength > .tooWeak else { status = .weak; return nil }
                recoveryField = 2
            } else {
                guard newPassphrase.strength > .tooWeak else { status = .weak; recoveryField = 1; return nil }
                guard newPassphrase.matches(again) else {
                    again.clear()
                    status = .mismatch
                    return nil
                }
                guard let key = recoveryKey.take(), let chosen = newPassphrase.take() else { return nil }
                again.clear()
                recoveryField = 0
                status = .checking
                return (key, chosen)
            }
            status = .asking
        default:
            let handled: Bool
            switch recoveryField {
            case 0: handled = recoveryKey.handle(key)
            case 1: handled = newPassphrase.handle(key)
            default: handled = again.handle(key)
            }
            if handled && status != .asking { status = .asking }
        }
        return nil
    }

    private mutating func clearRecoveryField(_ index: Int) {
        switch index {
        case 0: recoveryKey.clear()
        case 1: newPassphrase.clear()
        default: again.clear()
        }
    }

    /// Takes in the result of a check (only a failure keeps the screen).
    mutating func finish(_ result: SessionControl.UnlockResult) {
        switch result {
        case .unlocked: status = .asking
        case .wrongPassphrase: status = .wrong
        case .failed(let reason): status = .failed(reason)
        }
    }

    /// The sentence for the status line in the current state.
    public var announcement: String {
        switch status {
        case .asking: tr(recovering ? "lock.recovery.announce" : "lock.announce")
        case .checking: tr("lock.checking")
        case .empty: tr("lock.empty")
        case .wrong: tr(recovering ? "lock.recovery.wrong" : "lock.wrong")
        case .failed(let reason): tr("lock.failed", ["reason": reason])
        case .weak: tr("welcome.passphrase.too-weak")
        case .mismatch: tr("welcome.passphrase.mismatch")
        }
    }

    /// Draws the title, the explanation, the field(s) and the outcome; returns the cursor (in the field).
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let body = context.screenReader ? area : area.inset(left: 2, right: 2)
        var y = body.y + (context.screenReader ? 0 : 1)
        buffer.put(tr("lock.title"), at: Point(x: body.x, y: y), style: context.style(.title), maxWidth: body.width)
        y += 2
        for line in TextLayout.wrap(tr(recovering ? "lock.recovery.explanation" : "lock.explanation"), width: body.width) where y < body.maxY {
            buffer.put(line, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: body.width)
            y += 1
        }
        y += 1
        var cursor = body.origin
        func drawField(_ label: String, _ which: Int) {
            let labelWidth = min(DisplayWidth.of(label), body.width / 2)
            buffer.put(label, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: labelWidth)
            let fieldArea = Rect(x: body.x + labelWidth, y: y, width: max(1, min(40, body.width - labelWidth)), height: 1)
            let focused = !recovering || which == recoveryField
            let shown: Point = switch (recovering, which) {
            case (false, _): field.render(into: &buffer, area: fieldArea, context: context, focused: true)
            case (true, 0): recoveryKey.render(into: &buffer, area: fieldArea, context: context, focused: focused)
            case (true, 1): newPassphrase.render(into: &buffer, area: fieldArea, context: context, focused: focused)
            default: again.render(into: &buffer, area: fieldArea, context: context, focused: focused)
            }
            if focused { cursor = shown }
            y += 1
        }
        if recovering {
            drawField(tr("lock.recovery.key"), 0)
            drawField(tr("lock.recovery.new"), 1)
            drawField(tr("lock.recovery.again"), 2)
        } else {
            drawField(tr("lock.field"), 0)
        }
        y += 1
        let keys = recovering ? tr("lock.recovery.keys") : tr("lock.keys") + (offersRecovery ? " " + tr("lock.recovery.offer") : "")
        for (sentence, role) in [outcome, (keys, .muted)] {
            for line in TextLayout.wrap(sentence, width: body.width) where y < body.maxY {
                buffer.put(line, at: Point(x: body.x, y: y), style: context.style(role), maxWidth: body.width)
                y += 1
            }
        }
        return Rendered(cursor: cursor, announcement: announcement)
    }

    /// The line under the field: a word, never a colour alone.
    private var outcome: (String, Role) {
        switch status {
        case .asking: (tr("lock.hint"), .muted)
        case .checking: (tr("lock.checking"), .normal)
        case .empty: (tr("lock.empty"), .warning)
        case .wrong: (announcement, .error)
        case .failed(let reason): (tr("lock.failed", ["reason": reason]), .error)
        case .weak, .mismatch: (announcement, .warning)
        }
    }
}
