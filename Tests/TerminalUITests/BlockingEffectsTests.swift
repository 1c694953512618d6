import Dispatch
import Foundation
import Synchronization
import TerminalUI
import XCTest

/// Effects block their thread while they read the vault (SQLite is synchronous). On the
/// cooperative pool (one thread per core) reads that block could keep the read of the screen
/// the user just asked for from starting (issue 20: the Documents key at start waited for the
/// Accueil's digest and a sync). Effects run on threads of their own instead.
final class BlockingEffectsTests: XCTestCase {
    /// One more blocked effect than the machine has cores, then a key whose effect must answer
    /// while they all still block.
    private struct Blocker: OneLineApplication {
        enum Event: Sendable { case released, answered }
        var line = "idle"
        var exitCode: Int32?
        let blockers: Int
        let release: DispatchSemaphore
        let started: DispatchSemaphore

        mutating func update(_ input: Input<Event>) -> [Effect<Event>] {
            switch input {
            case .key(.character("b")):
                line = "blocking"
                let (release, started) = (release, started)
                return (0..<blockers).map { _ in
                    Effect {
                        started.signal()
                        release.wait()
                        return .released
                    }
                }
            case .key(.character("d")):
                return [Effect { .answered }]
            case .event(.answered):
                line = "answered"
            default:
                break
            }
            return []
        }
    }

    func testAnEffectStartsWhileOthersBlockTheirThreads() {
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 1
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        defer { for _ in 0..<blockers { release.signal() } }
        // XCTest runs a synchronous test on the main thread.
        MainActor.assumeIsolated {
            let runtime = Runtime(app: Blocker(blockers: blockers, release: release, started: started),
                                  backend: VirtualTerminal(size: .minimum, capabilities: TerminalCapabilities(utf8: true, colors: false)))
            runtime.frameHold = .seconds(60)
            runtime.send(.key(.character("b")))
            for index in 0..<blockers {
                XCTAssertEqual(started.wait(timeout: .now() + 20), .success, "blocked effect \(index + 1) of \(blockers) never started")
            }
            // Every blocker holds a thread now; the next effect still runs and answers.
            runtime.feed(.key(.character("d")))
            XCTAssertEqual(runtime.app.line, "answered")
        }
    }
}
