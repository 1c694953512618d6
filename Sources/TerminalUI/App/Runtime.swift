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
///
/// Frames are coalesced: after a change the frame waits until every effect started since the
/// last frame (and those their answers start) has answered, so a key whose reads answer at once
/// makes one frame with their results, not one per answer. A slow effect never holds the screen
/// back for long: the frame is drawn anyway `frameHold` after the first change it shows.
@MainActor
public final class Runtime<App: Application> {
    public private(set) var app: App
    public let backend: any TerminalBackend
    private let queue = EventQueue<App.Event>()
    private var tasks: [Task<Void, Never>] = []
    /// Effects started and not ended yet.
    private let outstanding = Outstanding()
    /// The longest a frame waits for the effects started since the last one.
    public var frameHold: Duration = .milliseconds(40)
    /// The effects started since the last frame (the frame waits for them), and when the first
    /// change since the last frame happened (nil: the screen shows the state).
    private var startedSinceFrame: [UInt64] = []
    private var changedSince: ContinuousClock.Instant?
    private var nextEffect: UInt64 = 0
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
        // The first frame is drawn at once, whatever the start-up effects.
        render()
        let lender = TerminalLender(wake: { [queue] in queue.wake() })
        TerminalLender.install(lender)
        defer {
            timer?.task.cancel()
            TerminalLender.install(nil)
        }
        while app.exitCode == nil {
            scheduleWakeUp()
            let inputs = backend.readInput(wakeDescriptor: queue.wakeDescriptor)
            if turn(inputs, lender: lender) { return app.exitCode ?? Self.hangUpExitCode }
        }
        return app.exitCode ?? 0
    }

    /// One turn of the loop: the inputs read, the events the effects left, a wake-up that came,
    /// work lent the terminal; then the frame, if one is due. True when the terminal went away.
    private func turn(_ inputs: [TerminalInput], lender: TerminalLender?) -> Bool {
        for input in inputs {
            if input == .endOfInput { return true }
            if apply(input) { changed() }
            if app.exitCode != nil { break }
        }
        for event in queue.drain() {
            dispatch(.event(event))
            changed()
        }
        if fireWakeUp(now: .now) { changed() }
        if let lender, lend(lender) {
            // The other program drew over the screen: draw again now.
            render()
        } else if frameIsDue(now: .now) || (app.exitCode != nil && changedSince != nil) {
            render()
        }
        return false
    }

    /// Notes a change the screen does not show yet.
    private func changed() {
        if changedSince == nil { changedSince = .now }
    }

    /// A change waits to be shown, and the effects it started have all answered and their
    /// answers have been handled (an effect posts before it ends), or it has waited `frameHold`.
    private func frameIsDue(now: ContinuousClock.Instant) -> Bool {
        guard let since = changedSince else { return false }
        return now >= since + frameHold || (!outstanding.isRunning(any: startedSinceFrame) && queue.isEmpty)
    }

    /// When a change waiting for its effects must be drawn anyway.
    private var frameDeadline: ContinuousClock.Instant? {
        changedSince.map { $0 + frameHold }
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

    /// Keeps one sleeping task for the next time the loop must wake without input (the app's
    /// wake-up time, or a held frame's deadline); it wakes the blocked `readInput`.
    private func scheduleWakeUp() {
        let deadline = [app.wakeUpTime, frameDeadline].compactMap { $0 }.min()
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

    /// Handles one input as `run` does, and returns once the frame it leads to is drawn: when
    /// the effects it started (and those their answers start) have answered, or after
    /// `frameHold` (for benchmarks and tests of the frame timing; effects still running go on).
    public func feed(_ input: TerminalInput) {
        _ = turn([input], lender: nil)
        while changedSince != nil {
            let wait = frameDeadline.map { ContinuousClock.now.duration(to: $0) } ?? .zero
            let milliseconds = max(0, min(1_000, Int((wait / .milliseconds(1)).rounded(.up))))
            var descriptor = pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, Int32(milliseconds))
            _ = turn([], lender: nil)
        }
    }

    /// Waits, blocking, until every effect started so far has ended and its event is handled
    /// (with the effects those start in turn), then draws if anything changed since the last
    /// frame: for benchmarks and tests that cannot await.
    public func runUntilIdle(timeout: Duration = .seconds(30)) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let events = queue.drain()
            for event in events {
                dispatch(.event(event))
                changed()
            }
            if events.isEmpty {
                if outstanding.count == 0 && queue.isEmpty { break }
                var descriptor = pollfd(fd: queue.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, 5)
            }
        }
        tasks.removeAll()
        if changedSince != nil { render() }
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
        changedSince = nil
        startedSinceFrame.removeAll()
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
            nextEffect &+= 1
            let id = nextEffect
            outstanding.start(id)
            startedSinceFrame.append(id)
            let task = Task.detached(executorPreference: EffectExecutor.shared) {
                let event = await effect.operation()
                // Posted before the effect counts as ended, so a waiter never sees neither; the
                // second wake lets a frame waiting for this effect see it ended.
                if let event { queue.post(event) }
                outstanding.end(id)
                queue.wake()
            }
            if tracksEffects { tasks.append(task) }
        }
    }
}

/// Where effects run: threads of their own, not the cooperative pool (one thread per core).
/// Effects read the vault synchronously (SQLite): on a 2-core machine the Accueil's digest and
/// a sync could hold both pool threads, and the read of the screen the user just asked for
/// waited for one to finish (issue 20: start → first useful frame). A custom concurrent queue
/// gets a thread when its others are blocked.
final class EffectExecutor: TaskExecutor {
    static let shared = EffectExecutor()
    private let queue = DispatchQueue(label: "mes.effects", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// The effects running, shared with their tasks.
final class Outstanding: Sendable {
    private let running = Mutex(Set<UInt64>())
    func start(_ id: UInt64) { _ = running.withLock { $0.insert(id) } }
    func end(_ id: UInt64) { _ = running.withLock { $0.remove(id) } }
    var count: Int { running.withLock { $0.count } }
    /// Whether any of `ids` is still running.
    func isRunning(any ids: [UInt64]) -> Bool {
        guard !ids.isEmpty else { return false }
        return running.withLock { set in ids.contains { set.contains($0) } }
    }
}
