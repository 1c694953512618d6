/// Merges two edited versions of a record field by field against their common ancestor.
///
/// A field changed on one side only takes that side's value. A field changed on both sides to
/// different values is a conflict: the remote (server) value wins in the merged record, and the
/// local value is returned so that it is kept as a visible conflict the user resolves. Nothing
/// is dropped.
public enum ThreeWayMerge {
    public struct Conflict<Value: Equatable & Sendable>: Equatable, Sendable {
        public var field: String
        public var base: Value?
        public var local: Value?
        public var remote: Value?

        public init(field: String, base: Value?, local: Value?, remote: Value?) {
            self.field = field
            self.base = base
            self.local = local
            self.remote = remote
        }
    }

    public struct Result<Value: Equatable & Sendable>: Equatable, Sendable {
        /// The merged fields (an absent key means the field is absent).
        public var merged: [String: Value]
        public var conflicts: [Conflict<Value>]
        /// Fields whose local change survived the merge (so the merged record must be sent).
        public var locallyChangedFields: [String]
    }

    public static func merge<Value: Equatable & Sendable>(
        base: [String: Value], local: [String: Value], remote: [String: Value]
    ) -> Result<Value> {
        var merged: [String: Value] = [:]
        var conflicts: [Conflict<Value>] = []
        var locallyChanged: [String] = []
        let fields = Set(base.keys).union(local.keys).union(remote.keys).sorted()
        for field in fields {
            let ancestor = base[field], mine = local[field], theirs = remote[field]
            let value: Value?
            if mine == theirs {
                value = theirs
            } else if mine == ancestor {
                value = theirs
            } else if theirs == ancestor {
                value = mine
                locallyChanged.append(field)
            } else {
                value = theirs
                conflicts.append(Conflict(field: field, base: ancestor, local: mine, remote: theirs))
            }
            if let value { merged[field] = value }
        }
        return Result(merged: merged, conflicts: conflicts, locallyChangedFields: locallyChanged)
    }
}
