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
}

/// Runs an `Application` on a backend: reads input, calls `update`, runs effects off the UI
/// thread and feeds their events back, and draws the view after each change.
@MainActor
public final class Runtime<App: Application> {
    public private(set) var app: App
    public let backend: any TerminalBackend
    private let queue = EventQueue<App.Event>()
    private var tasks: [Task<Void, Never>] = []
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
        defer { timer?.task.cancel() }
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
            if changed { render() }
        }
        return app.exitCode ?? 0
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
            let task = Task.detached {
                if let event = await effect.operation() { queue.post(event) }
            }
            if tracksEffects { tasks.append(task) }
        }
    }
}
