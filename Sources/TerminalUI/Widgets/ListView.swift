import L10n

/// Where a virtualised list or table is: the selected row and the first row shown.
///
/// Only the rows on screen are ever asked for, so 10,000 rows cost what 20 do: moving,
/// paging and jumping are O(1), drawing is O(visible rows).
public struct ListState: Hashable, Sendable {
    public private(set) var count: Int
    public private(set) var selected: Int
    /// The first row shown.
    public private(set) var offset: Int

    public init(count: Int, selected: Int = 0) {
        self.count = max(0, count)
        self.selected = 0
        self.offset = 0
        jump(to: selected, visibleRows: 1)
    }

    /// Changes the number of rows (new data), keeping the selection in range.
    public mutating func setCount(_ newCount: Int) {
        count = max(0, newCount)
        selected = min(selected, max(0, count - 1))
        offset = min(offset, selected)
    }

    /// Moves the selection; `visibleRows` is the height the list is drawn with.
    public mutating func move(_ motion: Motion, visibleRows: Int) {
        let page = max(1, visibleRows - 1)
        switch motion {
        case .up, .left: jump(to: selected - 1, visibleRows: visibleRows)
        case .down, .right: jump(to: selected + 1, visibleRows: visibleRows)
        case .pageUp: jump(to: selected - page, visibleRows: visibleRows)
        case .pageDown: jump(to: selected + page, visibleRows: visibleRows)
        case .first: jump(to: 0, visibleRows: visibleRows)
        case .last: jump(to: count - 1, visibleRows: visibleRows)
        }
    }

    /// Selects a row and scrolls just enough to show it.
    public mutating func jump(to row: Int, visibleRows: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        selected = min(max(0, row), count - 1)
        offset = Self.offset(keeping: selected, from: offset, visibleRows: visibleRows, count: count)
    }

    /// The first row to show so that `selected` is visible, moving as little as possible from `offset`.
    static func offset(keeping selected: Int, from offset: Int, visibleRows: Int, count: Int) -> Int {
        let rows = max(1, visibleRows)
        var first = offset
        if selected < first { first = selected }
        if selected >= first + rows { first = selected - rows + 1 }
        return max(0, min(first, max(0, count - rows)))
    }

    /// The first row shown in a list `visibleRows` high.
    public func firstVisible(_ visibleRows: Int) -> Int {
        Self.offset(keeping: selected, from: offset, visibleRows: visibleRows, count: count)
    }

    /// The next row after the selection (wrapping around) that matches: the `/` search hook.
    public func nextMatch(_ matches: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        for step in 1...count {
            let row = (selected + step) % count
            if matches(row) { return row }
        }
        return nil
    }

    /// `12 sur 10 000`, for the status line.
    public var position: String {
        count == 0 ? tr("ui.list.empty")
            : tr("ui.list.position", ["index": LocalFormat.decimal(Double(selected + 1)), "count": LocalFormat.decimal(Double(count))])
    }
}

/// One row of a list: its text (cut with an ellipsis when it does not fit), marks kept whole
/// right after it (`[nouveau]`), and whether it is a heading the selection skips.
public struct ListRow: Hashable, Sendable {
    public var text: String
    public var marks: String
    public var role: Role
    public var isHeading: Bool
    /// Columns of `text` to emphasise (search matches), underlined and bold, never colour alone.
    public var emphasis: [Range<Int>]

    public init(_ text: String, marks: String = "", role: Role = .normal, isHeading: Bool = false, emphasis: [Range<Int>] = []) {
        self.text = text
        self.marks = marks
        self.role = role
        self.isHeading = isHeading
        self.emphasis = emphasis
    }

    public static func heading(_ text: String) -> ListRow { ListRow(text, role: .title, isHeading: true) }
}

extension ListState {
    /// Moves the selection to the next row `selectable` accepts in the direction of `motion`
    /// (headings are skipped); stays put when there is none.
    public mutating func move(_ motion: Motion, visibleRows: Int, selectable: (Int) -> Bool) {
        move(motion, visibleRows: visibleRows)
        guard count > 0, !selectable(selected) else { return }
        let forward = switch motion {
        case .down, .right, .pageDown, .first: true
        default: false
        }
        func find(_ forward: Bool) -> Int? {
            var row = selected
            while row >= 0 && row < count {
                if selectable(row) { return row }
                row += forward ? 1 : -1
            }
            return nil
        }
        if let row = find(forward) ?? find(!forward) { jump(to: row, visibleRows: visibleRows) }
    }
}

/// A virtualised list of one-line rows.
public enum ListView {
    /// Draws the visible rows, the selected one marked by a pointer as well as by its style.
    /// `row` is called only for the rows on screen. Returns the cursor (on the selected row).
    @discardableResult
    public static func render(_ state: ListState, row: (Int) -> String, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext, focused: Bool) -> Point {
        render(state, rows: { ListRow(row($0)) }, into: &buffer, area: area, context: context, focused: focused)
    }

