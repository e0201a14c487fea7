import Support

/// One token-bucket limit: `rate` requests per second sustained, up to `burst` at once.
/// Read from `RATE/s,BURST` (or `RATE/m,BURST`, per minute), e.g. `10/s,20`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Tokens added per second.
    public var rate: Double
    /// The bucket's size: requests allowed back to back after a quiet spell.
    public var burst: Int

    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    /// Parses `RATE/s,BURST` or `RATE/m,BURST`; nil when malformed, the rate is not more than 0
    /// (at most 1,000,000 per second) or the burst not from 1 to 1,000,000.
    public init?(setting text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard parts.count == 2, let burst = Int(parts[1]), (1...1_000_000).contains(burst) else { return nil }
        let rateParts = parts[0].split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard rateParts.count == 2, let amount = Double(rateParts[0]), amount.isFinite, amount > 0 else { return nil }
        let perSecond: Double
        switch rateParts[1] {
        case "s": perSecond = amount
        case "m": perSecond = amount / 60
        default: return nil
        }
        guard perSecond <= 1_000_000 else { return nil }
        self.init(rate: perSecond, burst: burst)
    }

    /// The window in whole seconds that the `RateLimit-Policy` field names: long enough to
    /// refill a whole burst, at least one second.
    public var windowSeconds: Int {
        max(1, Int((Double(burst) / rate).rounded(.up)))
    }

    /// Requests allowed per `windowSeconds` (never fewer than a burst).
    public var quota: Int {
        max(burst, Int((rate * Double(windowSeconds)).rounded(.down)))
    }

    /// As the setting is written: per second when the rate is whole, else per minute when
    /// that is whole, else per second to three decimals.
    public var description: String {
        let perMinute = rate * 60
        if rate == rate.rounded() { return "\(Int(rate))/s,\(burst)" }
        if abs(perMinute - perMinute.rounded()) < 1e-9 { return "\(Int(perMinute.rounded()))/m,\(burst)" }
        return "\((rate * 1000).rounded() / 1000)/s,\(burst)"
    }
}

/// A token bucket's state: tokens left and when they were last counted (nanoseconds on a
/// monotonic clock the caller reads, so tests drive time themselves).
struct TokenBucket: Sendable, Equatable {
    var tokens: Double
    var updated: UInt64

    /// What taking one token gave.
    enum Outcome: Equatable {
        /// Taken; `remaining` whole tokens are left.
        case allowed(remaining: Int)
        /// Empty: one token will be there in `retryAfterSeconds` (rounded up, at least 1).
        case refused(retryAfterSeconds: Int)
    }

    /// A full bucket.
    init(limit: RateLimit, now: UInt64) {
        tokens = Double(limit.burst)
        updated = now
    }

    init(tokens: Double, updated: UInt64) {
        self.tokens = tokens
        self.updated = updated
    }

    /// Refills for the time since the last count (a clock that went back adds nothing), then
    /// takes one token if there is one.
    mutating func take(limit: RateLimit, now: UInt64) -> Outcome {
        refill(limit: limit, now: now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed(remaining: Int(tokens))
        }
        let wait = (1 - tokens) / limit.rate
        return .refused(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
    }

    /// Whether the bucket would be full by `now`: then it is no different from a new one and
    /// may be forgotten.
    func isFull(limit: RateLimit, now: UInt64) -> Bool {
        var copy = self
        copy.refill(limit: limit, now: now)
        return copy.tokens >= Double(limit.burst)
    }

    private mutating func refill(limit: RateLimit, now: UInt64) {
        guard now > updated else { return }
        let elapsed = Double(now - updated) / 1e9
        tokens = min(Double(limit.burst), tokens + elapsed * limit.rate)
        updated = now
    }
}
