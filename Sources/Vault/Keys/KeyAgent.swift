import CKeyutils
import Crypto
import Foundation

/// One unlock per session (issue 20), in the spirit of ssh-agent and gpg-agent: `mes unlock`
/// puts the vault's data key in the Linux kernel's keyring (keyutils; the user's session
/// keyring, see `keyring`) for a while; the next commands open the vault with it instead of deriving the key
/// from the passphrase again. The kernel drops the key when the timeout passes or the user's
/// last session ends; `mes lock` and the app's own lock drop it at once. Opt-in (nothing is kept unless the
/// user runs `mes unlock`), and never for an ephemeral (kiosk or demo) vault.
public enum KeyAgent {
    /// How long a key stays by default.
    public static let defaultTimeout: Duration = .seconds(15 * 60)

    /// Keeps the open vault's key in the session keyring for `timeout`.
    public static func remember(_ vault: Vault, for timeout: Duration = defaultTimeout) throws {
        guard !vault.isEphemeral else { throw KeyAgentError.ephemeral }
        guard let (vaultID, key) = vault.agentKey() else { throw VaultError.locked }
        let description = Self.description(vaultID)
        forget(vaultID: vaultID)
        let keyring = Self.keyring
        let serial = key.withUnsafeBytes { bytes in
            add_key("user", description, bytes.baseAddress, bytes.count, keyring)
        }
        guard serial > 0 else { throw KeyAgentError.unavailable }
        let seconds = max(1, Int(timeout.components.seconds))
        guard keyctl_set_timeout(serial, UInt32(clamping: seconds)) == 0 else {
            _ = keyctl_invalidate(serial)
            throw KeyAgentError.unavailable
        }
    }

    /// Opens the vault of `directory` with a key the session keeps, when there is one (nil:
    /// none, or a key that no longer opens this vault, which is then dropped).
    public static func open(in directory: VaultDirectory) -> Vault? {
        guard let vaultID = try? KeyFile.load(from: directory.keysPath).vaultID else { return nil }
        let serial = keyctl_search(keyring, "user", description(vaultID), 0)
        guard serial > 0 else { return nil }
        var buffer: UnsafeMutableRawPointer?
        let length = keyctl_read_alloc(key_serial_t(serial), &buffer)
        guard length == XChaCha20Poly1305.keyLength, let buffer else {
            if let buffer { sodium_free_read(buffer, Int(max(0, length))) }
            return nil
        }
        let key = try? SecureBytes(count: Int(length))
        key?.withUnsafeMutableBytes { target in target.copyMemory(from: UnsafeRawBufferPointer(start: buffer, count: Int(length))) }
        sodium_free_read(buffer, Int(length))
        guard let key, let vault = try? Vault.open(in: directory, dataKey: key) else {
            forget(vaultID: vaultID)
            return nil
        }
        return vault
    }

    /// Drops the key the session keeps for the vault of `directory` (true when there was one).
    @discardableResult
    public static func forget(_ directory: VaultDirectory) -> Bool {
        guard let vaultID = try? KeyFile.load(from: directory.keysPath).vaultID else { return false }
        return forget(vaultID: vaultID)
    }

    @discardableResult
    static func forget(vaultID: String) -> Bool {
        var found = false
        while true {
            let serial = keyctl_search(keyring, "user", description(vaultID), 0)
            guard serial > 0 else { return found }
            found = true
            guard keyctl_invalidate(key_serial_t(serial)) == 0 else {
                _ = keyctl_unlink(key_serial_t(serial), keyring)
                return found
            }
        }
    }

    static func description(_ vaultID: String) -> String { "mes:vault:\(vaultID)" }

    /// The user's session keyring (`@us`). Not the login session keyring (`@s`): on a machine
    /// where the login has none, adding to `@s` makes one for this process only, which dies with
    /// it; and where the session keyring is not possessed (some containers), a key one command
    /// adds is not found by the next. `@us` is found by every process of the user, so the
    /// timeout and `mes lock` (and the app's lock) are what bound the key's life.
    static var keyring: key_serial_t { KEY_SPEC_USER_SESSION_KEYRING }

    /// Zeroes and frees a buffer keyutils allocated.
    private static func sodium_free_read(_ buffer: UnsafeMutableRawPointer, _ length: Int) {
        memset(buffer, 0, length)
        free(buffer)
    }
}

/// Why the session cannot keep the key.
public enum KeyAgentError: Error, Equatable, Sendable {
    /// The kernel refused (no keyring for this session, quota).
    case unavailable
    /// A kiosk or demo vault: its key never leaves the process.
    case ephemeral
}

extension Vault {
    /// Opens the vault with its data key (from the session keyring): the key is checked by
    /// reading the database, whose pages it must authenticate.
    static func open(in directory: VaultDirectory, dataKey: SecureBytes) throws -> Vault {
        try directory.checkSecure()
        let keyFile = try KeyFile.load(from: directory.keysPath)
        guard directory.hasDatabase else { throw VaultError.damaged }
        let vault = try Vault(opening: directory, dataKey: dataKey, keyFile: keyFile)
        do {
            _ = try vault.read { try $0.profiles.count() }
        } catch {
            vault.close()
            throw error
        }
        return vault
    }
}