    /// Draws rows with roles, marks and headings. A cut row ends with the ellipsis; marks stay
    /// whole right after the text; `↑`/`↓` in the last column say there is more above or below.
    @discardableResult
    public static func render(_ state: ListState, rows: (Int) -> ListRow, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext, focused: Bool) -> Point {
        guard !area.isEmpty else { return area.origin }
        if state.count == 0 {
            buffer.put(tr("ui.list.empty"), at: area.origin, style: context.style(.muted), maxWidth: area.width)
            return area.origin
        }
        let first = state.firstVisible(area.height)
        var cursor = area.origin
        // One column on the right for the scroll marks.
        let textWidth = area.width - 2 - (context.screenReader ? 0 : 1)
        for line in 0..<min(area.height, state.count - first) {
            let index = first + line
            let y = area.y + line
            let item = rows(index)
            let isSelected = index == state.selected && !item.isHeading
            let style = context.style(isSelected ? (focused ? .focus : .selection) : item.role)
            if isSelected {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
                cursor = Point(x: area.x, y: y)
            }
            let x = item.isHeading ? area.x : area.x + 2
            let room = item.isHeading ? textWidth + 2 : textWidth
            // Each text is measured once: the marks, then the text cut to what they leave.
            let marksWidth = item.marks.isEmpty ? 0 : 1 + DisplayWidth.of(item.marks)
            let (text, textColumns) = TextLayout.truncated(item.text, to: max(1, room - marksWidth), ellipsis: context.symbols.ellipsis)
            if !item.isHeading { buffer.put(isSelected ? context.symbols.pointer : " ", at: Point(x: area.x, y: y), style: style) }
            let written = buffer.put(text, at: Point(x: x, y: y), style: style, maxWidth: room)
            if marksWidth > 0 && written < room {
                buffer.put(" " + item.marks, at: Point(x: x + written, y: y), style: style, maxWidth: room - written)
            }
            for columns in item.emphasis where columns.lowerBound < textColumns {
                let upper = min(columns.upperBound, textColumns)
                buffer.addAttributes([.underline, .bold], in: Rect(x: x + columns.lowerBound, y: y, width: upper - columns.lowerBound, height: 1))
            }
        }
        if !context.screenReader { drawScrollMarks(state, first: first, area: area, into: &buffer, context: context) }
        return cursor
    }

    /// `↑` and `↓` in the last column when there is more above or below (a symbol, not a colour).
    static func drawScrollMarks(_ state: ListState, first: Int, area: Rect, into buffer: inout CellBuffer, context: ViewContext) {
        if first > 0 {
            buffer.put(context.symbols.arrowUp, at: Point(x: area.maxX - 1, y: area.y), style: context.style(.muted))
        }
        if first + area.height < state.count {
            buffer.put(context.symbols.arrowDown, at: Point(x: area.maxX - 1, y: area.maxY - 1), style: context.style(.muted))
        }
    }
}

/// A column of a table.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: Extent
    public var alignRight: Bool

    public init(_ title: String, width: Extent, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}

/// A virtualised table: a header row, then the visible rows only.
///
/// In screen-reader mode each row is one line of `Column : value` pairs, so a row reads as a
/// sentence instead of as columns the reader cannot relate to their headers.
public enum TableView {
    @discardableResult
    public static func render(_ state: ListState, columns: [TableColumn], cell: (Int, Int) -> String,
                              into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        guard area.height > 1 else { return area.origin }
        if context.screenReader {
            return ListView.render(state, row: { index in
                columns.indices.map { tr("ui.table.pair", ["column": columns[$0].title, "value": cell(index, $0)]) }
                    .joined(separator: ", ")
            }, into: &buffer, area: area, context: context, focused: focused)
        }
        let body = area.inset(top: 1, left: 2)
        // The last column of the area is kept for the scroll marks.
        let widths = Rect.lengths(body.width - columns.count, columns.map(\.width))
        var x = body.x
        let titleStyle = context.style(.title)
        for (index, column) in columns.enumerated() {
            TextLayout.drawPadded(column.title, width: widths[index], alignRight: column.alignRight,
                                  at: Point(x: x, y: area.y), style: titleStyle, into: &buffer)
            x += widths[index] + 1
        }
        let rows = body.height
        let first = state.firstVisible(rows)
        var cursor = body.origin
        for line in 0..<min(rows, max(0, state.count - first)) {
            let index = first + line
            let y = body.y + line
            let isSelected = index == state.selected
            let style = context.style(isSelected ? (focused ? .focus : .selection) : .normal)
            if isSelected {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
                buffer.put(context.symbols.pointer, at: Point(x: area.x, y: y), style: style)
                cursor = Point(x: area.x, y: y)
            }
            var x = body.x
            for (column, spec) in columns.enumerated() {
                TextLayout.drawPadded(cell(index, column), width: widths[column], alignRight: spec.alignRight,
                                      ellipsis: context.symbols.ellipsis, at: Point(x: x, y: y), style: style, into: &buffer)
                x += widths[column] + 1
            }
        }
        if state.count == 0 {
            buffer.put(tr("ui.list.empty"), at: body.origin, style: context.style(.muted), maxWidth: body.width)
        }
        ListView.drawScrollMarks(state, first: first, area: body.inset(left: -2), into: &buffer, context: context)
        return cursor
    }
}
