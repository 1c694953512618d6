import TerminalUI
import XCTest

/// The layout and the window of a paged list: lines map to groups' rows and back, the window
/// asks only for the rows around the selection, and a page of an older layout is dropped.
final class PagedListTests: XCTestCase {
    func testLinesMapToGroupsRowsAndBack() {
        var list = PagedList<String>(headings: true)
        list.reset(groupCounts: [3, 0, 2, 100_000], selecting: nil, visibleRows: 10)
        XCTAssertEqual(list.count, 3 + 2 + 100_000 + 3, "an empty group has no heading")
        XCTAssertEqual(list.item(at: 0), .heading(group: 0))
        XCTAssertEqual(list.item(at: 3), .row(group: 0, offset: 2))
        XCTAssertEqual(list.item(at: 4), .heading(group: 2))
        XCTAssertEqual(list.item(at: 7), .heading(group: 3))
        XCTAssertEqual(list.item(at: list.count - 1), .row(group: 3, offset: 99_999))
        XCTAssertNil(list.item(at: list.count))
        for line in [1, 2, 3, 5, 6, 8, 500, list.count - 1] {
            guard case .row(let group, let offset)? = list.item(at: line) else { return XCTFail("\(line)") }
            XCTAssertEqual(list.index(group: group, offset: offset), line)
        }
        XCTAssertEqual(list.state.selected, 1, "the selection starts on a row, not a heading")
        XCTAssertEqual(list.rank(at: 8), 6)
        XCTAssertNil(list.rank(at: 7))
    }

    func testTheWindowAsksOnlyForTheRowsAroundTheSelection() throws {
        var list = PagedList<Int>(headings: false)
        list.reset(groupCounts: [100_000], selecting: (0, 50_000), visibleRows: 20)
        let request = try XCTUnwrap(list.pageNeeded())
        XCTAssertLessThanOrEqual(request.lines.count, 2 * PagedList<Int>.reach + 1, "a page, never the list")
        XCTAssertTrue(request.lines.contains(50_000))
        var reads: [(Int, Int, Int)] = []
        let page = request.read { group, offset, limit -> [Int] in
            reads.append((group, offset, limit))
            return Array(offset..<(offset + limit))
        }
        XCTAssertEqual(reads.count, 1)
        list.take(page)
        XCTAssertEqual(list.selectedRow, 50_000)
        XCTAssertNil(list.pageNeeded(), "the selection's surroundings are loaded")
        for _ in 0..<10 { list.move(.down, visibleRows: 20) }
        XCTAssertNil(list.pageNeeded(), "a few rows down stay in the window")
        XCTAssertEqual(list.selectedRow, 50_010)
        list.move(.last, visibleRows: 20)
        XCTAssertNil(list.selectedRow, "not read yet")
        let end = try XCTUnwrap(list.pageNeeded())
        XCTAssertEqual(end.lines.upperBound, 100_000)
        // A page of an older layout is dropped.
        let stale = end.read { _, offset, limit in Array(offset..<(offset + limit)) }
        list.reset(groupCounts: [10], selecting: nil, visibleRows: 20)
        list.take(stale)
        XCTAssertNil(list.selectedRow)
    }

    func testARequestCrossingGroupsReadsEachGroupFromItsOffset() throws {
        var list = PagedList<String>(headings: true)
        list.reset(groupCounts: [5, 300, 4], selecting: (1, 2), visibleRows: 10)
        let request = try XCTUnwrap(list.pageNeeded())
        XCTAssertEqual(request.spans.map(\.group), [0, 1])
        XCTAssertEqual(request.spans.map(\.offset), [0, 0])
        let page = request.read { group, offset, limit in (offset..<(offset + limit)).map { "\(group).\($0)" } }
        list.take(page)
        XCTAssertEqual(list.selectedRow, "1.2")
        XCTAssertNil(list.row(at: 0), "a heading has no row")
        XCTAssertEqual(list.row(at: 1), "0.0")
    }
}
