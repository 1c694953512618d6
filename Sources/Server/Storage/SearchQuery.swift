import SQLite

/// A search's answer: the total, the page, and the key that names it in the `SearchCache`
/// (the same key for the same rows: space, visibility and parameters included).
struct SearchResult {
    var total: Int
    var rows: [StoredResource]
    var key: String
}

/// One search, as the search endpoint parsed it: run by a `Scope` (which sets the space and
/// adds the caller's visibility) or, for shared types, by the gate.
struct SearchQuery {
    var type: String
    /// Set by the scope that runs it.
    var patient: String = ""
    /// Token parameters: each group lists alternatives (`name=value`), the groups all apply.
    /// They are looked up in the `resource_tokens` side table.
    var tokenGroups: [[String]] = []
    /// Other conditions on the `resources` columns, with their arguments.
    var conditions: [String] = []
    var arguments: [any SQLBindable] = []
    var order = "date IS NULL, date DESC, id"
    var count = 50
    var offset = 0
    /// `_summary=count` or `_count=0`: the total only.
    var countOnly = false

    init(type: String) { self.type = type }

    /// The total and the page; from `cache` when the same query was answered at this
    /// `generation` of the store (or later).
    func run(_ db: Database, visibility: VisibilityRule?, cache: SearchCache? = nil, generation: UInt64 = 0) throws -> SearchResult {
        var clauses = ["type = ?", "deleted = 0"]
        var values: [any SQLBindable] = [type]
        if !patient.isEmpty || visibility != nil {
            clauses.append("patient = ?")
            values.append(patient)
        }
        for group in tokenGroups {
            clauses.append("id IN (SELECT id FROM resource_tokens WHERE patient = ? AND type = ? AND token IN (\(group.map { _ in "?" }.joined(separator: ","))))")
            values.append(patient)
            values.append(type)
            values.append(contentsOf: group as [any SQLBindable])
        }
        clauses.append(contentsOf: conditions)
        values.append(contentsOf: arguments)
        if let visibility {
            let rule = visibility.sql
            clauses.append(rule.condition)
            values.append(contentsOf: rule.arguments)
        }
        let whereClause = clauses.joined(separator: " AND ")
        let key = "\(whereClause)|\(values.map { "\($0)" }.joined(separator: "\u{1}"))|\(order)|\(count)|\(offset)|\(countOnly)"
        if let cache, let hit = cache.value(for: key, generation: generation) { return SearchResult(total: hit.total, rows: hit.rows, key: key) }
        let result = try compute(db, whereClause: whereClause, values: values)
        cache?.store(key, generation: generation, total: result.total, rows: result.rows)
        return SearchResult(total: result.total, rows: result.rows, key: key)
    }

    private func compute(_ db: Database, whereClause: String, values: [any SQLBindable]) throws -> (total: Int, rows: [StoredResource]) {
        var total = 0
        if case .integer(let value) = try db.scalar("SELECT count(*) FROM resources WHERE \(whereClause)", values) { total = Int(value) }
        if countOnly || count == 0 { return (total, []) }
        // Filter and sort on the index rows; fetch bodies for the page only.
        let rows = try db.query("""
            SELECT \(ResourceRepository.columns) FROM (
                SELECT \(ResourceRepository.indexColumns) FROM resources WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?
            ) AS resources ORDER BY \(order)
            """, values + [count, offset], map: ResourceRepository.row)
        return (total, rows)
    }
}
