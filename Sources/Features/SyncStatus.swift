import L10n
import TerminalUI

/// How the last sync attempt ended, in the header's words.
public enum SyncState: Hashable, Sendable {
    /// No account: nothing to sync with.
    case notConnected
    case upToDate
    case syncing
    /// The server could not be reached; everything waits in the outbox.
    case offline
    /// The account must log in again (`mes login`); nothing queued is lost.
    case unauthorized
    /// Some changes were refused or conflicts wait for the user.
    case failed

    public var word: String {
        switch self {
        case .notConnected: tr("header.sync.not-connected")
        case .upToDate: tr("header.sync.up-to-date")
        case .syncing: tr("header.sync.syncing")
        case .offline: tr("header.sync.offline")
        case .unauthorized: tr("header.sync.unauthorized")
        case .failed: tr("header.sync.failed")
        }
    }
}

/// How one sync went, as the shell needs it.
public struct SyncResult: Hashable, Sendable {
    public var state: SyncState
    /// Local changes still waiting to be sent.
    public var pending: Int
    /// Records the sync brought.
    public var received: Int
    /// Spaces the account lost in this sync (a delegation ended), and what to say of them
    /// (changes made there and never sent are kept aside, never dropped).
    public var lostSpaces: [String]
    public var notices: [String]

    public init(state: SyncState, pending: Int, received: Int = 0, lostSpaces: [String] = [], notices: [String] = []) {
        self.state = state
        self.pending = pending
        self.received = received
        self.lostSpaces = lostSpaces
        self.notices = notices
    }
}

/// What the program gives the shell to sync with (nil: no account, or a kiosk without one).
public struct SyncService: Sendable {
    /// Runs one sync (push the outbox, pull the changes); never throws.
    public var sync: @Sendable () async -> SyncResult

    public init(sync: @escaping @Sendable () async -> SyncResult) {
        self.sync = sync
    }
}

/// The truth the header tells about sync: what waits in the outbox, whether a sync runs, how
/// the last attempt went. Schedules syncs: a short while after a local change (debounced, so a
/// burst of edits makes one sync), at once on `$`, later again while offline (backing off).
public struct SyncStatus: Hashable, Sendable {
    /// How long after a local change the sync starts (more changes meanwhile join it).
    public static let debounce = Duration.milliseconds(1500)
    /// The first retry after an offline attempt; it doubles up to `maximumRetry`.
    public static let firstRetry = Duration.seconds(15)
    public static let maximumRetry = Duration.seconds(300)

    public private(set) var last: SyncState
    public private(set) var pending: Int
    public private(set) var running = false
    /// When the next sync starts by itself.
    public private(set) var due: ContinuousClock.Instant?
    /// A sync was asked for while one ran: run again when it ends.
    private var again = false
    private var retry = SyncStatus.firstRetry

    public init(last: SyncState = .notConnected, pending: Int = 0) {
        self.last = last
        self.pending = pending
    }

    /// The header's words: "2 en attente", "hors ligne, 2 en attente", "à jour", "en cours".
    public var word: String {
        if running { return SyncState.syncing.word }
        let waiting = pending > 0 ? trPlural("header.sync.pending", count: pending) : nil
        switch last {
        case .upToDate, .syncing: return waiting ?? SyncState.upToDate.word
        case .notConnected: return waiting ?? last.word
        case .offline, .unauthorized, .failed: return [last.word, waiting].compactMap { $0 }.joined(separator: ", ")
        }
    }

    /// The core says how the last sync went (from outside the shell's own syncs).
    public mutating func assume(_ state: SyncState) {
        if !running { last = state }
    }

    /// The outbox changed: `count` changes wait. A new local change schedules a sync.
    public mutating func outbox(_ count: Int, now: ContinuousClock.Instant, canSync: Bool) {
        let grew = count > pending
        pending = count
        guard grew, canSync else { return }
        retry = Self.firstRetry
        if running { again = true } else { due = now + Self.debounce }
    }

    /// Sync now: true when the caller should start it (false: one runs, it will run again).
    public mutating func start(now: ContinuousClock.Instant) -> Bool {
        if running {
            again = true
            return false
        }
        running = true
        due = nil
        again = false
        return true
    }

    /// True when a scheduled sync is due.
    public func isDue(_ now: ContinuousClock.Instant) -> Bool {
        guard let due else { return false }
        return !running && now >= due
    }

    /// A sync ended.
    public mutating func finished(_ result: SyncResult, now: ContinuousClock.Instant) {
        running = false
        last = result.state
        pending = result.pending
        if again {
            again = false
            due = now
        } else if result.pending > 0 && result.state == .offline {
            // Try again later, less and less often; `$` tries at once.
            due = now + retry
            retry = min(retry * 2, Self.maximumRetry)
        } else {
            retry = Self.firstRetry
        }
    }
}
