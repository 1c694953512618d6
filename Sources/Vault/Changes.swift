import Foundation
import HealthRecord
import Synchronization

/// What one committed transaction changed: screens refresh and sync wakes up on it.
public struct VaultChange: Sendable, Equatable {
    /// Records saved or deleted, by kind.
    public var records: [RecordKind: Set<String>] = [:]
    /// Profiles whose records changed.
    public var profiles: Set<String> = []
    public var outboxChanged = false
    public var syncStateChanged = false
    /// Settings keys written.
    public var settings: Set<String> = []

    public init() {}

    public var isEmpty: Bool {
        records.isEmpty && !outboxChanged && !syncStateChanged && settings.isEmpty
    }

    public func contains(_ kind: RecordKind) -> Bool { records[kind] != nil }

    mutating func record(_ kind: RecordKind, id: String, profile: String) {
        records[kind, default: []].insert(id)
        profiles.insert(profile)
    }
}

/// Collects the changes of the transaction in progress (a write session's notebook).
final class ChangeLog {
    var change = VaultChange()
}

/// Hands each committed change to every subscriber.
final class ChangeBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<VaultChange>.Continuation]>([:])

    func stream() -> AsyncStream<VaultChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: VaultChange.self, bufferingPolicy: .bufferingNewest(64))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func send(_ change: VaultChange) {
        let continuations = subscribers.withLock { Array($0.values) }
        for continuation in continuations { continuation.yield(change) }
    }

    func finish() {
        let continuations = subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
