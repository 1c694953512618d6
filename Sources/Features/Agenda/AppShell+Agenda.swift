import Foundation

extension AppShell {
    /// The agenda's alarms as instants of the runtime's clock, earliest first.
    static func schedule(_ alarms: [(at: Date, sentence: String)], now: Date = Date(),
                         clock: ContinuousClock.Instant = .now) -> [(at: ContinuousClock.Instant, sentence: String)] {
        alarms.map { (clock + .milliseconds(Int64(max(0, $0.at.timeIntervalSince(now)) * 1000)), $0.sentence) }.sorted { $0.at < $1.at }
    }

    /// Says the agenda items whose time has come (a rappel, a rendez-vous, or their alarm).
    mutating func sayDueAgenda(now: ContinuousClock.Instant) {
        while let first = agendaDue.first, first.at <= now {
            agendaDue.removeFirst()
            say(first.sentence)
        }
    }
}
