import Foundation
import Synchronization

/// Search results by query and database generation. The store's generation changes with every
/// write, so an entry is only ever served for the very state it was computed from (or a newer
/// one); the gate still decides every request's access first, and the visibility rule is part
/// of the query, so two callers who see differently never share an entry. Pages of at most
/// `largestPage` rows are kept, `capacity` entries at most (the whole cache is dropped when
/// full: searches repeat far more than they vary).
final class SearchCache: Sendable {
    struct Entry: Sendable {
        var generation: UInt64
        var total: Int
        var rows: [StoredResource]
    }

    let capacity: Int
    static let largestPage = 100
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func value(for key: String, generation: UInt64) -> (total: Int, rows: [StoredResource])? {
        guard capacity > 0, let entry = entries.withLock({ $0[key] }), entry.generation >= generation else { return nil }
        return (entry.total, entry.rows)
    }

    func store(_ key: String, generation: UInt64, total: Int, rows: [StoredResource]) {
        guard capacity > 0, rows.count <= Self.largestPage else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(generation: generation, total: total, rows: rows)
        }
    }
}
