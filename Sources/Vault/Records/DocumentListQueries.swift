import Foundation
import HealthRecord
import SQLite

/// Documents of a list and their categories, each category in the list's order. A search's
/// matches take this form: found once per read of one list and reused by its counts, position
/// and pages, which then read only the rows they show. Before, each of them read the matched ids
/// again from a JSON array (three passes over 10,000 ids a keystroke at 30,000 documents).
public struct DocumentsInOrder: Sendable {
    var ids: [String] = []
    var categories: [Document.Category] = []

    /// The documents of one category, in the list's order.
    func ids(in category: Document.Category) -> [String] {
        zip(ids, categories).compactMap { $0.1 == category ? $0.0 : nil }
    }

    /// The documents among `kept`, in the same order.
    func filtered(by kept: Set<String>) -> DocumentsInOrder {
        var filtered = DocumentsInOrder()
        for (id, category) in zip(ids, categories) where kept.contains(id) {
            filtered.ids.append(id)
            filtered.categories.append(category)
        }
        return filtered
    }
}

extension RecordStore where Record == Document {
    /// Runs the query's full-text search once (nil when it has none): the documents it finds
    /// that the query shows, its category aside, each category in the query's order.
    ///
    /// The matched ids go into a Swift set that filters the list in its order (its categories in
    /// the index's order, which the list does not use). The list comes from the list index,
    /// which holds every column the list filters on, so no document row is read: joining the
    /// matches to the documents read 10,000 rows (one decrypted page each, bodies and all) at
    /// 30,000 documents and was twice as slow.
    public func listMatches(_ query: DocumentListQuery) throws -> DocumentsInOrder? {
        guard let search = query.search else { return nil }
        let matching = try matchingIDs(search, profile: query.profile)
        guard !matching.isEmpty else { return DocumentsInOrder() }
        return try listInOrder(query).filtered(by: matching)
    }

    /// Every document the query shows, search and category aside, each category in the list's
    /// order: from the reading connection's cache when nothing was committed since it was
    /// read (a search being typed), else walked from the list index.
    func listInOrder(_ query: DocumentListQuery) throws -> DocumentsInOrder {
        let (sql, values) = Self.listInIndexOrder(query)
        func walk() throws -> DocumentsInOrder {
            var list = DocumentsInOrder()
            _ = try session.database.query(sql, values) { row in
                list.ids.append(row.string(0))
                list.categories.append(row.optionalString(1).flatMap(Document.Category.init(rawValue:)) ?? .other)
            }
            return list
        }
        guard let cache = session.readCache else { return try walk() }
        return try cache.value(\.documentList, key: ReadCache.key(sql, values), read: walk)
    }

    /// How many documents the query's viewer may see in its space, before any filter or search
    /// (kept as the list is, so a search being typed does not count them again).
    public func listTotal(_ query: DocumentListQuery) throws -> Int {
        var unfiltered = query
        unfiltered.filter = DocumentFilter()
        let (conditions, values) = Self.conditions(unfiltered)
        let sql = "SELECT count(*) FROM document WHERE \(conditions)"
        func count() throws -> Int {
            guard case .integer(let count) = try session.database.scalar(sql, values) else { return 0 }
            return Int(count)
        }
        guard let cache = session.readCache else { return try count() }
        return try cache.value(\.documentTotal, key: ReadCache.key(sql, values), read: count)
    }

    /// Every document the query shows, search and category aside: id and category, each
    /// category in the list's order, read from the list index alone.
    static func listInIndexOrder(_ query: DocumentListQuery) -> (String, [any SQLBindable]) {
        let (conditions, values) = conditions(query.anyCategory)
        let categoryOrder = query.sort.ascending ? "list_category ASC" : "list_category DESC"
        return ("SELECT id, list_category FROM document WHERE \(conditions) ORDER BY \(categoryOrder), \(order(query.sort))", values)
    }

    /// The ids of the documents whose entries match (bound: the FTS5 query, the profile, the
    /// document kind). The matches lead and each entry is read by its rowid: with
    /// `rowid IN (subquery)` SQLite walked every document's entry by kind.
    static let matchingDocuments = """
        SELECT e.record_id FROM search_index s CROSS JOIN search_entry e ON e.rowid = s.rowid
        WHERE search_index MATCH ? AND e.profile_id = ? AND e.kind = ?
        """

    /// Settings key of the fingerprint of the catalogue `list_category` was filled with.
    static var listCatalogueSetting: String { "documents.list-catalogue" }

