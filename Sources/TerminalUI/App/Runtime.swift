import Foundation
import Synchronization
/// What a backend reads from the terminal.
public enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resized(Size)
    /// The terminal went away (end of input, hang-up).
    case endOfInput
}

/// Shows frames and reads keys: the ncurses backend on a real terminal, the virtual one in tests.
/// Used from one thread only (the main actor), as ncurses requires.
@MainActor
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    var capabilities: TerminalCapabilities { get }
    /// Shows a frame, writing only the cells that changed since the last one.
    func draw(_ frame: Frame)
    /// Forgets what is on the screen, so the next draw repaints every cell (Ctrl-L).
    func invalidate()
    /// Waits until the user does something or `wakeDescriptor` becomes readable, and returns what
    /// the user did (possibly nothing). Never spins: it blocks in `poll`.
    func readInput(wakeDescriptor: Int32) -> [TerminalInput]
    /// Hands the terminal over to another program (leaves curses mode, as `endwin`).
    func suspend()
    /// Takes the terminal back after `suspend`; the next draw repaints everything.
    func resume()
}

extension TerminalBackend {
    /// A backend with no real terminal (the virtual one) has nothing to hand over.
    public func suspend() {}
    public func resume() { invalidate() }
}

/// Runs an `Application` on a backend: reads input, calls `update`, runs effects off the UI
/// thread and feeds their events back, and draws the view after each change.
@MainActor
public final class Runtime<App: Application> {
    public private(set) var app: App
    public let backend: any TerminalBackend
    private let queue = EventQueue<App.Event>()
    private var tasks: [Task<Void, Never>] = []
    /// Effects started and not ended yet.
    private let outstanding = Outstanding()
    private var subscriptions: [Task<Void, Never>] = []
    /// Step-by-step drivers (tests) keep the effects' tasks to await them in `settle`; `run` does not.
    private var tracksEffects = true
    /// The sleeping task that wakes `run` at the app's `wakeUpTime`, and that time.
    private var timer: (deadline: ContinuousClock.Instant, task: Task<Void, Never>)?
    /// The exit code when the terminal goes away before the app has finished.
    public static var hangUpExitCode: Int32 { 1 }

    public init(app: App, backend: any TerminalBackend) {
        self.app = app
        self.backend = backend
    }

    /// Runs until the app sets its exit code, or the terminal goes away. Returns the exit code.
    public func run() -> Int32 {
        tracksEffects = false
        _ = apply(.resized(backend.size))
        start()
        render()
        let lender = TerminalLender(wake: { [queue] in queue.wake() })
        TerminalLender.install(lender)
        defer {
            timer?.task.cancel()
            TerminalLender.install(nil)
        }
        while app.exitCode == nil {
            scheduleWakeUp()
            var changed = false
            for input in backend.readInput(wakeDescriptor: queue.wakeDescriptor) {
                if input == .endOfInput { return app.exitCode ?? Self.hangUpExitCode }
                changed = apply(input) || changed
                if app.exitCode != nil { break }
            }
            for event in queue.drain() {
                dispatch(.event(event))
                changed = true
            }
            changed = fireWakeUp(now: .now) || changed
            changed = lend(lender) || changed
            if changed { render() }
        }
        return app.exitCode ?? 0
    }

    /// Runs what borrowers wait to run with the terminal (an external editor), curses suspended,
    /// then takes the terminal back, following a size changed meanwhile. True if any ran.
    private func lend(_ lender: TerminalLender) -> Bool {
        let works = lender.take()
        guard !works.isEmpty else { return false }
        let before = backend.size
        backend.suspend()
        for work in works { work() }
        backend.resume()
        if backend.size != before { dispatch(.resized(backend.size)) }
        return true
    }

    /// Runs the app's start-up effects (`run` does it; step-by-step drivers call it themselves).
    public func start() {
        launch(app.start())
    }

    /// Wakes the app as if `now` had come, if its `wakeUpTime` has passed, and draws (for tests
    /// that drive the runtime with their own clock).
    public func wakeUp(now: ContinuousClock.Instant) {
        if fireWakeUp(now: now) { render() }
    }

    private func fireWakeUp(now: ContinuousClock.Instant) -> Bool {
        guard let due = app.wakeUpTime, now >= due else { return false }
        launch(app.wakeUp(now: now))
        return true
    }

    /// Keeps one sleeping task for the app's next wake-up time; it wakes the blocked `readInput`.
    private func scheduleWakeUp() {
        let deadline = app.wakeUpTime
        guard deadline != timer?.deadline else { return }
        timer?.task.cancel()
        timer = nil
        guard let deadline else { return }
        let queue = self.queue
        timer = (deadline, Task.detached {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { queue.wake() }
        })
    }

    /// Feeds the app the events a long-lived source posts (the vault's change notifications):
    /// `source` runs off the UI thread until it returns, and each event it posts wakes the UI.
    public func subscribe(_ source: @escaping @Sendable (_ post: @escaping @Sendable (App.Event) -> Void) async -> Void) {
        let queue = self.queue
        subscriptions.append(Task.detached { await source { queue.post($0) } })
    }

    /// Ends the subscriptions (the program calls it before closing what they listen to).
    public func cancelSubscriptions() {
        for task in subscriptions { task.cancel() }
        subscriptions.removeAll()
    }

    /// Waits, blocking, until every effect started so far has ended and its event is handled
    /// (with the effects those start in turn), then draws: for benchmarks and tests that cannot await.
    public func runUntilIdle(timeout: Duration = .seconds(30)) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let events = queue.drain()
            for event in events { dispatch(.event(event)) }
            if events.isEmpty {
                if outstanding.count == 0 && queue.isEmpty { break }
                var descriptor = pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 5)
            }
        }
        tasks.removeAll()
        render()
    }

    /// Hands the app an event as if an effect or a subscription had posted it, and draws (for
    /// tests that drive the runtime step by step).
    public func deliver(_ event: App.Event) {
        dispatch(.event(event))
        render()
    }

    /// Handles one input and draws the result (for tests that drive the runtime step by step).
    public func send(_ input: TerminalInput) {
        _ = apply(input)
        render()
    }

    /// Waits for every effect started so far, feeds their events to the app and draws.
    public func settle() async {
        while !tasks.isEmpty {
            let running = tasks
            tasks.removeAll()
            for task in running { await task.value }
            for event in queue.drain() { dispatch(.event(event)) }
        }
        render()
    }

    /// Draws the current state.
    public func render() {
        backend.draw(app.view(size: backend.size, capabilities: backend.capabilities))
    }

    private func apply(_ input: TerminalInput) -> Bool {
        switch input {
        case .key(.control("l")):
            backend.invalidate()
            return true
        case .key(let key):
            dispatch(.key(key))
        case .resized(let size):
            backend.invalidate()
            dispatch(.resized(size))
        case .endOfInput:
            return false
        }
        return true
    }

    private func dispatch(_ input: Input<App.Event>) {
        launch(app.update(input))
    }

    private func launch(_ effects: [Effect<App.Event>]) {
        for effect in effects {
            let queue = self.queue
            let outstanding = self.outstanding
            outstanding.add(1)
            let task = Task.detached {
                let event = await effect.operation()
                // Posted before the count drops, so a waiter never sees neither.
                if let event { queue.post(event) }
                outstanding.add(-1)
            }
            if tracksEffects { tasks.append(task) }
        }
    }
}

/// A counter shared with the effects' tasks.
final class Outstanding: Sendable {
    private let value = Mutex(0)
    func add(_ amount: Int) { value.withLock { $0 += amount } }
    var count: Int { value.withLock { $0 } }
}
