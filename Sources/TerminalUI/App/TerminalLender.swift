import Foundation
import Synchronization

/// Lends the terminal to another program for a while, as mutt does for `$EDITOR`: the running
/// `Runtime` leaves curses mode (`endwin`), runs the work on its own thread with the terminal
/// handed over, then takes the terminal back and repaints every cell.
///
/// An effect (off the UI thread) calls `borrow`; the work itself runs on the UI thread between
/// the runtime's reads, so nothing draws or reads keys while the other program has the terminal.
public final class TerminalLender: Sendable {
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    private static let running = Mutex<TerminalLender?>(nil)

    /// The lender of the runtime that is running on a real terminal, if any.
    public static var current: TerminalLender? { running.withLock { $0 } }

    static func install(_ lender: TerminalLender?) {
        let previous = running.withLock { current in
            defer { current = lender }
            return current
        }
        previous?.cancelPending()
    }

    /// Runs `work` with the terminal handed over (curses suspended) and returns its result, or
    /// nil when no runtime is running on a terminal (tests, benchmarks) or it stopped first.
    public static func borrow<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        guard let lender = current else { return nil }
        return await lender.borrow(work)
    }

    func borrow<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let once = Mutex(false)
            let job: @Sendable () -> Void = {
                guard once.withLock({ done in defer { done = true }; return !done }) else { return }
                continuation.resume(returning: work())
            }
            let cancel: @Sendable () -> Void = {
                guard once.withLock({ done in defer { done = true }; return !done }) else { return }
                continuation.resume(returning: nil)
            }
            pending.withLock { $0.append(job); cancellers.withLock { $0.append(cancel) } }
            wake()
        }
    }

    private let cancellers = Mutex<[@Sendable () -> Void]>([])

    /// The works waiting for the terminal (the runtime runs them).
    func take() -> [@Sendable () -> Void] {
        pending.withLock { jobs in
            defer { jobs.removeAll() }
            return jobs
        }
    }

    /// Answers nil to every borrower still waiting (the runtime is stopping).
    func cancelPending() {
        _ = take()
        let cancels = cancellers.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for cancel in cancels { cancel() }
    }
}