    /// Whether `prepareList` has work to do for `profile` (a cheap indexed read).
    public func listNeedsPreparing(profile: String, categorizer: DocumentCategorizer) throws -> Bool {
        let stored = try session.settings.value(Self.listCatalogueSetting, as: String.self)
        if stored != categorizer.fingerprint {
            return try session.database.queryFirst("SELECT 1 FROM document LIMIT 1") { _ in true } ?? false
        }
        return try session.database.queryFirst("SELECT 1 FROM document WHERE profile_id = ? AND list_category IS NULL LIMIT 1",
                                       [profile]) { _ in true } ?? false
    }

    /// Files the documents that have no list category yet (written before schema version 5,
    /// or by a process without the catalogue) and refiles every document when the catalogue
    /// changed. Not a change of any record: nothing is queued or announced. Returns the rows filled.
    @discardableResult
    public func prepareList(profile: String, categorizer: DocumentCategorizer) throws -> Int {
        let fingerprint = categorizer.fingerprint
        if try session.settings.value(Self.listCatalogueSetting, as: String.self) != fingerprint {
            try session.database.run("UPDATE document SET list_category = NULL")
            try session.settings.set(fingerprint, for: Self.listCatalogueSetting)
        }
        let rows = try session.database.query("""
            SELECT id, category, type_code, class_code, title, author FROM document WHERE profile_id = ? AND list_category IS NULL
            """, [profile]) { row in
            (id: row.string(0), category: categorizer.category(explicit: row.optionalString(1).flatMap(Document.Category.init(rawValue:)),
                                                               typeCode: row.string(2), classCode: row.string(3)),
             title: row.string(4), author: row.string(5))
        }
        let update = try session.database.cachedStatement("UPDATE document SET list_category = ?, title_key = ?, author_key = ? WHERE id = ?")
        for row in rows {
            update.reset()
            try update.bind([row.category.rawValue, listSortKey(row.title), listSortKey(row.author), row.id])
            _ = try update.step()
        }
        return rows.count
    }

    /// How many documents of each category the query shows, its category condition aside (so
    /// the counts tell what choosing another category would show). Categories without any are absent.
    public func listCounts(_ query: DocumentListQuery, matches: DocumentsInOrder? = nil) throws -> [Document.Category: Int] {
        var counts: [Document.Category: Int] = [:]
        if let matches = try matches ?? listMatches(query) {
            for category in matches.categories { counts[category, default: 0] += 1 }
            return counts
        }
        let (conditions, values) = Self.conditions(query.anyCategory)
        _ = try session.database.query("SELECT list_category, count(*) FROM document WHERE \(conditions) GROUP BY list_category", values) { row in
            let category = row.optionalString(0).flatMap(Document.Category.init(rawValue:)) ?? .other
            counts[category, default: 0] += row.int(1)
        }
        return counts
    }

    /// Rows `offset..<offset+limit` of one category of the list, in the list's order.
    public func listPage(_ query: DocumentListQuery, category: Document.Category, offset: Int, limit: Int,
                         matches: DocumentsInOrder? = nil) throws -> [DocumentSummary] {
        if let matches = try matches ?? listMatches(query) {
            return try matches.ids(in: category).dropFirst(max(0, offset)).prefix(max(0, limit)).compactMap { id in
                try session.database.queryFirst("SELECT \(Self.summaryColumns) FROM document WHERE id = ?", [id], map: Self.summary)
            }
        }
        var inCategory = query
        inCategory.filter.category = category
        let (conditions, values) = Self.conditions(inCategory)
        let sql = "SELECT \(Self.summaryColumns) FROM document WHERE \(conditions) ORDER BY \(Self.order(query.sort)) LIMIT ? OFFSET ?"
        return try session.database.query(sql, values + [limit, max(0, offset)], map: Self.summary)
    }

    static let summaryColumns = """
        id, title, type_code, class_code, list_category, author, organization, created_at, format, size, origin, is_read, visibility
        """

    static func summary(_ row: Row) -> DocumentSummary {
        let category: Document.Category = row.optionalString(4).flatMap(Document.Category.init(rawValue:)) ?? .other
        let origin: Document.Origin = Document.Origin(rawValue: row.string(10)) ?? .professional
        return DocumentSummary(
            id: row.string(0), title: row.string(1), typeCode: row.string(2), classCode: row.string(3),
            category: category,
            authorName: row.string(5), organization: row.optionalString(6),
            date: Date(timeIntervalSince1970: row.double(7)), format: row.string(8), size: row.int(9),
            origin: origin,
            isRead: row.bool(11), isMasked: hasLabel(row.string(12), .maskedFromProfessionals))
    }

