import Foundation
import Synchronization
import TerminalUI
import Vault

/// How a demo or kiosk session ends, whichever way it ends (the user quits, the session is
/// idle, SIGTERM, SIGHUP when the terminal goes away, SIGINT): the vault's key is wiped, every
/// file of the session is removed (its vault in `/dev/shm`, its scratch folder, the demo
/// server's data), and the terminal's screen and scrollback are erased. The user's own
/// interactive sessions install the same handlers: a signal closes their vault (nothing of the
/// vault's files is removed) and erases the terminal. SIGKILL cannot be caught:
/// what a killed session left is swept by the next demo or kiosk start (`sweep`), by the process
/// id in the folders' names.
///
/// A signal handler only writes the signal's number to a pipe (async-signal-safe); a thread
/// runs the registered clean-ups, gives the terminal back, erases it and ends the process with
/// the signal's status (128 + its number).
enum SessionEnding {
    /// The folder names of a session's files: `<prefix><pid>-<random>`.
    static let scratchPrefix = "mes-scratch-"
    static let demoPrefix = "mes-demo-"
    static let prefixes = [scratchPrefix, demoPrefix, "mes-kiosk-"]

    /// A fresh folder name with this process's id, so a sweep can tell when it was abandoned.
    static func folderName(_ prefix: String) -> String {
        prefix + String(getpid()) + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// Removes what sessions killed outright left, in `/dev/shm` and the temporary directory.
    static func sweep() {
        let bases = [URL(fileURLWithPath: "/dev/shm", isDirectory: true), FileManager.default.temporaryDirectory]
        for base in bases {
            for prefix in prefixes { Vault.removeAbandonedDirectories(in: base, prefix: prefix) }
        }
    }

    // MARK: Clean-ups

    private static let cleanups = Mutex<[Int: @Sendable () -> Void]>([:])
    private static let nextToken = Atomic<Int>(0)

    /// Registers work to do if a signal ends the process (the normal path does it itself and
    /// then calls `unregister`). Returns a token for `unregister`.
    @discardableResult
    static func register(_ cleanup: @escaping @Sendable () -> Void) -> Int {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        cleanups.withLock { $0[token] = cleanup }
        return token
    }

    static func unregister(_ token: Int) {
        _ = cleanups.withLock { $0.removeValue(forKey: token) }
    }

    /// Runs (once) every registered clean-up, most recent first.
    static func runCleanups() {
        let pending = cleanups.withLock { table -> [(Int, @Sendable () -> Void)] in
            defer { table.removeAll() }
            return table.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
        }
        for (_, cleanup) in pending { cleanup() }
    }

    // MARK: Signals

    static let pipe: (read: Int32, write: Int32) = {
        var descriptors: [Int32] = [-1, -1]
        _ = Glibc.pipe(&descriptors)
        return (descriptors[0], descriptors[1])
    }()

    /// Installs the handlers (before curses starts, so it does not install its own) and the
    /// thread that ends the session on SIGTERM, SIGINT or SIGHUP. In a kiosk, SIGTSTP and SIGQUIT
    /// are ignored too (the terminal is raw, so Ctrl-Z and Ctrl-\ are keys anyway).
    static func install(kiosk: Bool) {
        signalPipeWrite = pipe.write
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] { signal(signalNumber, handleSessionSignal) }
        if kiosk {
            signal(SIGTSTP, SIG_IGN)
            signal(SIGQUIT, SIG_IGN)
            signal(SIGTTOU, SIG_IGN)
        }
        // A write to a terminal that went away must not kill the process before it cleans up.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread {
            var number: Int32 = 0
            while read(pipe.read, &number, MemoryLayout<Int32>.size) < 0 && errno == EINTR {}
            // Held until the process ends: a main thread finishing at the same moment waits.
            ending.lock()
            runCleanups()
            CursesTerminal.restoreAfterSignal()
            eraseTerminal()
            removeOwnFolders()
            _exit(128 + number)
        }
        thread.start()
    }

    private static let ending = NSLock()

    /// The normal end of a session's process: waits if a signal's clean-up is under way (that
    /// one ends the process), then removes any folder of this process that a background thread
    /// (Foundation's networking) may have made again after its clean-up.
    static func finish() {
        ending.lock()
        removeOwnFolders()
        ending.unlock()
    }

    /// Removes every session folder named after this process, in `/dev/shm` and the temporary directory.
    static func removeOwnFolders() {
        let bases = [URL(fileURLWithPath: "/dev/shm", isDirectory: true), FileManager.default.temporaryDirectory]
        let own = prefixes.map { $0 + String(getpid()) + "-" }
        for base in bases {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where own.contains(where: name.hasPrefix) {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
    }

    // MARK: The terminal

    /// Leaves the alternate screen, clears the screen, erases the scrollback (`ESC [ 3 J`) and
    /// resets the terminal (`ESC c`), so nothing of the session can be scrolled back to. Call
    /// after curses has ended. Harmless on a terminal that went away (the write fails).
    static func eraseTerminal() {
        fflush(nil)
        let sequence = Array(eraseSequence.utf8)
        _ = sequence.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }

    static let eraseSequence = "\u{1B}[?1049l\u{1B}[H\u{1B}[2J\u{1B}[3J\u{1B}c"
}

/// Read by the signal handler; written once, before the handlers are installed.
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

private func handleSessionSignal(_ signalNumber: Int32) {
    var number = signalNumber
    _ = write(signalPipeWrite, &number, MemoryLayout<Int32>.size)
}
