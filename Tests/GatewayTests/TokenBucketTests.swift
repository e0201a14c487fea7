import Foundation
@testable import Gateway
import HTTPServer
import Support
import XCTest

/// Token buckets and their table with a clock the test moves: no sleeping.
final class TokenBucketTests: XCTestCase {
    /// A monotonic clock in nanoseconds that only the test advances.
    final class ManualClock: Sendable {
        private let now = Locked<UInt64>(1_000_000_000)
        func advance(seconds: Double) { now.withLock { $0 += UInt64(seconds * 1e9) } }
        var read: @Sendable () -> UInt64 { { [now] in now.current } }
    }

    func testSettingsAreParsed() throws {
        XCTAssertEqual(RateLimit(setting: "10/s,20"), RateLimit(rate: 10, burst: 20))
        XCTAssertEqual(RateLimit(setting: " 0.5/s , 2 "), RateLimit(rate: 0.5, burst: 2))
        let perMinute = try XCTUnwrap(RateLimit(setting: "120/m,5"))
        XCTAssertEqual(perMinute.rate, 2, accuracy: 1e-9)
        for bad in ["", "10", "10/s", "10/h,5", "0/s,5", "-1/s,5", "10/s,0", "10/s,x", "nan/s,5", "inf/s,5", "10/s,5,6"] {
            XCTAssertNil(RateLimit(setting: bad), bad)
        }
    }

    func testDescriptionReadsAsTheSetting() {
        XCTAssertEqual(RateLimit(rate: 10, burst: 20).description, "10/s,20")
        XCTAssertEqual(RateLimit(setting: "1/m,2")?.description, "1/m,2")
        XCTAssertEqual(RateLimit(setting: "90/m,3")?.description, "90/m,3")
        XCTAssertEqual(RateLimit(rate: 1.5, burst: 3).description, "90/m,3")
        XCTAssertEqual(RateLimit(rate: 1.25, burst: 3).description, "75/m,3")
        XCTAssertEqual(RateLimit(rate: 1.001, burst: 3).description, "1.001/s,3")
        XCTAssertEqual(RateLimit(rate: 0.0123456, burst: 1).description, "0.012/s,1")
    }

    func testPolicyQuotaAndWindow() {
        XCTAssertEqual(RateLimit(rate: 10, burst: 20).windowSeconds, 2)
        XCTAssertEqual(RateLimit(rate: 10, burst: 20).quota, 20)
        XCTAssertEqual(RateLimit(rate: 100, burst: 10).windowSeconds, 1)
        XCTAssertEqual(RateLimit(rate: 100, burst: 10).quota, 100)
        XCTAssertEqual(RateLimit(rate: 0.5, burst: 2).windowSeconds, 4)
        XCTAssertEqual(RateLimit(rate: 0.5, burst: 2).quota, 2)
    }

