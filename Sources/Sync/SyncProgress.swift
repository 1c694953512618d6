import Foundation

/// Where a sync stands, published as it goes (to the UI and to `mes sync`).
public struct SyncProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        /// Asking the server which spaces the account may act for.
        case discovering
        /// Sending the outbox.
        case pushing
        /// Receiving the changes feed.
        case pulling
        /// Fetching document contents kept offline.
        case fetchingContents
        /// A request failed for a moment: waiting before trying again.
        case retrying
        case finished
    }

    public var phase: Phase = .discovering
    /// The space being synced.
    public var profileID: String?
    /// Outbox entries sent, and how many there were to send.
    public var sent = 0
    public var toSend = 0
    /// Changes received and applied.
    public var received = 0
    /// Document contents fetched (offline setting).
    public var contentsFetched = 0
    public var conflicts = 0
    public var errors = 0
    public var requests = 0
    public var bytesSent = 0
    public var bytesReceived = 0

    public init() {}
}

/// What a finished sync did.
public struct SyncReport: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        /// Everything went through: the outbox is empty and no new conflict appeared.
        case complete
        /// Some entries could not be sent (refused) or new conflicts wait for the user.
        case incomplete
        /// The server could not be reached: everything stays queued.
        case offline
        /// The token expired or was refused: log in again; nothing queued was lost.
        case unauthorized
    }

    /// An entry the server refused for good (kept in the outbox, shown to the user).
    public struct Failure: Sendable, Equatable {
        public var profileID: String
        public var kind: String
        public var recordID: String
        /// `SyncError.code` of the refusal.
        public var code: String
    }

    public var outcome: Outcome = .complete
    public var sent = 0
    public var received = 0
    /// Conflicts recorded during this sync.
    public var conflicts = 0
    public var failures: [Failure] = []
    /// A space the account lost (a delegation ended, a child come of age), with how many
    /// changes made there were unsent: those are kept aside (`LostChangeStore`), never dropped.
    public struct LostSpace: Sendable, Equatable {
        public var profileID: String
        public var spaceName: String
        public var count: Int
    }
    public var lostChanges: [LostSpace] = []
    /// Entries still in the outbox when the sync ended.
    public var pending = 0
    /// Why the sync stopped early (offline, server trouble), when it did.
    public var stopReason: SyncError?
    public var requests = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    public var duration: Duration = .zero

    public var errors: Int { failures.count + (stopReason == nil ? 0 : 1) }
}
