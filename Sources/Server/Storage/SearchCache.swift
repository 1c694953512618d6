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
    /// Whole searchset Bundles, serialized, by search key and request: a repeated search is
    /// answered with the same bytes (the gate has still opened the caller's scope first).
    private let bundles = Mutex<[String: (generation: UInt64, bytes: [UInt8])]>([:])

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

    func bundle(for key: String, generation: UInt64) -> [UInt8]? {
        guard capacity > 0, let entry = bundles.withLock({ $0[key] }), entry.generation >= generation else { return nil }
        return entry.bytes
    }

    func storeBundle(_ key: String, generation: UInt64, bytes: [UInt8], rows: Int) {
        guard capacity > 0, rows <= Self.largestPage else { return }
        bundles.withLock { bundles in
            if bundles.count >= capacity { bundles.removeAll(keepingCapacity: true) }
            bundles[key] = (generation, bytes)
        }
    }
}
