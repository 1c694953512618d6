import Crypto
import Foundation
import HealthRecord
import SQLite
import Synchronization

/// The encrypted vault: the only place mes stores anything (DESIGN.md §6).
///
/// Safe to use from any thread or task. Reads run on their own read-only connection, so a
/// screen can read while sync writes (WAL). `write` transactions are serialised; do not call
/// `read` or `write` from inside another `write` closure.
public final class Vault: Sendable {
    public let directory: VaultDirectory
    /// A kiosk vault: no key slot, key only in memory, files removed when it closes.
    public let isEphemeral: Bool

    private let keys: Mutex<KeyState>
    private let writer: Mutex<Connection?>
    private let reader: Mutex<Connection?>
    private let broadcaster = ChangeBroadcaster()
    private let activity = Mutex(Activity())

    private struct KeyState {
        var dataKey: SecureBytes?
        var token: String?
        /// The key file (nil for an ephemeral vault).
        var file: KeyFile?
    }

    /// A connection, reached only inside its mutex.
    private final class Connection: @unchecked Sendable {
        let database: Database
        init(_ database: Database) { self.database = database }
    }

    private struct Activity {
        var lastUse = ContinuousClock.now
        var idleLimit: Duration?
        var timer: Task<Void, Never>?
    }

    private init(directory: VaultDirectory, ephemeral: Bool, dataKey: SecureBytes, keyFile: KeyFile?, create: Bool) throws {
        self.directory = directory
        self.isEphemeral = ephemeral
        self.keys = Mutex(KeyState(file: keyFile))
        self.writer = Mutex(nil)
        self.reader = Mutex(nil)
        try openConnections(dataKey: dataKey, create: create)
    }

    deinit {
        closeConnections()
        if isEphemeral { try? FileManager.default.removeItem(at: directory.url) }
    }

    // MARK: Creating and opening

    /// Creates a vault in `directory` (made 0700 if needed) with a passphrase slot and a recovery
    /// key slot. The recovery key is returned once, to show to the user; it is stored nowhere.
    public static func create(in directory: VaultDirectory, passphrase: SecureBytes,
                              keyDerivation: KeyDerivation = .calibrated) throws -> (vault: Vault, recoveryKey: RecoveryKey) {
        guard passphrase.count > 0 else { throw VaultError.emptyPassphrase }
        try directory.prepare()
        guard !directory.exists else { throw VaultError.alreadyExists }
        // A database without a key file is what an interrupted `init` leaves: its key is lost.
        directory.removeDatabaseFiles()
        let dataKey = try SecureBytes(randomCount: XChaCha20Poly1305.keyLength)
        let recoveryKey = try RecoveryKey.generate()
        let vaultID = Hex.encode(Random.bytes(16))
        let keyFile = KeyFile(vaultID: vaultID, slots: [
            try KeySlot.wrap(dataKey, kind: .passphrase, secret: passphrase, parameters: keyDerivation.parameters(), vaultID: vaultID),
            try KeySlot.wrap(dataKey, kind: .recoveryKey, secret: recoveryKey.secret, parameters: KeyDerivation.recoverySlot,
                             vaultID: vaultID),
        ])
        try directory.createPrivateFile(directory.databasePath)
        do {
            let vault = try Vault(directory: directory, ephemeral: false, dataKey: dataKey, keyFile: keyFile, create: true)
            try directory.writeAtomically(try keyFile.encoded(), to: directory.keysPath)
            return (vault, recoveryKey)
        } catch {
            directory.removeDatabaseFiles()
            throw error
        }
    }

    /// Opens the vault with its passphrase. A wrong one throws `VaultError.wrongPassphrase`.
    public static func open(in directory: VaultDirectory, passphrase: SecureBytes) throws -> Vault {
        try open(in: directory, slot: .passphrase, secret: passphrase, wrongSecret: .wrongPassphrase)
    }

    /// Opens the vault with its recovery key (then set a new passphrase with `changePassphrase`).
    public static func open(in directory: VaultDirectory, recoveryKey: RecoveryKey) throws -> Vault {
        try open(in: directory, slot: .recoveryKey, secret: recoveryKey.secret, wrongSecret: .wrongRecoveryKey)
    }

