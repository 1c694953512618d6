import TerminalUI
import XCTest

/// A tiny app: counts keys, asks an effect to double the count, quits on `q`.
private struct Counter: Application {
    enum Event: Sendable { case doubled(Int) }
    var count = 0
    var exitCode: Int32?
    var size = Size.minimum

    mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .key(.character("q")): exitCode = 0
        case .key(.character("d")):
            let value = count
            return [Effect { .doubled(value * 2) }]
        case .key: count += 1
        case .event(.doubled(let value)): count = value
        case .resized(let newSize): size = newSize
        }
        return []
    }

    func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        var buffer = CellBuffer(size: size)
        buffer.put("count \(count) at \(self.size)", at: Point(x: 0, y: 0))
        return Frame(buffer: buffer, cursor: Point(x: 6, y: 0), announcement: "count \(count)")
    }
}

@MainActor
final class RuntimeTests: XCTestCase {
    func testKeysUpdateTheStateAndTheScreen() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Counter(), backend: terminal)
        runtime.send(.key(.character("a")))
        runtime.send(.key(.down))
        XCTAssertEqual(terminal.screen.lines[0], "count 2 at 80x24")
        XCTAssertEqual(terminal.screen.cursor, Point(x: 6, y: 0))
        XCTAssertEqual(terminal.screen.announcement, "count 2")
    }

    func testEffectsRunOffTheUIAndComeBackAsEvents() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Counter(count: 21), backend: terminal)
        runtime.send(.key(.character("d")))
        await runtime.settle()
        XCTAssertEqual(runtime.app.count, 42)
        XCTAssertEqual(terminal.screen.lines[0], "count 42 at 80x24")
    }

    func testOnlyChangedCellsAreRedrawnAndCtrlLRepaintsAll() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Counter(), backend: terminal)
        runtime.render()
        XCTAssertEqual(terminal.cellsChangedInLastDraw, 80 * 24)
        runtime.send(.key(.character("a")))
        XCTAssertEqual(terminal.cellsChangedInLastDraw, 1)
        runtime.send(.key(.control("l")))
        XCTAssertEqual(terminal.cellsChangedInLastDraw, 80 * 24)
        XCTAssertEqual(runtime.app.count, 1, "Ctrl-L is the runtime's, not the app's")
    }

    func testRunStopsWithTheAppsExitCodeAndFollowsResizes() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Counter(), backend: terminal)
        terminal.script = [.key(.character("x")), terminal.resize(to: Size(width: 100, height: 30)), .key(.character("q"))]
        XCTAssertEqual(runtime.run(), 0)
        XCTAssertEqual(terminal.screen.lines[0], "count 1 at 100x30")
    }

    func testRunEndsWhenTheTerminalGoesAway() async {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Counter(), backend: terminal)
        terminal.script = [.key(.character("x"))]
        XCTAssertEqual(runtime.run(), Runtime<Counter>.hangUpExitCode)
    }
}
