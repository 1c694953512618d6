import Foundation

/// What a list of documents shows of one document: enough to group, filter, sort and draw a
/// row, without its body or content. Read from the vault's columns, so 10,000 of them load in
/// a few milliseconds. Titles and names are untrusted text: sanitise before display.
public struct DocumentSummary: Sendable, Hashable, Identifiable {
    public var id: String
    public var title: String
    public var typeCode: String
    public var classCode: String
    public var category: Document.Category
    public var authorName: String
    public var organization: String?
    public var date: Date
    public var format: String
    public var size: Int
    public var origin: Document.Origin
    public var isRead: Bool
    public var isMasked: Bool

    public init(id: String, title: String, typeCode: String, classCode: String, category: Document.Category,
                authorName: String, organization: String? = nil, date: Date, format: String, size: Int,
                origin: Document.Origin, isRead: Bool, isMasked: Bool) {
        self.id = id
        self.title = title
        self.typeCode = typeCode
        self.classCode = classCode
        self.category = category
        self.authorName = authorName
        self.organization = organization
        self.date = date
        self.format = format
        self.size = size
        self.origin = origin
        self.isRead = isRead
        self.isMasked = isMasked
    }

    /// The summary of a full document.
    public init(_ document: Document, categorizer: DocumentCategorizer) {
        self.init(id: document.id, title: document.title, typeCode: document.typeCode.code, classCode: document.classCode.rawValue,
                  category: categorizer.category(of: document), authorName: document.author.name,
                  organization: document.author.organization, date: document.creationDate, format: document.format,
                  size: document.size, origin: document.origin, isRead: document.isRead,
                  isMasked: document.isMaskedFromProfessionals)
    }

    /// Only the user's own documents may be deleted; professionals' can only be masked.
    public var isDeletable: Bool { origin == .patient }
}

/// Which documents a list shows. Every condition set must hold; nil or false means "any".
public struct DocumentFilter: Sendable, Hashable {
    public var category: Document.Category?
    /// Words that must all appear in the author's name or organisation (case and accents ignored).
    public var author: String?
    /// Documents dated on or after `from` and before `until`.
    public var from: Date?
    public var until: Date?
    public var maskedOnly = false
    public var unreadOnly = false
    /// The documents a full-text search found (nil: no search).
    public var searchResults: Set<String>?

    public init(category: Document.Category? = nil, author: String? = nil, from: Date? = nil, until: Date? = nil,
                maskedOnly: Bool = false, unreadOnly: Bool = false, searchResults: Set<String>? = nil) {
        self.category = category
        self.author = author
        self.from = from
        self.until = until
        self.maskedOnly = maskedOnly
        self.unreadOnly = unreadOnly
        self.searchResults = searchResults
    }

    /// No condition at all.
    public var isEmpty: Bool { self == DocumentFilter() }

    public func matches(_ summary: DocumentSummary) -> Bool {
        if let category, summary.category != category { return false }
        if maskedOnly && !summary.isMasked { return false }
        if unreadOnly && summary.isRead { return false }
        if let from, summary.date < from { return false }
        if let until, summary.date >= until { return false }
        if let searchResults, !searchResults.contains(summary.id) { return false }
        if let author = authorWords, !author.isEmpty {
            let haystack = Self.fold(summary.authorName + " " + (summary.organization ?? ""))
            if !author.allSatisfy(haystack.contains) { return false }
        }
        return true
    }

    private var authorWords: [String]? {
        author.map { Self.fold($0).split(separator: " ").map(String.init) }
    }

    /// Lower case without accents, for comparisons that ignore both.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

/// How a list of documents is ordered.
public struct DocumentSort: Sendable, Hashable {
    public enum Key: String, Sendable, CaseIterable {
        case date, title, author
    }

    public var key: Key
    public var ascending: Bool

    public init(key: Key = .date, ascending: Bool? = nil) {
        self.key = key
        // Newest first, titles and authors from A to Z, unless told otherwise.
        self.ascending = ascending ?? (key != .date)
    }

    /// Orders the summaries; ties are broken by date (newest first), then id, so the order is stable.
    public func sorted(_ summaries: [DocumentSummary]) -> [DocumentSummary] {
        switch key {
        case .date:
            return summaries.sorted { ascending ? Self.olderFirst($0, $1) : Self.olderFirst($1, $0) }
        case .title, .author:
            // Fold each text once (not once per comparison): 10,000 rows sort in milliseconds.
            let keys = summaries.map { DocumentFilter.fold(key == .title ? $0.title : $0.authorName) }
            let order = summaries.indices.sorted { left, right in
                if keys[left] != keys[right] { return ascending ? keys[left] < keys[right] : keys[left] > keys[right] }
                return Self.olderFirst(summaries[right], summaries[left])
            }
            return order.map { summaries[$0] }
        }
    }

    private static func olderFirst(_ left: DocumentSummary, _ right: DocumentSummary) -> Bool {
        left.date != right.date ? left.date < right.date : left.id < right.id
    }
}

/// A list of documents grouped by category, as the Documents screen and `mes documents list`
/// show it: the filtered and sorted rows, and how many documents each category holds.
public struct DocumentListing: Sendable {
    public let rows: [DocumentSummary]
    /// Documents per category, over everything but the category condition of the filter (so the
    /// counts tell what choosing another category would show). Categories without documents are absent.
    public let counts: [Document.Category: Int]
    /// Documents before any filter.
    public let total: Int

    public init(_ summaries: [DocumentSummary], filter: DocumentFilter, sort: DocumentSort) {
        var withoutCategory = filter
        withoutCategory.category = nil
        var counts: [Document.Category: Int] = [:]
        var kept: [DocumentSummary] = []
        for summary in summaries where withoutCategory.matches(summary) {
            counts[summary.category, default: 0] += 1
            if filter.category == nil || filter.category == summary.category { kept.append(summary) }
        }
        self.rows = sort.sorted(kept)
        self.counts = counts
        self.total = summaries.count
    }

    /// The categories in MES order, each with its count (zero included when `includeEmpty`).
    public func groups(includeEmpty: Bool = false) -> [(category: Document.Category, count: Int)] {
        Document.Category.allCases.compactMap { category in
            let count = counts[category] ?? 0
            return count > 0 || includeEmpty ? (category, count) : nil
        }
    }
}

/// Which documents a paged list shows and in what order: the list reads one page of it at a
/// time (the vault's `listPage`) and counts the rest (`listCounts`), so its cost follows the
/// rows on screen, not the size of the dossier (issue 20).
public struct DocumentListQuery: Sendable, Equatable {
    public var profile: String
    public var viewer: Document.Viewer
    /// Category, unread, masked and dates. The author words and a set of search results are
    /// conditions of the in-memory `DocumentListing` only: a paged list searches with `search`.
    public var filter: DocumentFilter
    /// Words of a full-text search (titles, authors, types, notes, contents' text); nil: none.
    public var search: String?
    public var sort: DocumentSort

    public init(profile: String, viewer: Document.Viewer = .patient, filter: DocumentFilter = DocumentFilter(),
                search: String? = nil, sort: DocumentSort = DocumentSort()) {
        self.profile = profile
        self.viewer = viewer
        self.filter = filter
        self.search = search
        self.sort = sort
    }

    /// The same query without its category condition (what the category counts are over).
    public var anyCategory: DocumentListQuery {
        var query = self
        query.filter.category = nil
        return query
    }
}
