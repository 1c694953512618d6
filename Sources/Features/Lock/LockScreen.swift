import Crypto
import L10n
import TerminalUI

/// What the shell shows while the vault is locked: nothing of the user's data, a masked field
/// for the passphrase, and whether the last try was wrong.
public struct LockScreen: Component {
    /// What the lock screen asks of the shell.
    public enum Request: Sendable {
        /// Check this passphrase (slow: the shell runs it as an effect, then sends the result).
        case submit(SecureBytes)
    }

    public enum Status: Sendable, Equatable {
        case asking
        /// A passphrase is being checked (Argon2id takes a moment).
        case checking
        case empty
        case wrong
        case failed(String)
    }

    public private(set) var field = SecretField()
    public private(set) var status = Status.asking

    public init() {}

    public var keyMap: KeyMap { KeyMap(title: tr("lock.title"), bindings: []) }
    public var capturesText: Bool { true }
    public var keyHints: [KeyHint] { [KeyHint(.enter, tr("lock.hint.unlock")), KeyHint(AppShell.quitWhileLockedKey, tr("lock.hint.quit"))] }

    /// A key types into the field (Enter submits); `.event(UnlockResult)` is the check's result.
    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key):
            guard let passphrase = handle(key) else { return .handled }
            return Update(requests: [Request.submit(passphrase)])
        case .event(let result as SessionControl.UnlockResult):
            finish(result)
            return .say(announcement)
        default:
            return .ignored
        }
    }

    /// Handles a key; returns the passphrase to check when the user presses Enter.
    mutating func handle(_ key: Key) -> SecureBytes? {
        guard status != .checking else { return nil }
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
        case .asking: tr("lock.announce")
        case .checking: tr("lock.checking")
        case .empty: tr("lock.empty")
        case .wrong: tr("lock.wrong")
        case .failed(let reason): tr("lock.failed", ["reason": reason])
        }
    }

    /// Draws the title, the explanation, the field and the outcome; returns the cursor (in the field).
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let body = context.screenReader ? area : area.inset(left: 2, right: 2)
        var y = body.y + (context.screenReader ? 0 : 1)
        buffer.put(tr("lock.title"), at: Point(x: body.x, y: y), style: context.style(.title), maxWidth: body.width)
        y += 2
        for line in TextLayout.wrap(tr("lock.explanation"), width: body.width) where y < body.maxY {
            buffer.put(line, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: body.width)
            y += 1
        }
        y += 1
        let label = tr("lock.field")
        let labelWidth = DisplayWidth.of(label)
        buffer.put(label, at: Point(x: body.x, y: y), style: context.style(.normal), maxWidth: body.width)
        let fieldArea = Rect(x: body.x + labelWidth, y: y, width: max(1, min(40, body.width - labelWidth)), height: 1)
        let cursor = field.render(into: &buffer, area: fieldArea, context: context, focused: true)
        y += 2
        for (sentence, role) in [outcome, (tr("lock.keys"), .muted)] {
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
        case .wrong: (tr("lock.wrong"), .error)
        case .failed(let reason): (tr("lock.failed", ["reason": reason]), .error)
        }
    }
}
