import Foundation
import Glibc

/// Waits for SIGTERM, SIGINT or SIGHUP (the terminal went away) with the self-pipe trick: the
/// handler only writes one byte.
enum SignalWaiter {
    /// The pipe, created before any handler can run (a global's lazy initialisation is not
    /// async-signal-safe).
    static let pipe: (read: Int32, write: Int32) = {
        var descriptors: [Int32] = [0, 0]
        _ = Glibc.pipe(&descriptors)
        return (descriptors[0], descriptors[1])
    }()

    static func install() {
        _ = pipe
        signalWriteDescriptor = pipe.write
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, handleStopSignal)
        signal(SIGINT, handleStopSignal)
        signal(SIGHUP, handleStopSignal)
    }

    /// Also stops when standard input reaches its end: a parent that passes a pipe as our
    /// standard input (tests, `mes --demo`) stops us by exiting, even when it crashes.
    static func stopWhenStandardInputCloses() {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = read(0, &buffer, buffer.count)
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            var byte: UInt8 = 1
            _ = write(pipe.write, &byte, 1)
        }
        thread.start()
    }

    /// Blocks until a stop signal arrives.
    static func wait() {
        var byte: UInt8 = 0
        while read(pipe.read, &byte, 1) < 0 && errno == EINTR {}
    }
}

/// Read by the signal handler; written once, before the handlers are installed.
nonisolated(unsafe) private var signalWriteDescriptor: Int32 = -1

private func handleStopSignal(_ signal: Int32) {
    var byte: UInt8 = 1
    _ = write(signalWriteDescriptor, &byte, 1)
}
