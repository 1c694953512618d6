import Crypto
import L10n
import TerminalUI

/// When the user last pressed a key, and since when the end-of-session warning shows.
struct IdleWatch: Sendable {
    var lastActivity: ContinuousClock.Instant
    var warningSince: ContinuousClock.Instant?
}

/// The session side of the shell: the first sync, locking after the idle delay (or ending an
/// ephemeral session after a warning), the lock screen, and the quit question.
extension AppShell {
    /// True while the end-of-session warning shows.
    public var isWarningOfIdleEnd: Bool { idle.warningSince != nil }

    /// The next time the shell must act without a key: the end of the idle delay or of the
    /// warning, or a scheduled sync (none while locked: the lock screen waits).
    public var wakeUpTime: ContinuousClock.Instant? {
        guard lockScreen == nil, exitCode == nil else { return nil }
        return [idleDeadline, syncService == nil ? nil : sync.due, agendaDue.first?.at].compactMap { $0 }.min()
    }

    private var idleDeadline: ContinuousClock.Instant? {
        guard let session else { return nil }
        if let since = idle.warningSince { return since + session.idleWarning }
        // A kiosk always ends an idle session, whatever the setting says.
        guard let delay = session.idleDelay ?? settings.lockAfter ?? (session.endsWhenIdle ? AppSettings.defaultLockAfter : nil)
        else { return nil }
        return idle.lastActivity + delay
    }

    /// Starts a sync that is due; locks the vault, or warns that the session will end, or ends it.
    public mutating func wakeUp(now: ContinuousClock.Instant) -> [Effect<Event>] {
        let effects = lockScreen == nil ? startDueSync(now: now) : []
        if lockScreen == nil { sayDueAgenda(now: now) }
        guard let session, let due = idleDeadline, now >= due, lockScreen == nil else { return effects }
        if !session.endsWhenIdle {
            lockNow()
        } else if idle.warningSince == nil {
            idle.warningSince = now
            say(idleWarningMessage)
        } else {
            // The program wipes the session and, in a kiosk, welcomes the next visitor.
            endedWhenIdle = true
            exitCode = 0
        }
        return effects
    }

    /// Keys the session takes first: those typed on the lock screen, any key during the idle
    /// warning, and Ctrl-X (lock now). nil lets the key go on to the shell.
    mutating func handleSessionKey(_ key: Key) -> [Effect<Event>]? {
        guard let session else { return nil }
        if key == Self.quitWhileLockedKey && lockScreen != nil {
            // Nothing is lost: unsent changes wait in the vault for the next sync.
            exitCode = 0
            return []
        }
        if var screen = lockScreen {
            let result = screen.update(.key(key))
            lockScreen = screen
            say(screen.announcement)
            switch result.requests.first as? LockScreen.Request {
            case .submit(let passphrase)?:
                let unlock = session.unlock
                return [Effect {
                    defer { passphrase.wipe() }
                    return .unlocked(unlock(passphrase))
                }]
            case .recover(let recoveryKey, let newPassphrase)?:
                guard let recover = session.recover else { return [] }
                return [Effect {
                    defer {
                        recoveryKey.wipe()
                        newPassphrase.wipe()
                    }
                    return .unlocked(recover(recoveryKey, newPassphrase))
                }]
            case nil:
                return []
            }
        }
        idle.lastActivity = session.clock()
        if session.kiosk && key == Self.endSessionKey {
            // "Terminer ma session": at once, from anywhere (a dialog, the help, the warning).
            exitCode = 0
            return []
        }
        if idle.warningSince != nil {
            idle.warningSince = nil
            say(tr("lock.idle.extended"))
            return []
        }
        if key == Self.lockKey && !session.endsWhenIdle {
            lockNow()
            return []
        }
        return nil
    }

    /// Locks the vault and hides everything behind the lock screen.
    mutating func lockNow() {
        session?.lock()
        dropLoadedScreens()
        let screen = LockScreen(offersRecovery: session?.recover != nil)
        lockScreen = screen
        header.lock = .locked
        dialog = nil
        overlay = nil
        say(screen.announcement)
    }

    /// Back where the user was on the right passphrase; the lock screen says what went wrong otherwise.
    mutating func finishUnlock(_ result: SessionControl.UnlockResult) {
        guard var screen = lockScreen else { return }
        guard result != .unlocked else {
            lockScreen = nil
            header.lock = .unlocked
            idle.lastActivity = session?.clock() ?? .now
            say(tr("lock.unlocked") + " " + arrivalAnnouncement())
            return
        }
        _ = screen.update(.event(result))
        lockScreen = screen
        say(screen.announcement)
    }

    /// The quit question, saying first how many changes are not sent yet.
    var quitQuestion: String {
        let question = tr("quit.question")
        guard sync.pending > 0 else { return question }
        return trPlural("lock.quit.unsent", count: sync.pending) + " " + question
    }

    static let lockKey = Key.control("x")
    /// Quits from the lock screen, where letters belong to the passphrase.
    static let quitWhileLockedKey = Key.function(10)

    /// Ends a kiosk visitor's session ("Terminer ma session").
    public static let endSessionKey = Key.function(10)

    var idleWarningMessage: String {
        let seconds = (session?.idleWarning ?? SessionControl.shortestIdleWarning).components.seconds
        return tr("lock.idle.message", ["seconds": String(seconds)])
    }

    /// The shell's keys in the help, with Ctrl-X when there is a vault to lock.
    var keyMap: KeyMap {
        var map = Self.keyMap
        if let session, !session.endsWhenIdle {
            map.bindings.append(KeyBinding([Self.lockKey], tr("lock.help.lock-now")))
        }
        return map
    }
}
