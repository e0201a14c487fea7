import Support

/// Token buckets by key (a client address, a token's index in the `AccessPolicy`; never a raw
/// token), shared by every connection: stripes of buckets, each behind its own lock, a key's
/// stripe picked by its hash, so requests of different clients seldom meet on a lock.
///
/// Bounded: each stripe holds at most `maximumKeys / stripeCount` buckets. A stripe that is
/// full first forgets buckets that have refilled (no different from new ones); if that frees
/// less than an eighth, it forgets arbitrary ones until an eighth is free. A forgotten bucket
/// comes back full: a client rotating addresses costs bounded memory, at worst someone gets a
/// fresh burst early, and nobody is refused for someone else. Forgetting happens at most once
/// per eighth of a stripe's new keys, so its cost spreads thin.
final class RateLimiter<Key: Hashable & Sendable>: Sendable {
    let limit: RateLimit
    let stripeCount: Int
    private let keysPerStripe: Int
    private let stripes: [Locked<[Key: TokenBucket]>]
    /// Nanoseconds on a monotonic clock.
    private let clock: @Sendable () -> UInt64

    /// - Parameters:
    ///   - maximumKeys: buckets kept at most (spread over the stripes).
    ///   - clock: the monotonic clock, in nanoseconds (tests give their own).
    init(limit: RateLimit, maximumKeys: Int = 65_536, stripeCount: Int = 16,
         clock: @escaping @Sendable () -> UInt64 = { Deadline.now().nanoseconds }) {
        self.limit = limit
        self.stripeCount = max(1, stripeCount)
        keysPerStripe = max(1, maximumKeys / self.stripeCount)
        stripes = (0..<self.stripeCount).map { _ in Locked([:]) }
        self.clock = clock
    }

    /// Takes one token from `key`'s bucket (a new key starts full).
    func take(_ key: Key) -> TokenBucket.Outcome {
        let now = clock()
        let limit = limit
        let capacity = keysPerStripe
        return stripes[Int(UInt(bitPattern: key.hashValue) % UInt(stripeCount))].withLock { buckets in
            if let index = buckets.index(forKey: key) {
                return buckets.values[index].take(limit: limit, now: now)
            }
            if buckets.count >= capacity {
                Self.makeRoom(in: &buckets, capacity: capacity, limit: limit, now: now)
            }
            var bucket = TokenBucket(limit: limit, now: now)
            let outcome = bucket.take(limit: limit, now: now)
            buckets[key] = bucket
            return outcome
        }
    }

    /// Buckets held now, over all stripes.
    var count: Int { stripes.reduce(0) { $0 + $1.withLock { $0.count } } }

    private static func makeRoom(in buckets: inout [Key: TokenBucket], capacity: Int, limit: RateLimit, now: UInt64) {
        let target = capacity - max(1, capacity / 8)
        buckets = buckets.filter { !$0.value.isFull(limit: limit, now: now) }
        guard buckets.count > target else { return }
        for key in Array(buckets.keys.prefix(buckets.count - target)) {
            buckets.removeValue(forKey: key)
        }
    }
}
