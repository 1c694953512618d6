/// Pages of a feed fetched one after the other, ahead of the one who applies them (issue 20).
///
/// A fetcher task asks for each page as soon as the previous one arrived (the next request
/// needs its cursor) and keeps at most `depth` pages waiting; the consumer takes every page
/// already there at once. The sync's vault writer applies the pages it takes in one transaction,
/// with the cursor of the last one: when the writer is the slower side, pages pile up and several
/// share one commit (fewer WAL frames written again, fewer syncs and search-index segments);
/// when it keeps up, it takes one page at a time as before.
actor PagesAhead<Page: Sendable> {
    let depth: Int
    private var ready: [Page] = []
    private var failure: (any Error)?
    private var closed = false
    private var consumer: CheckedContinuation<Void, Never>?
    private var fetcher: CheckedContinuation<Void, Never>?

    init(depth: Int) {
        precondition(depth >= 1)
        self.depth = depth
    }

    /// Starts fetching: `fetch(cursor)` returns a page and the cursor of the next one (nil: it was
    /// the last). A failure is thrown by `take` once the pages before it were taken.
    nonisolated func start(after cursor: String?,
                           fetch: @escaping @Sendable (String?) async throws -> (page: Page, next: String?)) -> Task<Void, Never> {
        Task.detached {
            var cursor = cursor
            do {
                while true {
                    try Task.checkCancellation()
                    let (page, next) = try await fetch(cursor)
                    guard await self.put(page), let next else { return }
                    cursor = next
                }
            } catch {
                await self.fail(error)
            }
        }
    }

    /// Every page waiting, in order (at least one: waits for it), or the fetch's failure when no
    /// page is left before it.
    func take() async throws -> [Page] {
        while ready.isEmpty {
            if let failure { throw failure }
            if closed { throw CancellationError() }
            await withCheckedContinuation { consumer = $0 }
        }
        let pages = ready
        ready = []
        fetcher?.resume()
        fetcher = nil
        return pages
    }

    /// The consumer stops: a fetcher waiting for room ends.
    func close() {
        closed = true
        fetcher?.resume()
        fetcher = nil
    }

    /// False when the consumer stopped (the page is dropped).
    private func put(_ page: Page) async -> Bool {
        while ready.count >= depth && !closed {
            await withCheckedContinuation { fetcher = $0 }
        }
        guard !closed else { return false }
        ready.append(page)
        wakeConsumer()
        return true
    }

    private func fail(_ error: any Error) {
        failure = error
        wakeConsumer()
    }

    private func wakeConsumer() {
        consumer?.resume()
        consumer = nil
    }
}
