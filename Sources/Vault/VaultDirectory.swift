import Foundation

/// The files of a vault in its directory (the `--home` directory of mes):
/// `vault.db` (and SQLite's `vault.db-wal`, `vault.db-shm` beside it) and `vault.keys`.
/// The directory is 0700 and the files 0600; a directory others can write to is refused.
public struct VaultDirectory: Sendable, Equatable {
    public let url: URL

    public init(_ url: URL) {
        self.url = url.standardizedFileURL
    }

    public var databasePath: String { url.appendingPathComponent("vault.db").path }
    public var keysPath: String { url.appendingPathComponent("vault.keys").path }
    /// The database and the files SQLite keeps next to it.
    var databaseFiles: [String] { [databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal"] }

    /// True when a vault was initialised here.
    public var exists: Bool { FileManager.default.fileExists(atPath: keysPath) }

    /// Creates the directory (0700) if needed, then checks it.
    func prepare() throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(url.path, 0o700)
        }
        try checkSecure()
    }

    /// Refuses a directory another user could write to (they could swap the files), or one
    /// owned by someone else.
    func checkSecure() throws {
        var status = stat()
        guard stat(url.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw VaultError.notFound
        }
        if status.st_mode & (S_IWGRP | S_IWOTH) != 0 || status.st_uid != geteuid() {
            throw VaultError.insecureDirectory(path: url.path)
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

    /// Removes the database and SQLite's files beside it.
    func removeDatabaseFiles() {
        for path in databaseFiles { unlink(path) }
    }
}
