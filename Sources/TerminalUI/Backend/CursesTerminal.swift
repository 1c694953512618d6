import CNcursesw
import CursesShim
import Foundation
import L10n

/// The ncursesw backend: draws frames on the real terminal and reads its keys.
///
/// One thread only (the main actor). It writes only the cells that changed since the last frame
/// (ncurses then sends the fewest bytes to the terminal), follows resizes (`KEY_RESIZE`) and
/// repaints everything after `invalidate` (Ctrl-L).
@MainActor
public final class CursesTerminal: TerminalBackend {
    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where ncurses reads and writes.
    public enum Connection {
        /// The process's own terminal.
        case terminal
        /// Benchmarks: a terminal type and open files.
        case files(term: String, output: UnsafeMutablePointer<FILE>, input: UnsafeMutablePointer<FILE>)
    }

    public private(set) var size: Size
    public let capabilities: TerminalCapabilities
    private let window: UnsafeMutablePointer<WINDOW>
    private let screen: OpaquePointer?
    private var shown: CellBuffer?
    private var pairs: [Int: Int16] = [:]
    private var scratch = [wchar_t](repeating: 0, count: 8)
    private var closed = false
    /// Whether the terminal's own colours can stand for "no colour" (`use_default_colors`).
    private var hasDefaultColors = false
    private let inputDescriptor: Int32

    /// Starts curses. `raw` passes Ctrl-C, Ctrl-Z and Ctrl-\ as keys (kiosk mode).
    public init(connection: Connection = .terminal, environment: [String: String] = ProcessInfo.processInfo.environment,
                raw: Bool = false) throws(OpenError) {
        let utf8 = mes_locale_init_is_utf8() == 1
        var screenPointer: OpaquePointer?
        let opened: UnsafeMutablePointer<WINDOW>?
        switch connection {
        case .terminal:
            guard isatty(0) == 1, isatty(1) == 1 else { throw OpenError(description: tr("ui.error.needs-terminal")) }
            opened = mes_curses_open_terminal(&screenPointer)
            inputDescriptor = 0
        case .files(let term, let output, let input):
            opened = mes_curses_open_files(term, output, input, &screenPointer)
            inputDescriptor = fileno(input)
        }
        guard let opened else {
            throw OpenError(description: tr("ui.error.unknown-terminal", ["term": environment["TERM"] ?? ""]))
        }
        window = opened
        screen = screenPointer
        if raw { _ = CNcursesw.raw() } else { _ = cbreak() }
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = set_escdelay(25)
        _ = intrflush(window, false)
        wtimeout(window, 0)
        let colors = has_colors() && !TerminalCapabilities.colorsForbidden(by: environment)
        if colors {
            _ = start_color()
            hasDefaultColors = use_default_colors() == OK
        }
        capabilities = TerminalCapabilities(utf8: utf8, colors: colors)
        size = Size(width: Int(mes_curses_columns(opened)), height: Int(mes_curses_rows(opened)))
    }

