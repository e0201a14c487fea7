/// A request over one of the gateway's rate limits, refused at admission: which limit
/// (`policy`, `address` or `token`), its setting, and when one request will be allowed again.
/// `ErrorMapping` makes it a 429.
public struct RateLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    /// The limit's name, as the `RateLimit-Policy` field gives it: `address` or `token`.
    public var policy: String
    public var limit: RateLimit
    /// Whole seconds until the bucket holds a token again (at least 1).
    public var retryAfterSeconds: Int

    public init(policy: String, limit: RateLimit, retryAfterSeconds: Int) {
        self.policy = policy
        self.limit = limit
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String {
        let who = policy == "token" ? "this token" : "this client address"
        return "more requests from \(who) than its limit (\(limit)) allows; retry in \(retryAfterSeconds) s"
    }
}
