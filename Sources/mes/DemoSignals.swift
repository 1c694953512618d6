import Foundation
import TerminalUI

/// `mes --demo` stopped by SIGTERM, SIGINT or SIGHUP: the demo's server and data go, the
/// ephemeral vault's files too, and the terminal is given back before the process ends with the
/// signal's status (128 + its number). SIGKILL cannot be caught: then the server sees its
/// standard input close and removes its data itself, and the vault's files (encrypted under a
/// key that died with the process) are removed by the next `mes --demo` or kiosk.
///
/// The handler only writes the signal's number to a pipe (async-signal-safe); a thread does the
/// work. Kept small on purpose: the kiosk (issue 17) generalises it.
enum DemoSignals {
    static let pipe: (read: Int32, write: Int32) = {
        var descriptors: [Int32] = [-1, -1]
        _ = Glibc.pipe(&descriptors)
        return (descriptors[0], descriptors[1])
    }()

    static let signals = [SIGTERM, SIGINT, SIGHUP]

    /// Installs the handlers (before curses starts, so it does not install its own) and the
    /// thread that runs `cleanup` once, then exits.
    static func install(cleanup: @escaping @Sendable () -> Void) {
        signalPipeWrite = pipe.write
        for signalNumber in signals { signal(signalNumber, handleDemoSignal) }
        let thread = Thread {
            var number: Int32 = 0
            while read(pipe.read, &number, MemoryLayout<Int32>.size) < 0 && errno == EINTR {}
            cleanup()
            CursesTerminal.restoreAfterSignal()
            _exit(128 + number)
        }
        thread.start()
    }
}

/// Read by the signal handler; written once, before the handlers are installed.
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

private func handleDemoSignal(_ signalNumber: Int32) {
    var number = signalNumber
    _ = write(signalPipeWrite, &number, MemoryLayout<Int32>.size)
}
