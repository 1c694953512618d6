/// One terminal cell: a grapheme cluster, the columns it spans, and its style.
///
/// A wide character (CJK, emoji) sits in its first cell with `width == 2`; the cell to its right
/// is a continuation (`width == 0`) that draws nothing.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var width: UInt8
    public var style: Style

    public init(_ character: Character, width: UInt8 = 1, style: Style = .plain) {
        self.character = character
        self.width = width
        self.style = style
    }

    public static let blank = Cell(" ")
    public var isContinuation: Bool { width == 0 }
}

/// A grid of cells: what a view draws into and what a backend shows.
///
/// Every piece of text enters through `put`, which passes it through `Sanitizer` and measures
/// it per grapheme cluster: this is the drawing boundary of DESIGN.md §9.
public struct CellBuffer: Hashable, Sendable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]

    /// For a terminal that shows only ASCII: every text put is turned into ASCII first
    /// (`AsciiFallback`), so nothing reaches the terminal as a "?".
    public var asciiOnly: Bool

    public init(size: Size, style: Style = .plain, asciiOnly: Bool = false) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        self.cells = Array(repeating: Cell(" ", style: style), count: self.size.width * self.size.height)
        self.asciiOnly = asciiOnly
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
    }

    /// Fills a rectangle with blanks (or another narrow character) in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain, with character: Character = " ") {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let cell = Cell(character, style: style)
        for y in area.y..<area.maxY {
            let base = y * size.width
            // Wide characters cut at the edges lose their other half (as `set` does), then the
            // row's cells are written at once.
            if cells[base + area.x].width == 0, area.x > 0 {
                cells[base + area.x - 1] = Cell(" ", style: cells[base + area.x - 1].style)
            }
            if cells[base + area.maxX - 1].width == 2, area.maxX < size.width {
                cells[base + area.maxX] = Cell(" ", style: cells[base + area.maxX].style)
            }
            for x in area.x..<area.maxX { cells[base + x] = cell }
        }
    }

    /// Changes the style of a rectangle, keeping its characters (to highlight a row, say).
    public mutating func restyle(_ rect: Rect, style: Style) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            let base = y * size.width
            for x in area.x..<area.maxX { cells[base + x].style = style }
        }
    }

    /// Adds attributes to a rectangle, keeping characters and colours.
    public mutating func addAttributes(_ attributes: Attributes, in rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            let base = y * size.width
            for x in area.x..<area.maxX { cells[base + x].style.attributes.formUnion(attributes) }
        }
    }

    /// Draws text on one row from `point`, clipped to `maxWidth` columns and to the buffer.
    /// The text is sanitised first. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, at point: Point, style: Style = .plain, maxWidth: Int? = nil,
                             policy: Sanitizer.Policy = .text) -> Int {
        guard point.y >= 0, point.y < size.height, point.x < size.width else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.width - point.x)
        guard limit > 0 else { return 0 }
        var x = point.x
        let end = point.x + limit
        var text = text
        if asciiOnly && !Sanitizer.isPrintableASCII(text) {
            text = AsciiFallback.ascii(Sanitizer.sanitize(text, policy: policy))
        }
        if Sanitizer.isPlain(text) {
            // Plain text needs no sanitising and no grapheme breaking: one cell per code point.
            let row = point.y * size.width
            for scalar in text.unicodeScalars {
                if x >= end { break }
                if x >= 0 {
                    let cell = Cell(Character(scalar), width: 1, style: style)
                    if cells[row + x].width == 1 { cells[row + x] = cell } else { set(x, point.y, cell) }
                }
                x += 1
            }
            return x - point.x
        }
        for character in Sanitizer.sanitize(text, policy: policy) {
            if x >= end { break }
            let width = DisplayWidth.of(character)
            guard width > 0 else { continue }
            if x + width > end {
                // A wide character that does not fit is replaced by a blank, never cut in half.
                if x >= 0 { set(x, point.y, Cell(" ", width: 1, style: style)) }
                x += 1
                break
            }
            if x >= 0 {
                set(x, point.y, Cell(character, width: UInt8(width), style: style))
                if width == 2 { set(x + 1, point.y, Cell(" ", width: 0, style: style)) }
            }
            x += width
        }
        return x - point.x
    }

    /// Writes one cell, repairing any wide character it cuts in half.
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        let index = y * size.width + x
        let old = cells[index]
        // Over the right half of a wide character: its left half becomes a blank.
        if old.width == 0, cell.width != 0, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
        }
        // Over the left half, with anything but a new wide character: the right half becomes a blank.
        if old.width == 2, cell.width != 2, x + 1 < size.width {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// The characters of one row as a string (continuations skipped), for tests and benchmarks.
    public func text(row: Int) -> String {
        var line = ""
        let base = row * size.width
        for x in 0..<size.width where cells[base + x].width > 0 {
            line.append(cells[base + x].character)
        }
        return line
    }
}
