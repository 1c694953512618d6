import Foundation
import Synchronization

/// Where effects running off the UI thread leave their events. Posting also writes a byte to a
/// pipe, so a UI blocked waiting for a key wakes up at once.
public final class EventQueue<Event: Sendable>: Sendable {
    private let events = Mutex<[Event]>([])
    private let pipeDescriptors: (read: Int32, write: Int32)

    public init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
        }
        pipeDescriptors = (descriptors[0], descriptors[1])
    }

    deinit {
        close(pipeDescriptors.read)
        close(pipeDescriptors.write)
    }

    /// Becomes readable when an event is waiting.
    public var wakeDescriptor: Int32 { pipeDescriptors.read }

    public func post(_ event: Event) {
        events.withLock { $0.append(event) }
        wake()
    }

    /// Wakes a UI blocked waiting for a key, with no event (a timer that has run out).
    public func wake() {
        var byte: UInt8 = 1
        _ = write(pipeDescriptors.write, &byte, 1)
    }

    /// True when no event waits.
    public var isEmpty: Bool { events.withLock { $0.isEmpty } }

    /// Takes every waiting event, in the order they were posted.
    public func drain() -> [Event] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(pipeDescriptors.read, &buffer, buffer.count) > 0 {}
        return events.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}