    /// Where a document is in the list: its category and its rank in it; nil when the query
    /// does not show it.
    public func listPosition(of id: String, _ query: DocumentListQuery,
                             matches: DocumentsInOrder? = nil) throws -> (category: Document.Category, offset: Int)? {
        if let matches = try matches ?? listMatches(query) {
            guard let index = matches.ids.firstIndex(of: id) else { return nil }
            let category = matches.categories[index]
            if let shown = query.filter.category, shown != category { return nil }
            return (category, matches.categories[..<index].lazy.filter { $0 == category }.count)
        }
        let (conditions, values) = Self.conditions(query)
        guard let key = try session.database.queryFirst("""
            SELECT list_category, created_at, title_key, author_key FROM document WHERE \(conditions) AND id = ?
            """, values + [id], map: { row in
                (category: row.optionalString(0).flatMap(Document.Category.init(rawValue:)) ?? .other, date: row.double(1),
                 title: row.string(2), author: row.string(3))
            }) else { return nil }
        var inCategory = query
        inCategory.filter.category = key.category
        let (categoryConditions, categoryValues) = Self.conditions(inCategory)
        // Rows before it in the list's order (see `order`): the same comparisons, strictly.
        let dateFirst = query.sort.key == .date && query.sort.ascending
            ? "(created_at < ? OR (created_at = ? AND id < ?))" : "(created_at > ? OR (created_at = ? AND id > ?))"
        var before = dateFirst
        var beforeValues: [any SQLBindable] = [key.date, key.date, id]
        if query.sort.key != .date {
            let column = query.sort.key == .title ? "title_key" : "author_key"
            let text = query.sort.key == .title ? key.title : key.author
            let comparison = query.sort.ascending ? "<" : ">"
            before = "(\(column) \(comparison) ? OR (\(column) = ? AND \(dateFirst)))"
            beforeValues = [text, text] + beforeValues
        }
        let rank = try session.database.scalar("SELECT count(*) FROM document WHERE \(categoryConditions) AND \(before)",
                                       categoryValues + beforeValues)
        guard case .integer(let offset) = rank else { return nil }
        return (key.category, Int(offset))
    }

    /// The WHERE clause of a query and its values, its search aside: a searched list is its
    /// matches (`listMatches`), given to each read or found by it.
    static func conditions(_ query: DocumentListQuery) -> (String, [any SQLBindable]) {
        var conditions = ["profile_id = ?"]
        var values: [any SQLBindable] = [query.profile]
        if let category = query.filter.category {
            conditions.append("list_category = ?")
            values.append(category.rawValue)
        }
        conditions += visibilityConditions(query.viewer, values: &values)
        if query.filter.unreadOnly { conditions.append("is_read = 0") }
        if query.filter.maskedOnly { conditions.append(labelled(.maskedFromProfessionals)) }
        if let from = query.filter.from {
            conditions.append("created_at >= ?")
            values.append(from.timeIntervalSince1970)
        }
        if let until = query.filter.until {
            conditions.append("created_at < ?")
            values.append(until.timeIntervalSince1970)
        }
        return (conditions.joined(separator: " AND "), values)
    }

    /// `Document.isVisible` as SQL over the `visibility` and `author_rpps` columns (a test
    /// compares the two over every combination of labels and viewers).
    static func visibilityConditions(_ viewer: Document.Viewer, values: inout [any SQLBindable]) -> [String] {
        switch viewer {
        case .patient:
            return ["NOT " + labelled(.invisibleToPatient)]
        case .legalRepresentative:
            return ["NOT " + labelled(.invisibleToPatient), "NOT " + labelled(.invisibleToLegalRepresentatives)]
        case .generalPractitioner:
            return []
        case .professional(let rpps):
            guard let rpps else { return ["NOT " + labelled(.maskedFromProfessionals)] }
            values.append(rpps)
            return ["(NOT \(labelled(.maskedFromProfessionals)) OR author_rpps = ?)"]
        case .socialCareProfessional:
            return ["NOT " + labelled(.maskedFromSocialCare), "NOT " + labelled(.maskedFromProfessionals)]
        }
    }

    /// The row carries `label` (codes are stored sorted, separated by spaces).
    private static func labelled(_ label: VisibilityLabel) -> String {
        "instr(' ' || visibility || ' ', ' \(label.rawValue) ') > 0"
    }

    private static func hasLabel(_ column: String, _ label: VisibilityLabel) -> Bool {
        !column.isEmpty && column.split(separator: " ").contains { $0 == label.rawValue }
    }

    /// The list's order: `DocumentSort.sorted`'s (ties newest first, then by id).
    static func order(_ sort: DocumentSort) -> String {
        switch sort.key {
        case .date: sort.ascending ? "created_at ASC, id ASC" : "created_at DESC, id DESC"
        case .title: "title_key \(sort.ascending ? "ASC" : "DESC"), created_at DESC, id DESC"
        case .author: "author_key \(sort.ascending ? "ASC" : "DESC"), created_at DESC, id DESC"
        }
    }
}
