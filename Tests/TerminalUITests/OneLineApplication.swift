import TerminalUI

/// A test application whose whole view is one line of text, at the top left.
protocol OneLineApplication: Application {
    var line: String { get }
}

extension OneLineApplication {
    func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        var buffer = CellBuffer(size: size)
        buffer.put(line, at: Point(x: 0, y: 0))
        return Frame(buffer: buffer)
    }
}