    private static func open(in directory: VaultDirectory, slot kind: KeySlot.Kind, secret: SecureBytes,
                             wrongSecret: VaultError) throws -> Vault {
        try directory.checkSecure()
        let keyFile = try KeyFile.load(from: directory.keysPath)
        let dataKey = try unwrap(keyFile, slot: kind, secret: secret, wrongSecret: wrongSecret)
        guard FileManager.default.fileExists(atPath: directory.databasePath) else { throw VaultError.damaged }
        return try Vault(directory: directory, ephemeral: false, dataKey: dataKey, keyFile: keyFile, create: false)
    }

    private static func unwrap(_ keyFile: KeyFile, slot kind: KeySlot.Kind, secret: SecureBytes,
                               wrongSecret: VaultError) throws -> SecureBytes {
        guard let slot = keyFile.slot(kind) else { throw VaultError.damaged }
        guard let dataKey = try slot.unwrap(secret: secret, vaultID: keyFile.vaultID) else { throw wrongSecret }
        return dataKey
    }

    /// A kiosk vault: a fresh random key held only in guarded memory, files in a private
    /// directory in memory-backed storage when the system has one (`/dev/shm`). Closing it, or
    /// locking it, destroys the key and removes the files.
    public static func ephemeral() throws -> Vault {
        let shm = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let base = access(shm.path, W_OK) == 0 ? shm : FileManager.default.temporaryDirectory
        let directory = VaultDirectory(base.appendingPathComponent("mes-kiosk-" + Hex.encode(Random.bytes(12)), isDirectory: true))
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        do {
            try directory.checkSecure()
            try directory.createPrivateFile(directory.databasePath)
            return try Vault(directory: directory, ephemeral: true, dataKey: try SecureBytes(randomCount: XChaCha20Poly1305.keyLength),
                             keyFile: nil, create: true)
        } catch {
            try? FileManager.default.removeItem(at: directory.url)
            throw error
        }
    }

    // MARK: Connections

    private func openConnections(dataKey: SecureBytes, create: Bool) throws {
        let token = KeyRegistry.register(dataKey)
        do {
            let writerConnection = Connection(try VaultConnection.open(path: directory.databasePath, keyToken: token, create: create))
            try mappingDamage { _ = try writerConnection.database.migrate(VaultSchema.migrations) }
            let readerConnection = Connection(try VaultConnection.open(path: directory.databasePath, keyToken: token))
            try readerConnection.database.execute("PRAGMA query_only = ON")
            writer.withLock { $0 = writerConnection }
            reader.withLock { $0 = readerConnection }
        } catch {
            KeyRegistry.unregister(token)
            throw error
        }
        keys.withLock {
            $0.dataKey = dataKey
            $0.token = token
        }
        activity.withLock { $0.lastUse = .now }
    }

    /// Closes both connections (SQLite checkpoints and removes the WAL when the last one closes),
    /// then forgets and wipes the key.
    private func closeConnections() {
        writer.withLock { $0 = nil }
        reader.withLock { $0 = nil }
        keys.withLock { state in
            if let token = state.token { KeyRegistry.unregister(token) }
            state.dataKey?.wipe()
            state.dataKey = nil
            state.token = nil
        }
    }

    // MARK: Reading and writing

    /// Runs `body` in a read transaction: it sees one consistent state of the vault.
    @discardableResult
    public func read<Result: Sendable>(_ body: (VaultSession) throws -> Result) throws -> Result {
        noteActivity()
        return try reader.withLock { connection throws -> Result in
            guard let database = connection?.database else { throw VaultError.locked }
            return try mappingDamage {
                try database.transaction(.deferred) { try body(VaultSession(database: database, writable: false)) }
            }
        }
    }

    /// Runs `body` in one write transaction: everything it does is committed together or not at
    /// all. Subscribers of `changes()` hear of it after the commit.
    @discardableResult
    public func write<Result: Sendable>(_ body: (VaultSession) throws -> Result) throws -> Result {
        noteActivity()
        let (result, change) = try writer.withLock { connection throws -> (Result, VaultChange) in
            guard let database = connection?.database else { throw VaultError.locked }
            return try mappingDamage {
                try database.transaction(.immediate) {
                    let session = VaultSession(database: database, writable: true)
                    let result = try body(session)
                    return (result, session.pendingChange)
                }
            }
        }
        if !change.isEmpty { broadcaster.send(change) }
        return result
    }

    /// Every committed change, as it happens (screens refresh; sync wakes up). The stream ends
    /// when the vault locks or closes.
    public func changes() -> AsyncStream<VaultChange> {
        broadcaster.stream()
    }

    // MARK: Keys and locking

    public var isLocked: Bool {
        keys.withLock { $0.dataKey == nil }
    }

