import HTTPServer

/// The gateway's optional rate limits, applied at admission before any body byte is read:
/// per client address (as `RequestContext.clientAddress` found it: behind a trusted proxy, the
/// forwarded client) before the token guard, so that guessing tokens is limited too, and per
/// valid token after it. Health probes (`/health/live`, `/health/ready`, `/health`) are never
/// limited: a load balancer must see the truth about a busy gateway. `/metrics` and
/// `/openapi.yaml` count like any route (they cost a render or a large body).
struct RequestRateLimits: Sendable {
    let perAddress: RateLimiter<String>?
    let perToken: RateLimiter<CredentialKey>?

    static let exemptPatterns: Set<String> = ["/health/live", "/health/ready", "/health"]

    /// Nil when neither limit is set (the default): admission then does nothing more.
    init?(perAddress: RateLimit?, perToken: RateLimit?) {
        guard perAddress != nil || perToken != nil else { return nil }
        self.perAddress = perAddress.map { RateLimiter(limit: $0) }
        self.perToken = perToken.map { RateLimiter(limit: $0) }
    }

    static func exempts(_ route: HTTPRouter.Resolution?) -> Bool {
        if case .found(let match)? = route { return exemptPatterns.contains(match.pattern) }
        return false
    }

    /// Nil when `address` may go on.
    func checkAddress(_ address: String) -> RateLimitExceeded? {
        guard let perAddress else { return nil }
        return Self.exceeded(perAddress.take(address), policy: "address", limit: perAddress.limit)
    }

    /// Nil when the bearer credential `key` (a configured token or a JWT) may go on.
    func checkToken(_ key: CredentialKey) -> RateLimitExceeded? {
        guard let perToken else { return nil }
        return Self.exceeded(perToken.take(key), policy: "token", limit: perToken.limit)
    }

    private static func exceeded(_ outcome: TokenBucket.Outcome, policy: String, limit: RateLimit) -> RateLimitExceeded? {
        guard case .refused(let seconds) = outcome else { return nil }
        return RateLimitExceeded(policy: policy, limit: limit, retryAfterSeconds: seconds)
    }
}
