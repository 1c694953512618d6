import Foundation
import HealthRecord
import Vault

/// Changes made in a space the account lost (a delegation revoked or ended, a child come of
/// age) before they reached the server. They are never dropped silently: the sync moves them
/// out of the outbox (the server would refuse them now) into this store, says so in its
/// report, and the user exports them (`mes spaces lost --export FILE`) for the holder, then
/// clears them.
public struct LostChange: Codable, Sendable, Equatable {
    public var profileID: String
    /// Whose space it was ("Hélène MARTINEAU").
    public var spaceName: String
    public var kind: String
    public var recordID: String
    public var operation: String
    /// The record as it would have been sent (JSON), nil for a deletion.
    public var payload: String?
    public var created: Date
    public var lost: Date
}

public struct LostChangeStore {
    static let key = "sync.lost-changes"
    let session: VaultSession

    public init(session: VaultSession) { self.session = session }

    public func all() throws -> [LostChange] {
        try session.settings.value(Self.key, as: [LostChange].self) ?? []
    }

    /// Moves the outbox entries of a space being forgotten here; returns how many.
    func keep(outboxOf profile: Profile, now: Date) throws -> Int {
        let entries = try session.outbox.pending(profile: profile.id, limit: 100_000)
        guard !entries.isEmpty else { return 0 }
        let kept = entries.map { entry in
            LostChange(profileID: profile.id, spaceName: profile.displayName, kind: entry.kind.rawValue, recordID: entry.recordID,
                       operation: entry.operation.rawValue, payload: entry.payload.map { String(decoding: $0, as: UTF8.self) },
                       created: entry.created, lost: now)
        }
        try session.settings.set(try all() + kept, for: Self.key)
        for entry in entries { try session.outbox.remove(entry.sequence) }
        return kept.count
    }

    /// Forgets the kept changes (after the user exported them).
    public func clear() throws { try session.settings.remove(Self.key) }
}

extension VaultSession {
    public var lostChanges: LostChangeStore { LostChangeStore(session: self) }
}
