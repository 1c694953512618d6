import CursesShim
import Foundation

/// Edits a text in the user's own editor (`$VISUAL`, else `$EDITOR`), as mutt does, without the
/// text ever touching a disk: it goes through a file in memory-backed storage (tmpfs) that only
/// the user can read — a fresh folder of mode 0700 in `$XDG_RUNTIME_DIR`, else in `/dev/shm`,
/// each checked to be a tmpfs with `statfs` — and every file of that folder (the editor's swap
/// and backup files too: `TMPDIR` points there) is overwritten with zeros and unlinked as soon
/// as the editor exits. With no such place, it refuses: the caller keeps its built-in editor.
public enum ExternalEditor {
    public enum Failure: Error, Equatable, Sendable {
        /// Neither `VISUAL` nor `EDITOR` is set.
        case noEditor
        /// No tmpfs only the user can use: the text would have to touch the disk.
        case noPrivatePlace
        /// No terminal to lend (not running on one).
        case noTerminal
        /// The editor could not start, or ended with this status (the text is left as it was).
        case editorFailed(Int32)
        /// What the editor left is not UTF-8 text, or is too long.
        case unreadable
    }

    /// The most a reply may grow to in the editor.
    public static let maximumBytes = 1 << 20
    /// `statfs` type of a tmpfs and of a ramfs (memory only).
    static let memoryFileSystems: Set<Int> = [0x0102_1994, 0x8584_58F6]

    /// The editor command (`VISUAL`, then `EDITOR`), or nil.
    public static func command(environment: [String: String]) -> String? {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return nil
    }

    /// Whether `path` is a directory on a memory file system, owned by the user and closed to
    /// others (group and others have no right at all), or world-writable with the sticky bit
    /// (`/dev/shm`, where a private folder is then made).
    public static func isPrivateMemoryDirectory(_ path: String, sharedAllowed: Bool) -> Bool {
        guard memoryFileSystems.contains(mes_file_system_type(path)) else { return false }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return false }
        if info.st_uid == getuid() && info.st_mode & 0o077 == 0 { return true }
        return sharedAllowed && info.st_mode & 0o1000 != 0
    }

    /// Where the text may be written: a tmpfs folder only the user can reach, or nil.
    public static func privatePlace(environment: [String: String]) -> String? {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"),
           isPrivateMemoryDirectory(runtime, sharedAllowed: false) { return runtime }
        if isPrivateMemoryDirectory("/dev/shm", sharedAllowed: true) { return "/dev/shm" }
        return nil
    }

    /// Checks what `edit` needs before anything is written: an editor and a private place.
    public static func check(environment: [String: String]) -> Failure? {
        if command(environment: environment) == nil { return .noEditor }
        if privatePlace(environment: environment) == nil { return .noPrivatePlace }
        return nil
    }

    /// Opens `text` in the editor, with the terminal lent by the running `Runtime`, and returns
    /// the text as the editor left it. The file and its folder are erased whatever happens.
    /// `folderPrefix` names the folder (`mes-scratch-<pid>-` lets a later sweep find it).
    public static func edit(_ text: String, environment: [String: String], folderPrefix: String) async throws(Failure) -> String {
        if let failure = check(environment: environment) { throw failure }
        guard let editor = command(environment: environment), let place = privatePlace(environment: environment) else { throw .noPrivatePlace }
        var template = Array((place + "/" + folderPrefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw .noPrivatePlace }
        let folder = String(cString: made)
        defer { erase(folder: folder) }
        guard chmod(folder, 0o700) == 0 else { throw .noPrivatePlace }
        let file = folder + "/message.txt"
        guard write(Array(text.utf8), to: file) else { throw .noPrivatePlace }
        var childEnvironment = environment
        childEnvironment["TMPDIR"] = folder
        let lentEnvironment = childEnvironment
        let status = await TerminalLender.borrow { run(editor: editor, file: file, environment: lentEnvironment) }
        guard let status else { throw .noTerminal }
        guard status == 0 else { throw .editorFailed(status) }
        guard let bytes = read(file), var edited = String(validating: bytes, as: UTF8.self) else { throw .unreadable }
        // Editors end the file with a newline; the text had none.
        if edited.hasSuffix("\n") && !text.hasSuffix("\n") { edited.removeLast() }
        return edited
    }

    /// Runs the editor through the shell (`$EDITOR` may hold arguments, as for git and mutt), the
    /// file passed as `$1` so no quoting is needed. The child stays in mes's process group, the
    /// terminal's foreground one (Foundation's `Process` would put it in a group of its own, where
    /// reading the terminal fails), starts with default signals and an empty mask, and inherits
    /// no descriptor but the terminal's three. SIGINT and SIGQUIT are ignored by mes meanwhile
    /// (the editor has the terminal; its Ctrl-C is its own). Returns the exit status.
    static func run(editor: String, file: String, environment: [String: String]) -> Int32 {
        let arguments = ["/bin/sh", "-c", editor + " \"$1\"", "mes-editor", file]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = variables.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&actions)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&actions)
        }
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        _ = mes_spawn_close_from(&actions, 3)

        var previousInterrupt = sigaction(), previousQuit = sigaction(), ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigaction(SIGINT, &ignore, &previousInterrupt)
        sigaction(SIGQUIT, &ignore, &previousQuit)
        defer {
            sigaction(SIGINT, &previousInterrupt, nil)
            sigaction(SIGQUIT, &previousQuit, nil)
        }
        var child: pid_t = 0
        guard posix_spawn(&child, "/bin/sh", &actions, &attributes, &argv, &envp) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let signalled = status & 0x7F
        return signalled == 0 ? (status >> 8) & 0xFF : 128 + signalled
    }

    private static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue }; return false }
            offset += written
        }
        return true
    }

    private static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > maximumBytes { return nil }
        }
        return bytes
    }

    /// Overwrites every regular file of `folder` with zeros, unlinks it, then removes the folder
    /// (and anything else an editor left in it).
    static func erase(folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                let descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
                if descriptor >= 0 {
                    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
                    var left = Int(info.st_size)
                    while left > 0 {
                        let written = zeros.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, min(left, $0.count)) }
                        if written <= 0 { break }
                        left -= written
                    }
                    close(descriptor)
                }
            }
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
