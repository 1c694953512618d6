import Crypto
import Features
import Vault

extension SessionControl {
    /// The session of an open vault. An ephemeral one (demo, kiosk) ends when idle rather than lock.
    static func forVault(_ vault: Vault, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) -> SessionControl {
        var session = SessionControl(
            endsWhenIdle: vault.isEphemeral,
            lock: {
                // The app's lock also drops the key `mes unlock` left in the session (issue 20).
                if !vault.isEphemeral { KeyAgent.forget(vault.directory) }
                vault.lock()
            },
            unlock: { passphrase in
                do {
                    try vault.unlock(passphrase: passphrase)
                    return .unlocked
                } catch VaultError.wrongPassphrase {
                    return .wrongPassphrase
                } catch let error as VaultError {
                    return .failed(error.message(directory: vault.directory))
                } catch {
                    return .failed(String(describing: error))
                }
            },
            clock: clock)
        guard !vault.isEphemeral else { return session }
        session.recover = { key, newPassphrase in
            do {
                try vault.unlock(recoveryKey: RecoveryKey.parse(key))
                try vault.changePassphrase(to: newPassphrase)
                return .unlocked
            } catch VaultError.wrongRecoveryKey, VaultError.malformedRecoveryKey {
                return .wrongPassphrase
            } catch let error as VaultError {
                return .failed(error.message(directory: vault.directory))
            } catch {
                return .failed(String(describing: error))
            }
        }
        return session
    }
}
