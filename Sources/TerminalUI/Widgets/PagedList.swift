/// A list whose rows live elsewhere (a database): it knows how many rows each group holds and
/// keeps one window of loaded rows around the selection, so its cost follows the screen, not
/// the data: 100,000 rows cost what 200 do.
///
/// The rows are laid out group after group, each group's heading first when `headings` is on
/// (an empty group has no heading); the selection skips headings. When the selection moves
/// near the edge of the window, `pageNeeded` says which rows to read (the caller reads them in
/// an effect, with `PageRequest.read`) and `take` puts them in. Rows not loaded yet are nil:
/// draw a placeholder. Every new layout (`reset`) bumps `version`, so a late page of an older
/// layout is dropped.
public struct PagedList<Row: Sendable>: Sendable {
    /// One line of the list.
    public enum Item: Hashable, Sendable {
        case heading(group: Int)
        case row(group: Int, offset: Int)
    }

    public let headings: Bool
    /// Rows in each group.
    public private(set) var groupCounts: [Int] = []
    public private(set) var state = ListState(count: 0)
    public private(set) var version = 0
    /// The loaded rows: `rows[i]` is item `windowStart + i` (nil for a heading).
    private var windowStart = 0
    private var rows: [Row?] = []

    /// Rows kept loaded on each side of the selection (a screen is shorter than this).
    public static var margin: Int { 80 }
    /// Rows read on each side of the selection when the window must move.
    public static var reach: Int { 128 }

    public init(headings: Bool) {
        self.headings = headings
    }

    /// Lines, headings included.
    public var count: Int { state.count }
    /// Rows, headings aside.
    public var rowCount: Int { groupCounts.reduce(0, +) }

    /// What line `index` is.
    public func item(at index: Int) -> Item? {
        guard index >= 0 else { return nil }
        var line = 0
        for (group, rows) in groupCounts.enumerated() where rows > 0 || !headings {
            if headings {
                if index == line { return .heading(group: group) }
                line += 1
            }
            if index < line + rows { return .row(group: group, offset: index - line) }
            line += rows
        }
        return nil
    }

    /// The line of a group's row.
    public func index(group: Int, offset: Int) -> Int? {
        guard groupCounts.indices.contains(group), offset >= 0, offset < groupCounts[group] else { return nil }
        var line = 0
        for (index, rows) in groupCounts.enumerated() where index < group && (rows > 0 || !headings) {
            line += rows + (headings ? 1 : 0)
        }
        return line + (headings ? 1 : 0) + offset
    }

    /// The loaded row of line `index` (nil for a heading or a row not read yet).
    public func row(at index: Int) -> Row? {
        let local = index - windowStart
        return rows.indices.contains(local) ? rows[local] : nil
    }

    public var selectedRow: Row? { row(at: state.selected) }

    public var selectedItem: Item? { item(at: state.selected) }

    public func isRow(_ index: Int) -> Bool {
        if case .row? = item(at: index) { return true }
        return false
    }

    /// The rank of the row on line `index` among the rows (1 for the first), headings aside.
    public func rank(at index: Int) -> Int? {
        guard case .row(let group, let offset)? = item(at: index) else { return nil }
        return groupCounts.prefix(group).reduce(0, +) + offset + 1
    }

    /// A new layout (new data, filter or order): forgets the loaded rows and selects a group's
    /// row, or keeps the selected line, in range and off the headings.
    public mutating func reset(groupCounts: [Int], selecting: (group: Int, offset: Int)?, visibleRows: Int) {
        self.groupCounts = groupCounts.map { max(0, $0) }
        version += 1
        windowStart = 0
        rows = []
        let line = selecting.flatMap { index(group: $0.group, offset: $0.offset) } ?? state.selected
        state.setCount(self.groupCounts.reduce(0, +) + (headings ? self.groupCounts.filter { $0 > 0 }.count : 0))
        state.jump(to: line, visibleRows: visibleRows)
        if !isRow(state.selected) { state.move(.down, visibleRows: visibleRows, selectable: isRow) }
    }

    /// Moves the selection over the headings.
    public mutating func move(_ motion: Motion, visibleRows: Int) {
        state.move(motion, visibleRows: visibleRows, selectable: isRow)
    }

    /// The rows to read so that the window covers the selection with `margin` lines on each
    /// side; nil when they are loaded (or there is nothing to read).
    public func pageNeeded() -> PageRequest? {
        guard count > 0 else { return nil }
        let wanted = max(0, state.selected - Self.margin)..<min(count, state.selected + Self.margin + 1)
        let loaded = windowStart..<(windowStart + rows.count)
        if !rows.isEmpty, loaded.contains(wanted.lowerBound), loaded.contains(wanted.upperBound - 1) { return nil }
        return request(lines: max(0, state.selected - Self.reach)..<min(count, state.selected + Self.reach + 1))
    }

    /// The reads that fill `lines`: one span per group they cross.
    func request(lines: Range<Int>) -> PageRequest {
        var spans: [PageRequest.Span] = []
        var line = lines.lowerBound
        while line < lines.upperBound {
            guard case .row(let group, let offset)? = item(at: line) else {
                line += 1
                continue
            }
            let limit = min(groupCounts[group] - offset, lines.upperBound - line)
            spans.append(PageRequest.Span(group: group, offset: offset, limit: limit, line: line))
            line += limit
        }
        return PageRequest(version: version, lines: lines, spans: spans)
    }

    /// Puts in rows read for `pageNeeded` (dropped when the layout changed since).
    public mutating func take(_ page: Page<Row>) {
        guard page.version == version else { return }
        windowStart = page.start
        rows = page.rows
    }
}

/// Rows a `PagedList` asks for: for each group crossed, `limit` rows from `offset`, which go to
/// lines `line…`.
public struct PageRequest: Sendable, Hashable {
    public struct Span: Sendable, Hashable {
        public var group: Int
        public var offset: Int
        public var limit: Int
        public var line: Int
    }

    public var version: Int
    public var lines: Range<Int>
    public var spans: [Span]

    /// Reads the rows with `fetch(group, offset, limit)` (one query per group crossed).
    public func read<Row: Sendable>(_ fetch: (_ group: Int, _ offset: Int, _ limit: Int) throws -> [Row]) rethrows -> Page<Row> {
        var rows = [Row?](repeating: nil, count: lines.count)
        for span in spans {
            for (index, row) in try fetch(span.group, span.offset, span.limit).prefix(span.limit).enumerated() {
                rows[span.line - lines.lowerBound + index] = row
            }
        }
        return Page(version: version, start: lines.lowerBound, rows: rows)
    }
}

/// Rows read for a `PageRequest`.
public struct Page<Row: Sendable>: Sendable {
    public var version: Int
    public var start: Int
    public var rows: [Row?]

    public init(version: Int, start: Int, rows: [Row?]) {
        self.version = version
        self.start = start
        self.rows = rows
    }
}
