import Foundation
import Glibc
import Synchronization

/// Deadlines no slow client can extend. libmicrohttpd's own timeout is an *idle* timeout: a
/// client that trickles one header byte every few seconds is never idle and would hold its
/// connection forever (a few hundred such clients filled every slot and starved everyone).
/// Here each connection has a deadline by which its next step must be done — its request
/// headers from when it opened or its previous answer was sent, its body from its headers,
/// its answer from when it was ready — and a watchdog shuts down the socket of any connection
/// past its deadline, however busy it keeps it.
final class ConnectionDeadlines: Sendable {
    private struct Entry {
        var socket: Int32
        var deadline: Double
    }

    private let entries = Mutex<[UInt: Entry]>([:])
    private let running = Atomic<Bool>(false)
    /// Seconds allowed for each step.
    let stepSeconds: Double
    /// How many connections were cut at their deadline (for tests and logs).
    let expired = Atomic<Int>(0)

    init(stepSeconds: Double) { self.stepSeconds = stepSeconds }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A connection opened: its request headers are due within one step.
    func opened(_ connection: UnsafeMutableRawPointer, socket: Int32) {
        guard socket >= 0 else { return }
        let deadline = Self.now() + stepSeconds
        entries.withLock { $0[UInt(bitPattern: connection)] = Entry(socket: socket, deadline: deadline) }
    }

    /// The connection's next step is due in `seconds` (one step plus an allowance for size).
    func due(_ connection: OpaquePointer, in seconds: Double) {
        let deadline = Self.now() + seconds
        entries.withLock { $0[UInt(bitPattern: UnsafeMutableRawPointer(connection))]?.deadline = deadline }
    }

    /// The connection closed (its socket is still open: MHD notifies before closing it).
    func closed(_ connection: UnsafeMutableRawPointer) {
        _ = entries.withLock { $0.removeValue(forKey: UInt(bitPattern: connection)) }
    }

    /// Shuts down the sockets of the connections past their deadline; MHD then sees the
    /// connection end and cleans it up (and notifies `closed`). The lock is held while shutting
    /// down, so a socket is never touched after MHD has closed it.
    func sweep() {
        let now = Self.now()
        entries.withLock { entries in
            for (key, entry) in entries where entry.deadline < now {
                shutdown(entry.socket, Int32(SHUT_RDWR))
                entries[key]?.deadline = .infinity
                expired.add(1, ordering: .relaxed)
            }
        }
    }

    /// Sweeps every quarter second until `stop`.
    func start() {
        running.store(true, ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in
            while running.load(ordering: .sequentiallyConsistent) {
                usleep(250_000)
                sweep()
            }
        }
        thread.start()
    }

    func stop() { running.store(false, ordering: .sequentiallyConsistent) }

    var count: Int { entries.withLock { $0.count } }
}
