import Crypto
import Documents
import FHIR
import Foundation
import HealthRecord
import SQLite
import TestSupport
@testable import Vault
import XCTest

/// The paged list of documents (issue 20): the vault counts and reads one page in the list's
/// order, and the pages put together are exactly the whole list the in-memory `DocumentListing`
/// builds, for every order, filter and search, at any depth.
final class PagedListQueriesTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!
    var library: DocumentLibrary!

    static let types: [(CodedConcept, DocumentClass)] = [
        (DocumentType.laboratoryReport, .report), (DocumentType.prescriptionOfHealthProducts, .prescription),
        (DocumentType.imagingReport, .imaging), (DocumentType.hospitalReport, .report),
    ]
    /// Titles whose order depends on case and accents (folded, "écho" sorts with "echo").
    static let titles = ["Échographie", "echo de contrôle", "Bilan", "bilan lipidique", "Ordonnance", "zona", "Àrret de travail", "Compte rendu"]
    static let authors = ["Dr Émile Zola", "dr amélie garnier", "Dr Bernard", "Laboratoire"]

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "mes-paged-list")
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("test".utf8)), keyDerivation: .fixed(.minimumForTests))
        // Written before any catalogue is known: the list files them when it first reads.
        try vault.write { session in
            try session.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau"), origin: .remote)
            try session.profiles.save(Profile(id: "leo", relation: .child, givenName: "Léo", familyName: "Martineau"), origin: .remote)
            for number in 0..<1_200 {
                try session.documents.save(Self.document(number, profile: number % 10 == 9 ? "leo" : "helene"), origin: .remote)
            }
        }
        library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
    }

    override func tearDownWithError() throws {
        vault.close()
        directory.remove()
    }

    static func document(_ number: Int, profile: String = "helene") -> Document {
        let (type, kind) = types[number % types.count]
        var visibility: Set<VisibilityLabel> = []
        if number % 7 == 0 { visibility.insert(.maskedFromProfessionals) }
        if number % 53 == 0 { visibility.insert(.invisibleToPatient) }
        var document = Document(id: String(format: "doc-%05d", (number * 7919) % 10_007), profileID: profile,
                                title: "\(titles[number % titles.count]) \(number % 13)", typeCode: type, classCode: kind,
                                author: DocumentAuthor(name: authors[number % authors.count]),
                                // Ties on the date (every 5 documents share one) check the tie-break by id.
                                creationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(number / 5) * 3_600),
                                size: 10, sha256: String(repeating: "0", count: 64), format: "text/plain", visibility: visibility,
                                origin: number % 11 == 0 ? .patient : .professional,
                                category: number % 17 == 0 ? .certificates : nil)
        document.isRead = number % 3 == 0
        document.note = number % 5 == 0 ? "tension artérielle" : nil
        return document
    }

    /// The whole list as `DocumentListing` builds it from every summary, grouped in MES order.
    func expected(_ filter: DocumentFilter, search: String?, sort: DocumentSort) throws -> [DocumentSummary] {
        var filter = filter
        if let search { filter.searchResults = try library.matchingIDs(search) }
        let listing = DocumentListing(try library.summaries(), filter: filter, sort: sort)
        return Document.Category.allCases.flatMap { category in listing.rows.filter { $0.category == category } }
    }

    func testPagesPutTogetherAreTheWholeListForEveryOrderFilterAndSearch() throws {
        let filters: [(DocumentFilter, String?)] = [
            (DocumentFilter(), nil), (DocumentFilter(unreadOnly: true), nil), (DocumentFilter(maskedOnly: true), nil),
            (DocumentFilter(category: .laboratory), nil), (DocumentFilter(), "tension"), (DocumentFilter(unreadOnly: true), "bilan"),
            (DocumentFilter(category: .laboratory), "tension"),
            (DocumentFilter(from: Date(timeIntervalSince1970: 1_700_100_000), until: Date(timeIntervalSince1970: 1_700_500_000)), nil),
        ]
        let sorts = DocumentSort.Key.allCases.flatMap { [DocumentSort(key: $0, ascending: true), DocumentSort(key: $0, ascending: false)] }
        for (filter, search) in filters {
            for sort in sorts {
                let whole = try expected(filter, search: search, sort: sort)
                XCTAssertFalse(whole.isEmpty)
                let query = library.listQuery(filter: filter, search: search, sort: sort)
                let (paged, counts, positions) = try library.readList(query) { reader in
                    let counts = try reader.counts()
                    var rows: [DocumentSummary] = []
                    for category in Document.Category.allCases where filter.category == nil || filter.category == category {
                        // Pages of an odd size, so they end anywhere.
                        var offset = 0
                        while true {
                            let page = try reader.page(category, offset: offset, limit: 37)
                            rows += page
                            offset += 37
                            if page.count < 37 { break }
                        }
                    }
                    let positions = try stride(from: 0, to: rows.count, by: 29).map { try reader.position(of: rows[$0].id) }
                    return (rows, counts, positions)
                }
                let context = "filter \(filter), search \(search ?? "-"), sort \(sort)"
                XCTAssertEqual(paged.map(\.id), whole.map(\.id), context)
                XCTAssertEqual(paged, whole, context)
                var withoutCategory = filter
                withoutCategory.category = nil
                let all = try expected(withoutCategory, search: search, sort: sort)
                XCTAssertEqual(counts, Dictionary(grouping: all, by: \.category).mapValues(\.count), context)
                for (index, position) in zip(stride(from: 0, to: paged.count, by: 29), positions) {
                    let row = paged[index]
                    let rank = paged[..<index].filter { $0.category == row.category }.count
                    XCTAssertEqual(position?.category, row.category, context)
                    XCTAssertEqual(position?.offset, rank, "\(context): position of \(row.id)")
                }
            }
        }
        XCTAssertNil(try library.readList(library.listQuery()) { try $0.position(of: "absent") })
        // A document of another category than the list's is nowhere in it, searched or not.
        let other = try XCTUnwrap(try expected(DocumentFilter(), search: "tension", sort: DocumentSort()).first { $0.category != .laboratory })
        for search in [nil, "tension"] {
            XCTAssertNil(try library.readList(library.listQuery(filter: DocumentFilter(category: .laboratory), search: search)) {
                try $0.position(of: other.id)
            })
        }
        // A search of punctuation alone is no full-text query: it finds nothing.
        XCTAssertEqual(try library.readList(library.listQuery(search: "« ! »")) { try $0.counts() }, [:])
    }

    /// A search being typed filters the list the reading connection kept from its last read,
    /// never one older than the vault: what this process or another one commits in between
    /// shows at the next keystroke.
    func testASearchBeingTypedSeesEveryCommitSinceTheLastKeystroke() throws {
        func found(_ search: String) throws -> [String] {
            try library.readList(library.listQuery(search: search)) { reader in
                try Document.Category.allCases.flatMap { try reader.page($0, offset: 0, limit: 2_000).map(\.id) }
            }
        }
        let before = try found("tension")
        XCTAssertFalse(before.isEmpty)
        XCTAssertEqual(try found("tension"), before, "the kept list gives the same answer")
        XCTAssertEqual(try found("tension artérielle"), before)
        // A read not given the matches finds them itself.
        let searched = library.listQuery(search: "tension")
        XCTAssertEqual(try vault.read { try $0.documents.listCounts(searched) }, try library.readList(searched) { try $0.counts() })

        func total() throws -> Int { try library.readList(library.listQuery(search: "tension")) { try $0.total() } }
        let totalBefore = try total()
        XCTAssertEqual(totalBefore, try library.summaries().count)

        let added = Self.document(5_000)
        XCTAssertEqual(added.note, "tension artérielle")
        try vault.write { try $0.documents.save(added, origin: .remote) }
        XCTAssertEqual(Set(try found("tension")), Set(before + [added.id]), "written by this process")
        XCTAssertEqual(try total(), totalBefore + 1, "the total before any filter counts it too")

        // Another process: its own connections to the same vault.
        let other = try Vault.open(in: VaultDirectory(directory.url.appendingPathComponent("vault")), passphrase: SecureBytes(copying: Array("test".utf8)))
        defer { other.close() }
        XCTAssertTrue(try other.write { try $0.documents.delete(added.id, origin: .remote) })
        XCTAssertEqual(try found("tension"), before, "deleted by another connection")
        XCTAssertEqual(try total(), totalBefore)
        try other.write { session in
            var read = try XCTUnwrap(try session.documents.find(before[0]))
            read.visibility.insert(.invisibleToPatient)
            try session.documents.save(read, origin: .remote)
        }
        XCTAssertEqual(try found("tension"), Array(before.dropFirst()), "hidden by another connection")
    }

    /// The SQL form of the visibility rule and `Document.isVisible` agree on every combination
    /// of labels, for every viewer.
    func testTheVisibilityConditionIsTheVisibilityRule() throws {
        let labels: [VisibilityLabel] = [.maskedFromProfessionals, .invisibleToPatient, .invisibleToLegalRepresentatives,
                                         .maskedFromSocialCare, .maskedFromThirdPersons]
        var documents: [Document] = []
        for combination in 0..<(1 << labels.count) {
            for rpps in [nil, "42"] {
                var document = Self.document(combination)
                document.id = "v-\(combination)-\(rpps ?? "none")"
                document.profileID = "visibility"
                document.author = DocumentAuthor(name: "Dr X", rpps: rpps)
                document.visibility = Set(labels.indices.filter { combination & (1 << $0) != 0 }.map { labels[$0] })
                documents.append(document)
            }
        }
        try vault.write { session in for document in documents { try session.documents.save(document, origin: .remote) } }
        let viewers: [Document.Viewer] = [.patient, .legalRepresentative, .generalPractitioner, .professional(rpps: "42"),
                                          .professional(rpps: "7"), .professional(rpps: nil), .socialCareProfessional]
        for viewer in viewers {
            let query = DocumentListQuery(profile: "visibility", viewer: viewer)
            let shown = try vault.read { session in
                try Document.Category.allCases.flatMap { try session.documents.listPage(query, category: $0, offset: 0, limit: 1_000) }
            }
            XCTAssertEqual(Set(shown.map(\.id)), Set(documents.filter { $0.isVisible(to: viewer) }.map(\.id)), "\(viewer)")
        }
    }

    /// The page is read through the list's index in its order (no sort of the whole category,
    /// no scan of the table), and the counts from the index alone.
    func testPagesAndCountsAreReadThroughTheListIndex() throws {
        _ = try library.readList(library.listQuery()) { try $0.counts() }
        let query = library.listQuery(filter: DocumentFilter(unreadOnly: true))
        try vault.read { session in
            func plan(_ sql: String, _ values: [any SQLBindable]) throws -> String {
                try session.database.query("EXPLAIN QUERY PLAN " + sql, values) { $0.string(3) }.joined(separator: "\n")
            }
            var inCategory = query
            inCategory.filter.category = .imaging
            let (conditions, values) = RecordStore<Document>.conditions(inCategory)
            let page = try plan("SELECT id, title FROM document WHERE \(conditions) ORDER BY \(RecordStore<Document>.order(query.sort)) LIMIT 15",
                                values)
            XCTAssertTrue(page.contains("USING INDEX document_list_date") || page.contains("USING COVERING INDEX document_list_date"), page)
            XCTAssertFalse(page.contains("TEMP B-TREE"), page)
            let (anyConditions, anyValues) = RecordStore<Document>.conditions(query)
            let counts = try plan("SELECT list_category, count(*) FROM document WHERE \(anyConditions) GROUP BY list_category", anyValues)
            XCTAssertTrue(counts.contains("USING COVERING INDEX document_list_"), counts)
            // A search's matches are kept in the list's order from the index alone, in either direction.
            for ascending in [false, true] {
                let (sql, values) = RecordStore<Document>.listInIndexOrder(library.listQuery(search: "bilan", sort: DocumentSort(key: .date, ascending: ascending)))
                let walk = try plan(sql, values)
                XCTAssertTrue(walk.contains("USING COVERING INDEX document_list_date"), walk)
                XCTAssertFalse(walk.contains("TEMP B-TREE"), walk)
            }
        }
    }

    /// A document written by a process without the catalogue is filed at the next list; a new
    /// catalogue refiles every document.
    func testDocumentsAreFiledOnceAndRefiledWhenTheCatalogueChanges() throws {
        let before = Dictionary(grouping: try library.summaries(), by: \.category).mapValues(\.count)
        XCTAssertEqual(try library.readList(library.listQuery()) { try $0.counts() }, before)
        XCTAssertGreaterThan(before[.imaging] ?? 0, 100)
        XCTAssertFalse(try vault.read { try $0.documents.listNeedsPreparing(profile: "helene", categorizer: library.catalog.categorizer) })
        // Imaging reports now go to prevention.
        let other = DocumentCatalog(documentTypes: "", classCodes: "", classCategories: "31\tprevention\n")
        let moved = DocumentLibrary(vault: vault, profileID: "helene", catalog: other)
        let counts = try moved.readList(moved.listQuery()) { try $0.counts() }
        XCTAssertNil(counts[.imaging])
        XCTAssertEqual(counts, Dictionary(grouping: try moved.summaries(), by: \.category).mapValues(\.count))
        XCTAssertEqual(counts[.prevention], before[.imaging])
    }
}
