import Foundation
import Synchronization
import TerminalUI
import XCTest

/// A gate an effect waits at until the test opens it.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A search in miniature: `s` shows "searching" and reads matches; their answer reads a count
/// (an effect started by an answer); `w` starts a read that waits at a gate.
private struct Searcher: OneLineApplication {
    enum Event: Sendable { case matches(Int), count(Int), slow }
    var line = "idle"
    var exitCode: Int32?
    let gate: Gate

    mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
        switch input {
        case .key(.character("s")):
            line = "searching"
            return [Effect { .matches(3) }]
        case .key(.character("w")):
            line = "waiting"
            let gate = gate
            return [Effect {
                await gate.wait()
                return .slow
            }]
        case .key(.character("q")):
            exitCode = 0
        case .event(.matches(let found)):
            line = "\(found) matches"
            return [Effect { .count(found * 10) }]
        case .event(.count(let count)):
            line += ", \(count) in all"
        case .event(.slow):
            line = "slow answered"
        default:
            break
        }
        return []
    }
}

/// A backend that hands out its keys one at a time, each once the previous key's frame is
/// drawn, and otherwise blocks in `poll` on the runtime's wake descriptor, as ncurses does.
@MainActor
private final class PacedTerminal: TerminalBackend {
    let size = Size.minimum
    let capabilities = TerminalCapabilities(utf8: true, colors: false)
    var keys: [Key]
    var frames: [String] = []
    private var drawnSinceKey = true

    init(keys: [Key]) { self.keys = keys }

    func draw(_ frame: Frame) {
        frames.append(frame.buffer.text(row: 0).trimmingCharacters(in: .whitespaces))
        drawnSinceKey = true
    }

    func invalidate() {}

    func readInput(wakeDescriptor: Int32) -> [TerminalInput] {
        if drawnSinceKey, !keys.isEmpty {
            drawnSinceKey = false
            return [.key(keys.removeFirst())]
        }
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        // Ten seconds without a wake-up means a frame was never drawn: end the run.
        return poll(&descriptor, 1, 10_000) > 0 ? [] : [.endOfInput]
    }
}

@MainActor
final class FrameCoalescingTests: XCTestCase {
    /// A key whose effects answer at once (the answer starts another read) makes one frame,
    /// drawn when the last answer is in, not one per answer.
    func testAKeyWhoseEffectsAnswerAtOnceMakesOneFrame() {
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Searcher(gate: Gate()), backend: terminal)
        // A hold far longer than the test: the frame must come from the answers, not the bound.
        runtime.frameHold = .seconds(60)
        runtime.render()
        let before = terminal.drawCount
        let began = ContinuousClock.now
        runtime.feed(.key(.character("s")))
        XCTAssertEqual(terminal.drawCount - before, 1, "one frame for the key and both answers")
        XCTAssertEqual(terminal.screen.lines[0], "3 matches, 30 in all")
        XCTAssertLessThan(ContinuousClock.now - began, .seconds(30), "drawn when the answers came, not at the bound")
    }

    /// A slow effect does not hold the screen back: the key's frame is drawn after the bound,
    /// while the effect still runs; its answer makes the next frame.
    func testAFrameIsDrawnWhileASlowEffectStillRuns() async {
        let gate = Gate()
        let terminal = VirtualTerminal()
        let runtime = Runtime(app: Searcher(gate: gate), backend: terminal)
        runtime.frameHold = .milliseconds(30)
        runtime.render()
        let before = terminal.drawCount
        runtime.feed(.key(.character("w")))
        XCTAssertEqual(terminal.drawCount - before, 1)
        XCTAssertEqual(terminal.screen.lines[0], "waiting", "the key shows, the read has not answered")
        gate.open()
        await runtime.settle()
        XCTAssertEqual(terminal.screen.lines[0], "slow answered")
    }

    /// The program's loop coalesces too: one frame at start, then one per key, each with the
    /// answers of the reads the key started; a slow read still lets its key's frame through.
    func testTheRunLoopDrawsOneFramePerKeyAndNeverWaitsForASlowRead() {
        let gate = Gate()
        let terminal = PacedTerminal(keys: [.character("s"), .character("w"), .character("q")])
        let runtime = Runtime(app: Searcher(gate: gate), backend: terminal)
        runtime.frameHold = .milliseconds(30)
        XCTAssertEqual(runtime.run(), 0)
        XCTAssertEqual(terminal.frames, ["idle", "3 matches, 30 in all", "waiting", "waiting"],
                       "the start, `s` with its answers, `w` while its read waits, `q` as the run ends")
        gate.open()
    }
}
