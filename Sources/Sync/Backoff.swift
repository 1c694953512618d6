/// When to try again after a transient failure: exponential growth with "full jitter"
/// (a uniformly random delay up to the exponential bound), capped, so that many clients
/// recovering from the same outage do not retry in lockstep.
public struct Backoff: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    public var multiplier: Double
    /// Attempts after which a transient failure is reported as not resolved (entries stay queued).
    public var maximumAttempts: Int

    public init(initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(30),
                multiplier: Double = 2, maximumAttempts: Int = 6) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.maximumAttempts = maximumAttempts
    }

    /// The upper bound of the delay before attempt `attempt + 1` (attempt counts from 1).
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let factor = pow(multiplier, Double(max(attempt - 1, 0)))
        let seconds = min(initialDelay.seconds * factor, maximumDelay.seconds)
        return .nanoseconds(Int64(seconds * 1_000_000_000))
    }

    /// The delay to wait after `attempt` failures; `unitRandom` is a value in [0, 1).
    public func delay(afterAttempt attempt: Int, unitRandom: Double) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt).seconds
        return .nanoseconds(Int64(ceiling * min(max(unitRandom, 0), 1) * 1_000_000_000))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 { result *= base; remaining -= 1 }
    return result
}
