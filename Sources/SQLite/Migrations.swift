/// One step of a schema's history. Versions start at 1 and increase by one.
public struct Migration: Sendable {
    public var version: Int
    public var apply: @Sendable (Database) throws -> Void

    public init(version: Int, _ apply: @escaping @Sendable (Database) throws -> Void) {
        self.version = version
        self.apply = apply
    }

    /// A migration that runs SQL statements.
    public init(version: Int, sql: String) {
        self.init(version: version) { database in try database.execute(sql) }
    }
}

public enum MigrationError: Error, Equatable, Sendable {
    /// The database was written by a newer program: refuse rather than misread it.
    case schemaTooNew(found: Int, supported: Int)
    case versionsNotConsecutive
}

extension Database {
    /// Brings the schema up to the last migration, each step in its own transaction together
    /// with the new `user_version`. Returns the versions applied.
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        guard ordered.enumerated().allSatisfy({ $0.offset + 1 == $0.element.version }) else {
            throw MigrationError.versionsNotConsecutive
        }
        let current = try userVersion
        let latest = ordered.last?.version ?? 0
        if current > latest { throw MigrationError.schemaTooNew(found: current, supported: latest) }
        var applied: [Int] = []
        for migration in ordered where migration.version > current {
            try transaction {
                try migration.apply(self)
                try execute("PRAGMA user_version = \(migration.version)")
            }
            applied.append(migration.version)
        }
        return applied
    }
}
