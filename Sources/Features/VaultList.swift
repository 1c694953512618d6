import TerminalUI

/// Where a paged list's rows come from: one query of the vault (the Documents list, the
/// Messagerie inbox). Reads run in effects, off the UI thread.
protocol PagedSource: Sendable {
    associatedtype Row: Sendable
    /// What a load tells besides the rows (the Documents counts per category, the inbox's unread).
    associatedtype Totals: Sendable

    /// One consistent read: lays out `layout` (the groups' counts, `id` selected when the query
    /// shows it, else the selected line) with the page around the selection, and the totals.
    func load(keeping id: String?, into layout: inout PagedList<Row>, visibleRows: Int) throws -> Totals
    /// The rows a moved selection needs.
    func read(_ request: PageRequest) throws -> Page<Row>
    /// A failure, said plainly.
    static func describe(_ error: any Error) -> String
}

/// A list read from the vault one page at a time (issue 20): a `PagedList` and its loads. A
/// load (first appearance, a change, a new filter, order or search) reads the counts and the
/// page around the selection; moving the selection reads the next page when it nears the edge.
/// Answers to older loads are dropped. Shared by the Documents list and the Messagerie inbox.
struct VaultList<Source: PagedSource>: Sendable {
    private(set) var source: Source
    private(set) var paged: PagedList<Source.Row>
    private(set) var totals: Source.Totals?
    /// A load has answered (the list may be empty).
    private(set) var loaded = false
    private(set) var isLoading = false
    /// Why the last load failed, shown in place of the list.
    private(set) var failure: String?
    let visibleRows: Int
    private var generation = 0
    /// Keys typed while a load was in flight, to replay on the rows it brings (a key acts on
    /// what the user will see: Échap then `g` then Entrée opens the first row of the new list).
    private var typedAhead: [Key] = []

    /// The answer of a load.
    struct Loaded: Sendable {
        var generation: Int
        var result: Result<(layout: PagedList<Source.Row>, totals: Source.Totals), Failure>
    }

    /// Rows read for a moved selection.
    struct Paged: Sendable {
        var page: Page<Source.Row>
    }

    struct Failure: Error, Sendable {
        var message: String
    }

    init(source: Source, headings: Bool, visibleRows: Int) {
        self.source = source
        self.paged = PagedList(headings: headings)
        self.visibleRows = visibleRows
    }

    var selectedRow: Source.Row? { paged.selectedRow }

    /// Reads the list again from `source` (a new query, or the same after a change), keeping
    /// `id` selected when it is still shown (else the selected line, so the scroll position stays).
    mutating func load(_ source: Source? = nil, keeping id: String?) -> Effect<any Sendable> {
        if let source { self.source = source }
        generation += 1
        isLoading = true
        let (source, layout, generation, visibleRows) = (self.source, paged, generation, visibleRows)
        return Effect {
            do {
                var layout = layout
                let totals = try source.load(keeping: id, into: &layout, visibleRows: visibleRows)
                return Loaded(generation: generation, result: .success((layout, totals)))
            } catch {
                return Loaded(generation: generation, result: .failure(Failure(message: Source.describe(error))))
            }
        }
    }

    /// The keys kept for after a load: those a list acts on (not Tab, help, function or control
    /// keys, which go on to the shell at once).
    static func typesAhead(_ key: Key) -> Bool {
        switch key {
        case .tab, .backTab, .character("?"), .function, .control: false
        default: true
        }
    }

    /// Keeps `key` for after the load in flight (true), or says there is none (false).
    mutating func typeAhead(_ key: Key) -> Bool {
        guard isLoading else { return false }
        typedAhead.append(key)
        return true
    }

    /// The keys typed during the load just taken, in order (now to be handled).
    mutating func keysTypedAhead() -> [Key] {
        defer { typedAhead = [] }
        return typedAhead
    }

    /// Takes a load's answer (false for an older load's, which is dropped).
    mutating func take(_ loaded: Loaded) -> Bool {
        guard loaded.generation == generation else { return false }
        self.loaded = true
        isLoading = false
        switch loaded.result {
        case .success(let answer):
            paged = answer.layout
            totals = answer.totals
            failure = nil
        case .failure(let failure):
            paged.reset(groupCounts: [], selecting: nil, visibleRows: visibleRows)
            totals = nil
            self.failure = failure.message
        }
        return true
    }

    /// Takes rows read for a moved selection (a page of an older layout is dropped).
    mutating func take(_ page: Paged) {
        paged.take(page.page)
    }

    /// Moves the selection (over headings); the effect reads the rows it needs, if any.
    mutating func move(_ motion: Motion) -> Effect<any Sendable>? {
        paged.move(motion, visibleRows: visibleRows)
        guard let request = paged.pageNeeded() else { return nil }
        let source = source
        return Effect {
            // A failed read leaves placeholders; the next move or load reads again.
            (try? source.read(request)).map(Paged.init) ?? Paged(page: Page(version: -1, start: 0, rows: []))
        }
    }
}

extension PagedList {
    /// Lays the list out from its groups' counts, selects `position` (or keeps the selected
    /// line), and reads the page around the selection with `read`.
    mutating func lay(out groupCounts: [Int], selecting position: (group: Int, offset: Int)?, visibleRows: Int,
                      read: (_ group: Int, _ offset: Int, _ limit: Int) throws -> [Row]) rethrows {
        reset(groupCounts: groupCounts, selecting: position, visibleRows: visibleRows)
        if let request = pageNeeded() { take(try request.read(read)) }
    }
}

extension Update {
    /// Adds what `next` asks after this: its effects, requests and dialog; its sentence replaces this one's.
    mutating func append(_ next: Update) {
        effects += next.effects
        requests += next.requests
        announcement = next.announcement ?? announcement
        present = next.present ?? present
        closed = next.closed ?? closed
    }
}
