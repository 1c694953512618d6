@testable import Sync
import Synchronization
import XCTest

/// The pages of the feed fetched ahead of the vault's writer (issue 20): in order, each once, at
/// most `depth` waiting, every waiting page taken at once, a failure after the pages before it.
final class PagesAheadTests: XCTestCase {
    private struct Failure: Error, Equatable {}

    /// The requests made so far.
    private final class Fetches: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// A feed of `count` pages numbered from 0, failing at `failing`; counts the requests.
    private func feed(_ count: Int, failing: Int? = nil, fetches: Fetches) -> @Sendable (String?) async throws -> (page: Int, next: String?) {
        { cursor in
            let page = cursor.flatMap(Int.init) ?? 0
            fetches.add()
            if page == failing { throw Failure() }
            return (page, page + 1 < count ? String(page + 1) : nil)
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        XCTAssertTrue(condition())
    }

    func testPagesWaitingAreTakenTogetherInOrderAndTheFetcherStaysAtMostDepthAhead() async throws {
        let fetches = Fetches()
        let pages = PagesAhead<Int>(depth: 3)
        let fetcher = pages.start(after: nil, fetch: feed(10, fetches: fetches))
        // Three pages wait and a fourth is fetched, held until there is room.
        try await waitUntil { fetches.value == 4 }
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(fetches.value, 4)
        let first = try await pages.take()
        XCTAssertEqual(first, [0, 1, 2])
        var taken = first
        while taken.last != 9 {
            let batch = try await pages.take()
            XCTAssertFalse(batch.isEmpty)
            XCTAssertLessThanOrEqual(batch.count, 3)
            taken += batch
        }
        XCTAssertEqual(taken, Array(0..<10))
        await fetcher.value
        XCTAssertEqual(fetches.value, 10)
    }

    func testAFailureComesAfterThePagesFetchedBeforeIt() async throws {
        let fetches = Fetches()
        let pages = PagesAhead<Int>(depth: 8)
        let fetcher = pages.start(after: nil, fetch: feed(10, failing: 5, fetches: fetches))
        await fetcher.value
        let before = try await pages.take()
        XCTAssertEqual(before, [0, 1, 2, 3, 4])
        do {
            _ = try await pages.take()
            XCTFail("the failure of page 5 is thrown")
        } catch {
            XCTAssertEqual(error as? Failure, Failure())
        }
        XCTAssertEqual(fetches.value, 6)
    }

    func testClosingEndsAFetcherWaitingForRoom() async throws {
        let fetches = Fetches()
        let pages = PagesAhead<Int>(depth: 1)
        let fetcher = pages.start(after: "3", fetch: feed(100, fetches: fetches))
        try await waitUntil { fetches.value == 2 }
        await pages.close()
        await fetcher.value
        XCTAssertEqual(fetches.value, 2)
        do {
            let left = try await pages.take()
            XCTAssertEqual(left, [3], "the page that was waiting")
        }
    }
}
