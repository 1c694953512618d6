import Foundation
import Synchronization

/// The server's settings, from the command line.
public struct ServerSettings: Sendable {
    /// Lifetime of a bearer token.
    public var tokenLifetime: TimeInterval = 3600
    /// Lifetime of a one-time login code.
    public var otpLifetime: TimeInterval = 300
    /// Length of an emergency (bris de glace / SAMU) session.
    public var emergencyLifetime: TimeInterval = 3600
    /// Argon2id cost of account password hashes (stored inside each hash).
    public var passwordIterations: UInt64 = 2
    public var passwordMemoryBytes: Int = 8 << 20
    /// Largest page a search or the changes feed returns.
    public var maximumPageSize = 1000
    public var defaultPageSize = 50
    public var defaultChangesPageSize = 500
    /// Search results kept between writes (`SearchCache`); 0 disables the cache.
    public var searchCacheEntries = 256
    /// Test controls: `/_test/clock` and `/_test/faults` exist only when enabled.
    public var testClockEnabled = false
    public var faultInjectionEnabled = false

    public init() {}
}

/// The server's notion of now: the system clock plus an offset a test may move forward
/// (only with `--enable-test-clock`).
public final class ServerClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    public init() {}
    public var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    public func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    public var currentOffset: TimeInterval { offset.withLock { $0 } }
}

/// Lines for the server's log (standard error). Never health data, never secrets — except the
/// demo's one-time codes, which the demo server is meant to show.
public enum ServerLog {
    /// A closed standard error (the parent went away) loses the line, never the process: with
    /// SIGPIPE ignored the write fails with EPIPE, which `FileHandle.write` would turn into a
    /// crash before the server's shutdown work (removing demo data) could run.
    public static func write(_ line: String) {
        let bytes = Array(("mes-server: " + line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}

/// Everything a request handler needs.
final class ServerContext: Sendable {
    let store: Store
    let clock: ServerClock
    let settings: ServerSettings
    let dataDirectory: URL
    let faults: FaultInjector
    /// The one way into the resources (see `Gate`).
    let gate: Gate

    init(store: Store, clock: ServerClock, settings: ServerSettings, dataDirectory: URL) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.dataDirectory = dataDirectory
        self.faults = FaultInjector()
        self.gate = Gate(store: store, clock: clock)
    }
}
