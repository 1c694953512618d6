/// What a frame shows, as text and styles: the virtual terminal's screen, inspectable in tests.
public struct ScreenSnapshot: Sendable {
    public let buffer: CellBuffer
    public let cursor: Point?
    public let announcement: String?

    public init(_ frame: Frame) {
        buffer = frame.buffer
        cursor = frame.cursor
        announcement = frame.announcement
    }

    public var size: Size { buffer.size }

    /// Each row as text, trailing blanks removed.
    public var lines: [String] {
        (0..<buffer.size.height).map { row in
            var line = buffer.text(row: row)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The whole screen, rows separated by newlines.
    public var text: String { lines.joined(separator: "\n") }

    public func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }

    /// Compares the whole screen with `expected`, one string a row (trailing blanks ignored,
    /// missing rows blank), as ratatui's `assert_buffer_lines`: nil when they match, else the
    /// screen and the expectation side by side, each differing row marked, to print in a test.
    public func difference(from expected: [String]) -> String? {
        let actual = lines
        let count = max(actual.count, expected.count)
        func trimmed(_ line: String) -> String {
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
        func numbered(_ mark: String, _ row: Int, _ text: String) -> String {
            mark + (row < 10 ? "  " : " ") + String(row) + " │" + text
        }
        var report: [String] = []
        var differs = false
        for row in 0..<count {
            let shown = row < actual.count ? actual[row] : ""
            let wanted = row < expected.count ? trimmed(expected[row]) : ""
            if shown == wanted {
                report.append(numbered(" ", row, shown))
            } else {
                differs = true
                report.append(numbered("-", row, wanted))
                report.append(numbered("+", row, shown))
            }
        }
        return differs ? "the screen differs (- expected, + shown):\n" + report.joined(separator: "\n") : nil
    }

    /// Where `text` first appears (column counted in cells), if it does.
    public func find(_ text: String) -> Point? {
        for row in 0..<buffer.size.height {
            var prefix = ""
            var columns: [Int] = []
            for x in 0..<buffer.size.width where buffer[x, row].width > 0 {
                columns.append(x)
                prefix.append(buffer[x, row].character)
            }
            if let range = prefix.range(of: text) {
                return Point(x: columns[prefix.distance(from: prefix.startIndex, to: range.lowerBound)], y: row)
            }
        }
        return nil
    }

    public func style(at point: Point) -> Style { buffer[point.x, point.y].style }

    /// Every style used on the screen.
    public var styles: Set<Style> { Set(buffer.cells.map(\.style)) }
}

/// A terminal in memory: shows frames as a text grid with inspectable styles, and reads keys
/// from a script. The screens are tested through it without a terminal.
@MainActor
public final class VirtualTerminal: TerminalBackend {
    public private(set) var size: Size
    public let capabilities: TerminalCapabilities
    public private(set) var screen: ScreenSnapshot
    /// How many frames were drawn, and how many cells changed in the last one.
    public private(set) var drawCount = 0
    public private(set) var cellsChangedInLastDraw = 0
    private var invalidated = true
    /// Inputs `readInput` hands out, one per call; `.endOfInput` once they are used up.
    public var script: [TerminalInput] = []

    public init(size: Size = .minimum, capabilities: TerminalCapabilities = TerminalCapabilities(utf8: true, colors: true)) {
        self.size = size
        self.capabilities = capabilities
        self.screen = ScreenSnapshot(Frame(buffer: CellBuffer(size: size)))
    }

    public func draw(_ frame: Frame) {
        let previous = screen.buffer
        if invalidated || previous.size != frame.buffer.size {
            cellsChangedInLastDraw = frame.buffer.cells.count
        } else {
            cellsChangedInLastDraw = zip(previous.cells, frame.buffer.cells).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
        }
        invalidated = false
        screen = ScreenSnapshot(frame)
        drawCount += 1
    }

    public func invalidate() { invalidated = true }

    /// Changes the size, as a terminal window resized by the user; returns the input to send.
    public func resize(to size: Size) -> TerminalInput {
        self.size = size
        return .resized(size)
    }

    public func readInput(wakeDescriptor: Int32) -> [TerminalInput] {
        script.isEmpty ? [.endOfInput] : [script.removeFirst()]
    }
}