    /// Locks now: closes the connections, wipes the key from memory, ends change streams. An
    /// ephemeral vault is destroyed (its files are removed).
    public func lock() {
        activity.withLock { activity in
            activity.timer?.cancel()
            activity.timer = nil
        }
        closeConnections()
        broadcaster.finish()
        if isEphemeral { try? FileManager.default.removeItem(at: directory.url) }
    }

    /// Locks and, for an ephemeral vault, removes its files: call when done with the vault.
    public func close() {
        lock()
    }

    /// Unlocks a locked vault with its passphrase.
    public func unlock(passphrase: SecureBytes) throws {
        guard isLocked else { return }
        guard !isEphemeral, let keyFile = keys.withLock({ $0.file }) else { throw VaultError.locked }
        let dataKey = try Self.unwrap(keyFile, slot: .passphrase, secret: passphrase, wrongSecret: .wrongPassphrase)
        try openConnections(dataKey: dataKey, create: false)
    }

    /// Sets a new passphrase: rewraps the data key in a new passphrase slot (new salt; the
    /// current Argon2id cost unless `keyDerivation` says otherwise). The database is untouched.
    public func changePassphrase(to passphrase: SecureBytes, keyDerivation: KeyDerivation? = nil) throws {
        guard passphrase.count > 0 else { throw VaultError.emptyPassphrase }
        try keys.withLock { state throws in
            guard let dataKey = state.dataKey else { throw VaultError.locked }
            guard var file = state.file else { throw VaultError.locked }
            let parameters = keyDerivation?.parameters() ?? file.slot(.passphrase)?.parameters ?? KeyDerivation.calibrated.parameters()
            file.replace(try KeySlot.wrap(dataKey, kind: .passphrase, secret: passphrase, parameters: parameters, vaultID: file.vaultID))
            try directory.writeAtomically(try file.encoded(), to: directory.keysPath)
            state.file = file
        }
    }

    /// Locks the vault automatically once it has not been used for `idle` (nil: never). Every
    /// read and write counts as use.
    public func setAutoLock(after idle: Duration?) {
        activity.withLock { activity in
            activity.timer?.cancel()
            activity.timer = nil
            activity.idleLimit = idle
            activity.lastUse = .now
            guard let idle else { return }
            let interval = min(idle / 4, .seconds(1))
            activity.timer = Task.detached { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let self, !self.lockIfIdle() else { return }
                }
            }
        }
    }

    /// Locks when the idle limit has passed at `now`; returns true when it locked.
    @discardableResult
    public func lockIfIdle(now: ContinuousClock.Instant = .now) -> Bool {
        let expired = activity.withLock { activity in
            activity.idleLimit.map { now - activity.lastUse >= $0 } ?? false
        }
        guard expired, !isLocked else { return false }
        lock()
        return true
    }

    private func noteActivity() {
        activity.withLock { $0.lastUse = .now }
    }

    /// Copies the WAL's committed pages into the database file (as ciphertext) and empties the
    /// WAL. SQLite also does this on its own as the WAL grows, and when the vault closes.
    public func checkpoint() throws {
        try writer.withLock { connection throws in
            guard let database = connection?.database else { throw VaultError.locked }
            _ = try mappingDamage { try database.checkpoint(.truncate) }
        }
    }

    /// Rebuilds the database file without its free pages (`VACUUM`), e.g. after deleting a
    /// profile. The copy is made in memory and written back through the encrypting VFS.
    public func compact() throws {
        try writer.withLock { connection throws in
            guard let database = connection?.database else { throw VaultError.locked }
            try mappingDamage { try database.execute("VACUUM") }
        }
    }

    // MARK: Checking

    /// Checks the vault: SQLite's `integrity_check` over the structure, then every page of the
    /// database file and every frame of the WAL against its authentication tag.
    public func verify() throws -> IntegrityReport {
        noteActivity()
        return try writer.withLock { connection throws -> IntegrityReport in
            guard let database = connection?.database else { throw VaultError.locked }
            guard let cipher = keys.withLock({ $0.dataKey.map(PageCipher.init) }) else { throw VaultError.locked }
            var report = PageVerifier(cipher: cipher).verify(databasePath: directory.databasePath)
            do {
                let messages = try database.query("PRAGMA integrity_check") { $0.string(0) }
                report.structureProblems = messages == ["ok"] ? [] : messages
            } catch {
                report.structureProblems = [String(describing: VaultError.from(error))]
            }
            return report
        }
    }
}
