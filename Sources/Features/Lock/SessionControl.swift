import Crypto

/// What the shell may ask of the session behind it: lock and unlock the vault. (What waits to be
/// sent comes with the vault's change notifications; syncing is `SyncService`.) Closures, so the screens never hold the vault: the program builds
/// one from its open vault (`SessionControl.forVault` in `mes`), or `kiosk` for a kiosk without one.
public struct SessionControl: Sendable {
    /// How an unlock attempt went.
    public enum UnlockResult: Sendable, Equatable {
        case unlocked
        case wrongPassphrase
        /// Anything else (the vault is damaged, its files went away…), said in the user's words.
        case failed(String)
    }

    /// True for an ephemeral vault (demo, kiosk): there is no passphrase to lock with, so an idle
    /// session ends instead, after a warning that any key cancels.
    public var endsWhenIdle: Bool
    /// Locks the vault now (the key leaves memory).
    public var lock: @Sendable () -> Void
    /// Tries a passphrase; slow on purpose (Argon2id), so the shell calls it from an effect.
    public var unlock: @Sendable (SecureBytes) -> UnlockResult
    /// The time, injectable so tests can pass minutes in an instant.
    public var clock: @Sendable () -> ContinuousClock.Instant
    /// Opens the vault with its recovery key and sets a new passphrase (nil: the lock screen
    /// offers no recovery). `.wrongPassphrase` means the key is wrong.
    public var recover: (@Sendable (_ recoveryKey: SecureBytes, _ newPassphrase: SecureBytes) -> UnlockResult)?
    /// A kiosk visitor's session: "Terminer ma session" (F10) always shows and ends it at once.
    public var kiosk = false
    /// How long without a key before the session locks or, ephemeral, warns that it will end
    /// (nil: the user's setting).
    public var idleDelay: Duration?
    /// How long the end-of-session warning shows before an ephemeral session ends (any key
    /// extends it). At least 20 seconds, so a visitor has time to react.
    public var idleWarning = Duration.seconds(30)

    public init(endsWhenIdle: Bool, lock: @escaping @Sendable () -> Void,
                unlock: @escaping @Sendable (SecureBytes) -> UnlockResult,
                clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.endsWhenIdle = endsWhenIdle
        self.lock = lock
        self.unlock = unlock
        self.clock = clock
    }

    /// A kiosk session with no vault open yet: nothing to lock, and idle ends the session.
    public static func kiosk(clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) -> SessionControl {
        var session = SessionControl(endsWhenIdle: true, lock: {}, unlock: { _ in .wrongPassphrase }, clock: clock)
        session.kiosk = true
        return session
    }

    /// The shortest end-of-session warning a kiosk may be configured with.
    public static let shortestIdleWarning = Duration.seconds(20)
}
