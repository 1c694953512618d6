import CursesShim
import Features
import Foundation
import TerminalUI

/// `mes-bench ui`: how long one frame of a 10,000-row table takes to render at 200x60 in the
/// virtual backend (budget: a median under 1 ms, issue 20), and how many bytes ncurses writes to scroll one page.
enum UIBenchmark {
    static let size = Size(width: 200, height: 60)
    static let rowCount = 10_000
    static let frames = 2_000

    static let columns = [
        TableColumn("Date", width: .fixed(10)), TableColumn("Type", width: .fixed(24)),
        TableColumn("Titre", width: .fill(3)), TableColumn("Auteur", width: .fill(2)),
        TableColumn("Taille", width: .fixed(9), alignRight: true),
    ]

    /// The cells of the synthetic table: cheap to make, so the figure measures the drawing.
    static func cell(_ row: Int, _ column: Int) -> String {
        switch column {
        case 0: "\(10 + row % 18)/\(10 + row % 3)/20\(20 + row % 7)"
        case 1: ["Compte rendu", "Ordonnance", "Résultats de biologie", "Imagerie"][row % 4]
        case 2: "Document médical numéro \(row + 1) du dossier"
        case 3: ["Dr Hélène Dupré", "Dr Martin", "Laboratoire Ouest", "Centre d’imagerie"][row % 4]
        default: "\(row % 900 + 12) Ko"
        }
    }

    static func frame(_ state: ListState, context: ViewContext) -> Frame {
        var buffer = CellBuffer(size: size, style: context.style(.normal))
        let cursor = TableView.render(state, columns: columns, cell: cell, into: &buffer, area: buffer.bounds,
                                      context: context, focused: true)
        return Frame(buffer: buffer, cursor: cursor)
    }

    @MainActor
    static func run() throws {
        let context = ViewContext(size: size, theme: Theme(.standard), symbols: .unicode)
        var state = ListState(count: rowCount)
        var timings: [Double] = []
        timings.reserveCapacity(frames)
        var checksum = 0
        for index in 0..<frames {
            // Scroll, page and jump across the whole table, as a user would.
            switch index % 50 {
            case 0: state.move(.last, visibleRows: size.height - 1)
            case 1: state.move(.first, visibleRows: size.height - 1)
            case 2...20: state.move(.pageDown, visibleRows: size.height - 1)
            default: state.move(.down, visibleRows: size.height - 1)
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let rendered = frame(state, context: context)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            checksum &+= rendered.buffer.cells.count
        }
        timings.sort()
        let median = timings[timings.count / 2]
        let p95 = timings[timings.count * 95 / 100]
        print("ui.frame  table \(rowCount) rows at \(size), virtual backend, \(frames) frames")
        print(String(format: "ui.frame  median %.3f ms, p95 %.3f ms, max %.3f ms (budget: median under 1 ms: %@)",
                     median, p95, timings.last ?? 0, median < 1 ? "within" : "OVER"))
        BenchSummary.add("ui bench, table frame, \(rowCount) rows at \(size), load \(BenchSummary.load())",
                         mes: String(format: "%.3f ms", median), anchor: "budget 1 ms", ratio: BenchSummary.ratio(median, 1))
        _ = checksum
        measureShellFrame()
        try measureScrollBytes(context: context)
    }

    /// A screen as sections write them: a 10,000-row grouped list with marks, in the shell.
    struct ListScreen: FeatureScreen {
        var list = ListState(count: UIBenchmark.rowCount)
        var keyMap: KeyMap { KeyMap(title: "bench", bindings: []) }
        var keyHints: [KeyHint] { [KeyHint(.enter, "ouvrir"), KeyHint("/", "chercher"), KeyHint("m", "masquer")] }

        mutating func update(_ input: ComponentInput) -> Update {
            guard case .key(let key) = input, let motion = key.motion else { return .ignored }
            list.move(motion, visibleRows: 50, selectable: { $0 % 25 != 0 })
            return .handled
        }

        func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
            Rendered(cursor: ListView.render(list, rows: { row in
                row % 25 == 0 ? .heading("Catégorie \(row / 25) (24)")
                    : ListRow("\(UIBenchmark.cell(row, 0)) \(UIBenchmark.cell(row, 2))", marks: row % 3 == 0 ? "[nouveau]" : "")
            }, into: &buffer, area: area, context: context, focused: context.focused))
        }
    }

    /// The whole shell's frame (header, tab bar or side list, the list screen, message line and
    /// key bar) at 200x60, as the runtime draws it after each key.
    @MainActor
    static func measureShellFrame() {
        var shell = AppShell(screens: [.messages: ListScreen()])
        _ = shell.update(.resized(size))
        _ = shell.update(.key(.character("5")))
        let capabilities = TerminalCapabilities(utf8: true, colors: true)
        var timings: [Double] = []
        for index in 0..<frames {
            _ = shell.update(.key(index % 40 == 0 ? .end : (index % 40 == 1 ? .home : .pageDown)))
            let start = DispatchTime.now().uptimeNanoseconds
            let frame = shell.view(size: size, capabilities: capabilities)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            _ = frame.cursor
        }
        timings.sort()
        let p95 = timings[timings.count * 95 / 100]
        print(String(format: "ui.shell  whole shell, 10 000-row grouped list at %@: median %.3f ms, p95 %.3f ms (budget: median under 1 ms: %@)",
                     size.description, timings[timings.count / 2], p95, timings[timings.count / 2] < 1 ? "within" : "OVER"))
        BenchSummary.add("ui bench, whole shell frame at \(size), load \(BenchSummary.load())",
                         mes: String(format: "%.3f ms", timings[timings.count / 2]), anchor: "budget 1 ms",
                         ratio: BenchSummary.ratio(timings[timings.count / 2], 1))
    }

    /// Runs the ncurses backend on a pseudo-terminal and counts the bytes one page down writes.
    @MainActor
    static func measureScrollBytes(context: ViewContext) throws {
        var primary: Int32 = -1, secondary: Int32 = -1
        guard mes_open_pseudo_terminal(Int32(size.height), Int32(size.width), &primary, &secondary) == 0,
              let output = fdopen(dup(secondary), "w"), let input = fdopen(secondary, "r") else {
            throw BenchmarkError(description: "cannot open a pseudo-terminal")
        }
        defer { close(primary) }
        let terminal = try CursesTerminal(connection: .files(term: "xterm-256color", output: output, input: input),
                                          environment: ["TERM": "xterm-256color"])
        defer {
            terminal.close()
            fclose(output)
            fclose(input)
        }
        let reader = PseudoTerminalReader(descriptor: primary)
        // The selection on the last visible row, so that paging scrolls the whole table.
        var state = ListState(count: rowCount)
        state.jump(to: size.height - 2, visibleRows: size.height - 1)
        terminal.draw(frame(state, context: context))
        let first = reader.drain()
        state.move(.pageDown, visibleRows: size.height - 1)
        terminal.draw(frame(state, context: context))
        let page = reader.drain()
        state.move(.down, visibleRows: size.height - 1)
        terminal.draw(frame(state, context: context))
        let line = reader.drain()
        print("ui.bytes  first frame \(first) B, one page down \(page) B, one row down \(line) B (ncurses, xterm-256color, \(size))")
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}

/// Reads what the program side wrote to a pseudo-terminal, without blocking.
struct PseudoTerminalReader {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// The bytes waiting (waits briefly for the terminal driver to pass them on).
    func drain() -> Int {
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var idle = 0
        while idle < 5 {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                total += count
                idle = 0
            } else {
                idle += 1
                usleep(2_000)
            }
        }
        return total
    }
}
