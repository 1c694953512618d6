import Foundation

/// The files of a vault in its directory (the `--home` directory of mes):
/// `vault.db` (and SQLite's `vault.db-wal`, `vault.db-shm` beside it) and `vault.keys`.
/// The directory is 0700 and the files 0600; a directory others can write to is refused.
public struct VaultDirectory: Sendable, Equatable {
    public let url: URL

    public init(_ url: URL) {
        self.url = url.standardizedFileURL
    }

    /// The directory with every symbolic link in its path resolved (a `$HOME` that is a link,
    /// as on Fedora Silverblue, or a `--home` given through a link). SQLite opens the database
    /// with `SQLITE_OPEN_NOFOLLOW`, which refuses a link anywhere in the path it is given, so it
    /// is given the real path; the files themselves must still not be links.
    public var resolvedURL: URL {
        guard let real = realpath(url.path, nil) else { return url }
        defer { free(real) }
        return URL(fileURLWithPath: String(cString: real), isDirectory: true)
    }

    public var databasePath: String { resolvedURL.appendingPathComponent("vault.db").path }
    public var keysPath: String { resolvedURL.appendingPathComponent("vault.keys").path }
    /// The database and the files SQLite keeps next to it.
    var databaseFiles: [String] {
        let database = databasePath
        return [database, database + "-wal", database + "-shm", database + "-journal"]
    }

    /// True when a vault was initialised here (its key file exists).
    public var exists: Bool { fileExists(keysPath) }

    /// True when a database is here, with or without its key file.
    public var hasDatabase: Bool { fileExists(databasePath) }

    private func fileExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Creates the directory (0700) if needed, then checks it. Returns true when it created it
    /// (so a failed `init` can remove it again).
    @discardableResult
    func prepare() throws -> Bool {
        var created = false
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(url.path, 0o700)
            created = true
        }
        do {
            try checkSecure()
        } catch {
            if created { rmdir(url.path) }
            throw error
        }
        return created
    }

    /// Refuses a directory another user could write to (they could swap the files), or one
    /// owned by someone else; then the vault's files: each must be a regular file (not a link)
    /// of this user that no one else may read or write.
    func checkSecure() throws {
        var status = stat()
        guard stat(url.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw VaultError.notFound
        }
        if status.st_mode & (S_IWGRP | S_IWOTH) != 0 || status.st_uid != geteuid() {
            throw VaultError.insecureDirectory(path: url.path)
        }
        for path in [keysPath] + databaseFiles {
            var file = stat()
            guard lstat(path, &file) == 0 else { continue }
            let type: mode_t = file.st_mode & S_IFMT
            let othersBits: mode_t = file.st_mode & mode_t(0o077)
            let mine = file.st_uid == geteuid()
            if type != S_IFREG || !mine || othersBits != 0 {
                throw VaultError.insecureFile(path: path)
            }
        }
    }

    /// Creates an empty file readable only by its owner, so SQLite's files (which copy the
    /// database's mode) are 0600 too.
    func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        fchmod(descriptor, 0o600)
        close(descriptor)
    }

    /// Writes a small file atomically: a private temporary file, synced, renamed over the old
    /// one, and the directory synced.
    func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-" + UUID().uuidString
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        syncDirectory()
    }

    func syncDirectory() {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Runs `build` on a fresh private directory beside this one, then moves its `vault.db` and
    /// `vault.keys` here (renames in one file system: each atomic), the key file last; the
    /// staging directory goes in any case. Staging directories an interrupted run left behind
    /// are removed first (they hold an empty database at most).
    func buildInStaging(_ build: (VaultDirectory) throws -> Void) throws {
        let base = resolvedURL
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where name.hasPrefix(Self.stagingPrefix) {
            try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
        }
        let staging = VaultDirectory(base.appendingPathComponent(Self.stagingPrefix + UUID().uuidString, isDirectory: true))
        guard mkdir(staging.url.path, 0o700) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: staging.url.path]) }
        defer { try? FileManager.default.removeItem(at: staging.url) }
        try build(staging)
        // A database already here (another `init` racing this one) is never replaced.
        guard !hasDatabase, !exists else { throw VaultError.alreadyExists }
        guard rename(staging.databasePath, databasePath) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: databasePath])
        }
        guard rename(staging.keysPath, keysPath) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: keysPath])
        }
        syncDirectory()
    }

    static let stagingPrefix = ".vault-init-"

    /// Removes the directory if it is empty (what a failed `init` that created it leaves).
    func removeEmpty() {
        rmdir(url.path)
    }
}
