import Foundation
import Synchronization

/// Test-only faults (`--enable-fault-injection`): the next N requests (optionally only those
/// whose path starts with a prefix) fail in a chosen way, so clients' retry logic can be tested
/// against the real server.
final class FaultInjector: Sendable {
    enum Fault: String, Sendable, CaseIterable {
        /// Answer 500 with an OperationOutcome.
        case error
        /// Wait `stallSeconds`, then answer normally.
        case stall
        /// Close the connection without answering.
        case close
        /// Announce the whole body, send half of it, close.
        case truncate
        /// Answer 200 with a body that is not valid JSON.
        case malformed
    }

    struct Plan: Sendable {
        var fault: Fault
        var remaining: Int
        var stallSeconds: Double
        var pathPrefix: String?
    }

    private let plan = Mutex<Plan?>(nil)

    func arm(_ newPlan: Plan?) { plan.withLock { $0 = newPlan } }

    /// The fault for a request to `path`, consuming one of the planned count.
    func take(path: String) -> Plan? {
        plan.withLock { current -> Plan? in
            guard var active = current, active.remaining > 0 else { return nil }
            if let prefix = active.pathPrefix, !path.hasPrefix(prefix) { return nil }
            active.remaining -= 1
            current = active.remaining > 0 ? active : nil
            return active
        }
    }

    var remaining: Int { plan.withLock { $0?.remaining ?? 0 } }
}