    func testBurstThenRefusalThenRefill() {
        let limit = RateLimit(rate: 2, burst: 3)
        var bucket = TokenBucket(limit: limit, now: 0)
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .allowed(remaining: 2))
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .allowed(remaining: 1))
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .allowed(remaining: 0))
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .refused(retryAfterSeconds: 1))
        // Half a second at 2/s is one token.
        XCTAssertEqual(bucket.take(limit: limit, now: 500_000_000), .allowed(remaining: 0))
        XCTAssertEqual(bucket.take(limit: limit, now: 500_000_000), .refused(retryAfterSeconds: 1))
        // An hour refills to the burst, never beyond.
        XCTAssertEqual(bucket.take(limit: limit, now: 3_600_000_000_000), .allowed(remaining: 2))
    }

    func testRetryAfterRoundsUpTheWaitForOneToken() {
        let limit = RateLimit(rate: 0.1, burst: 1)
        var bucket = TokenBucket(limit: limit, now: 0)
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .allowed(remaining: 0))
        XCTAssertEqual(bucket.take(limit: limit, now: 0), .refused(retryAfterSeconds: 10))
        XCTAssertEqual(bucket.take(limit: limit, now: 2_500_000_000), .refused(retryAfterSeconds: 8))
        XCTAssertEqual(bucket.take(limit: limit, now: 10_000_000_000), .allowed(remaining: 0))
    }

    func testAClockThatGoesBackAddsNothing() {
        let limit = RateLimit(rate: 1, burst: 1)
        var bucket = TokenBucket(limit: limit, now: 5_000_000_000)
        XCTAssertEqual(bucket.take(limit: limit, now: 5_000_000_000), .allowed(remaining: 0))
        XCTAssertEqual(bucket.take(limit: limit, now: 1_000_000_000), .refused(retryAfterSeconds: 1))
    }

    func testKeysHaveTheirOwnBuckets() {
        let clock = ManualClock()
        let limiter = RateLimiter<String>(limit: RateLimit(rate: 1, burst: 2), clock: clock.read)
        XCTAssertEqual(limiter.take("a"), .allowed(remaining: 1))
        XCTAssertEqual(limiter.take("a"), .allowed(remaining: 0))
        XCTAssertEqual(limiter.take("a"), .refused(retryAfterSeconds: 1))
        XCTAssertEqual(limiter.take("b"), .allowed(remaining: 1))
        clock.advance(seconds: 1)
        XCTAssertEqual(limiter.take("a"), .allowed(remaining: 0))
    }

    func testRotatingKeysStayBounded() {
        let clock = ManualClock()
        let limiter = RateLimiter<Int>(limit: RateLimit(rate: 1, burst: 5), maximumKeys: 64, stripeCount: 4,
                                       clock: clock.read)
        for key in 0..<10_000 {
            XCTAssertEqual(limiter.take(key), .allowed(remaining: 4))
            XCTAssertLessThanOrEqual(limiter.count, 64)
        }
        XCTAssertGreaterThan(limiter.count, 32, "a stripe forgets an eighth at a time, not everything")
    }

    func testRefilledBucketsAreForgottenFirst() {
        let clock = ManualClock()
        let limiter = RateLimiter<Int>(limit: RateLimit(rate: 1, burst: 2), maximumKeys: 16, stripeCount: 1,
                                       clock: clock.read)
        // Key 0 drained and kept busy; keys 1...15 used once and then refilled.
        XCTAssertEqual(limiter.take(0), .allowed(remaining: 1))
        XCTAssertEqual(limiter.take(0), .allowed(remaining: 0))
        for key in 1..<16 { _ = limiter.take(key) }
        XCTAssertEqual(limiter.count, 16)
        // After 1.1 s keys 1...15 are full again (1 + 1.1 tokens, capped at 2), key 0 is not
        // (1.1): a new key finds the stripe full, and only the refilled buckets are forgotten.
        clock.advance(seconds: 1.1)
        _ = limiter.take(100)
        XCTAssertEqual(limiter.count, 2)
        XCTAssertEqual(limiter.take(0), .allowed(remaining: 0), "key 0 kept its state: 1.1 tokens, not a new burst")
    }

    func testRateLimitProblemCarriesRetryAfterAndDraftFields() throws {
        let problem = ErrorMapping.problem(for: RateLimitExceeded(policy: "address", limit: RateLimit(rate: 10, burst: 20),
                                                                  retryAfterSeconds: 3))
        XCTAssertEqual(problem.status, 429)
        XCTAssertEqual(problem.type, "/problems/rate-limited")
        XCTAssertEqual(problem.retryAfter, 3)
        let response = problem.response(instance: "/ns", requestID: "r1", traceID: "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertEqual(response.headers["Retry-After"], "3")
        XCTAssertEqual(response.headers["RateLimit-Policy"], #""address";q=20;w=2"#)
        XCTAssertEqual(response.headers["RateLimit"], #""address";r=0;t=3"#)
        let bytes = problem.jsonBody(instance: "/ns", requestID: "r1", traceID: "4bf92f3577b34da6a3ce929d0e0e4736")
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        XCTAssertEqual(body["trace_id"] as? String, "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertEqual(body["status"] as? Int, 429)
    }
}