    /// Leaves curses mode and gives the terminal back as it was. Safe to call twice.
    /// Gives the terminal back (cursor, modes, main screen) when the process is about to end on
    /// a signal, from whichever thread handles it; the process must exit right after.
    nonisolated public static func restoreAfterSignal() {
        _ = curs_set(1)
        _ = endwin()
    }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = curs_set(1)
        mes_curses_close(screen)
    }

    /// Leaves curses mode for another program (an editor): the terminal's own modes come back.
    public func suspend() {
        guard !closed else { return }
        _ = curs_set(1)
        _ = endwin()
        fflush(nil)
    }

    /// Back to curses mode after `suspend`, at the terminal's size now (it may have changed
    /// while the other program had it), with every cell repainted on the next draw.
    public func resume() {
        guard !closed else { return }
        var window = winsize()
        if ioctl(inputDescriptor, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0,
           Int(window.ws_row) != size.height || Int(window.ws_col) != size.width {
            _ = resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        _ = reset_prog_mode()
        invalidate()
        _ = wrefresh(self.window)
        size = Size(width: Int(mes_curses_columns(self.window)), height: Int(mes_curses_rows(self.window)))
    }

    public func invalidate() {
        shown = nil
        _ = clearok(window, true)
    }

    public func draw(_ frame: Frame) {
        let buffer = frame.buffer
        let previous = shown?.size == buffer.size ? shown : nil
        let width = buffer.size.width
        for y in 0..<min(buffer.size.height, size.height) {
            guard let span = Self.changedSpan(row: y, in: buffer, since: previous) else { continue }
            var x = span.lowerBound
            while x <= span.upperBound && x < size.width {
                let cell = buffer.cells[y * width + x]
                if cell.isContinuation { x += 1; continue }
                x += put(cell, x: x, y: y)
            }
        }
        shown = buffer
        if let cursor = frame.cursor, Rect(size: size).contains(cursor) {
            _ = wmove(window, Int32(cursor.y), Int32(cursor.x))
            _ = curs_set(1)
        } else {
            _ = curs_set(0)
        }
        _ = wnoutrefresh(window)
        _ = doupdate()
    }

    /// The columns of `row` that differ from the previous frame, widened to whole characters.
    static func changedSpan(row y: Int, in buffer: CellBuffer, since previous: CellBuffer?) -> ClosedRange<Int>? {
        let width = buffer.size.width
        let base = y * width
        guard let previous else { return width > 0 ? 0...(width - 1) : nil }
        var first = -1, last = -1
        for x in 0..<width where buffer.cells[base + x] != previous.cells[base + x] {
            if first < 0 { first = x }
            last = x
        }
        guard first >= 0 else { return nil }
        while first > 0, buffer.cells[base + first].isContinuation || previous.cells[base + first].isContinuation { first -= 1 }
        while last + 1 < width, buffer.cells[base + last + 1].isContinuation || previous.cells[base + last + 1].isContinuation { last += 1 }
        return first...last
    }

    /// Writes one cell (and its padding); returns the columns it took.
    private func put(_ cell: Cell, x: Int, y: Int) -> Int {
        let width = Int(cell.width)
        let plan = GlyphPlan.make(cell.character, width: width) { Int(mes_wcwidth(wchar_t(bitPattern: $0))) }
        let attributes = Self.attributes(cell.style)
        let pair = colorPair(cell.style)
        for (index, scalar) in plan.scalars.enumerated() { scratch[index] = wchar_t(bitPattern: scalar) }
        scratch[plan.scalars.count] = 0
        _ = mes_curses_put_cell(window, Int32(y), Int32(x), scratch, attributes, pair)
        if plan.padding > 0 {
            scratch[0] = 0x20
            scratch[1] = 0
            for offset in 0..<plan.padding {
                _ = mes_curses_put_cell(window, Int32(y), Int32(x + width - plan.padding + offset), scratch, attributes, pair)
            }
        }
        return max(width, 1)
    }

    private static func attributes(_ style: Style) -> attr_t {
        var flags: UInt32 = 0
        if style.attributes.contains(.bold) { flags |= 1 }
        if style.attributes.contains(.dim) { flags |= 2 }
        if style.attributes.contains(.underline) { flags |= 4 }
        if style.attributes.contains(.reverse) { flags |= 8 }
        return mes_curses_attributes(flags)
    }

    /// The colour pair of a style, created on first use (pair 0 is the terminal's default).
    private func colorPair(_ style: Style) -> Int16 {
        guard capabilities.colors, style.hasColor else { return 0 }
        // Without the terminal's default colours, "none" becomes white on black.
        let foreground = style.foreground.map { Int($0.rawValue) } ?? (hasDefaultColors ? -1 : Int(Color.white.rawValue))
        let background = style.background.map { Int($0.rawValue) } ?? (hasDefaultColors ? -1 : Int(Color.black.rawValue))
        let key = (foreground + 1) * 9 + (background + 1)
        if let pair = pairs[key] { return pair }
        let pair = Int16(pairs.count + 1)
        guard Int(pair) < mes_curses_color_pair_count() else { return 0 }
        _ = init_pair(pair, Int16(foreground), Int16(background))
        pairs[key] = pair
        return pair
    }

    public func readInput(wakeDescriptor: Int32) -> [TerminalInput] {
        var inputs = readKeys()
        if !inputs.isEmpty { return inputs }
        var descriptors = [
            pollfd(fd: inputDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        // A bounded wait, so a resize signal that lands just before `poll` is still seen soon.
        let ready = poll(&descriptors, 2, 250)
        if ready > 0, descriptors[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            return [.endOfInput]
        }
        inputs = readKeys()
        return inputs
    }

    /// Every key ncurses has ready, without waiting.
    private func readKeys() -> [TerminalInput] {
        var inputs: [TerminalInput] = []
        let functionKey = mes_curses_key_code_yes()
        while true {
            var value: wint_t = 0
            let result = wget_wch(window, &value)
            if result == ERR { break }
            if result == functionKey {
                if Int32(value) == KEY_RESIZE {
                    size = Size(width: Int(mes_curses_columns(window)), height: Int(mes_curses_rows(window)))
                    shown = nil
                    inputs.append(.resized(size))
                } else if let key = Self.functionKey(Int32(value)) {
                    inputs.append(.key(key))
                }
            } else if let key = Self.characterKey(UInt32(value)) {
                inputs.append(.key(key))
            }
        }
        return inputs
    }

    static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A: return .control(Character(Unicode.Scalar(value + 0x60)!))
        default:
            guard let scalar = Unicode.Scalar(value), value >= 0x20 else { return nil }
            return .character(Character(scalar))
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        let f0 = mes_curses_key_f0()
        if code > f0 && code <= f0 + 12 { return .function(Int(code - f0)) }
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        default: return nil
        }
    }
}

extension CursesTerminal {
    /// The version of the ncurses library linked at run time (`mes --version`), e.g. `ncurses 6.4.20230625`.
    nonisolated public static var libraryVersion: String { String(cString: curses_version()) }
}
