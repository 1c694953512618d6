import Foundation
import TerminalUI
import XCTest

/// An app that asks to be woken twice, then quits: an idle timer in miniature.
private struct Sleeper: Application {
    enum Event: Sendable { case started }
    var exitCode: Int32?
    var wakeUpTime: ContinuousClock.Instant?
    var wakeUps = 0
    var started = false

    mutating func start() -> [Effect<Event>] {
        [Effect { .started }]
    }

    mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        if case .event(.started) = input { started = true }
        return []
    }

    mutating func wakeUp(now: ContinuousClock.Instant) -> [Effect<Event>] {
        wakeUps += 1
        if wakeUps == 2 { exitCode = 0 } else { wakeUpTime = now + .milliseconds(50) }
        return []
    }

    func view(size: Size, capabilities: TerminalCapabilities) -> Frame {
        var buffer = CellBuffer(size: size)
        buffer.put("woken \(wakeUps)", at: Point(x: 0, y: 0))
        return Frame(buffer: buffer)
    }
}

/// A backend that blocks in `poll` on the runtime's wake descriptor, as the ncurses one does,
/// and never has a key: only the runtime's timer can wake it.
@MainActor
private final class SilentTerminal: TerminalBackend {
    var size = Size.minimum
    var capabilities = TerminalCapabilities(utf8: true, colors: false)
    var draws = 0
    var waits = 0

    func draw(_ frame: Frame) { draws += 1 }
    func invalidate() {}

    func readInput(wakeDescriptor: Int32) -> [TerminalInput] {
        waits += 1
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        // Five seconds without a wake-up means the timer is broken: end the run.
        return poll(&descriptor, 1, 5000) > 0 ? [] : [.endOfInput]
    }
}

@MainActor
final class WakeUpTests: XCTestCase {
    func testTheRuntimeSleepsUntilTheAppsWakeUpTimeWithoutSpinning() async {
        let terminal = SilentTerminal()
        let runtime = Runtime(app: Sleeper(wakeUpTime: .now + .milliseconds(50)), backend: terminal)
        let began = ContinuousClock.now
        XCTAssertEqual(runtime.run(), 0, "woken twice, then quit")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - began, .milliseconds(100))
        XCTAssertTrue(runtime.app.started, "the start-up effect ran")
        XCTAssertEqual(runtime.app.wakeUps, 2)
        XCTAssertLessThan(terminal.waits, 10, "no busy loop: one wait per wake-up or event")
        XCTAssertLessThan(terminal.draws, 10)
    }

    func testStepDriversWakeTheAppWithTheirOwnClock() async {
        let terminal = VirtualTerminal()
        let start = ContinuousClock.now
        let runtime = Runtime(app: Sleeper(wakeUpTime: start + .seconds(60)), backend: terminal)
        runtime.wakeUp(now: start + .seconds(59))
        XCTAssertEqual(runtime.app.wakeUps, 0, "not yet")
        runtime.wakeUp(now: start + .seconds(60))
        XCTAssertEqual(runtime.app.wakeUps, 1)
        XCTAssertEqual(terminal.screen.lines[0], "woken 1")
    }
}
