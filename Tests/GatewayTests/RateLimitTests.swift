import Foundation
@testable import Gateway
import GatewayTestKit
import XCTest

/// Rate limits per client address and per token over real HTTP against the whole stack. The
/// rates are so slow (one request per 1000 s) that no token comes back during a test: the
/// bursts decide, and nothing depends on timing.
final class RateLimitTests: XCTestCase {
    static let slow = 0.001
    static let tokenA = "token-a-0123456789abcdef"
    static let tokenB = "token-b-0123456789abcdef"

    private var stack: GatewayTestStack!

    override func tearDown() {
        stack = nil
    }

    /// Per-address limit with burst 3; 127.0.0.1 is a trusted proxy, so each test picks its
    /// client address with `X-Forwarded-For`.
    private func startWithAddressLimit(burst: Int = 3) throws {
        stack = try GatewayTestStack {
            $0.trustedProxies = ["127.0.0.1"]
            $0.rateLimitPerAddress = RateLimit(rate: Self.slow, burst: burst)
        }
    }

    private func get(_ path: String, from address: String? = nil, token: String? = nil,
                     headers: [(String, String)] = []) throws -> HTTPTestResponse {
        var headers = headers
        if let address { headers.append(("X-Forwarded-For", address)) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try stack.client().request("GET", path, headers: headers)
    }

    private func assertRateLimited(_ response: HTTPTestResponse, policy: String, quota: Int, window: Int,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(response.status, 429, response.bodyText, file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json", file: file, line: line)
        let retryAfter = try XCTUnwrap(Int(response.header("Retry-After") ?? ""), "Retry-After in seconds",
                                       file: file, line: line)
        XCTAssertGreaterThan(retryAfter, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(retryAfter, Int(1 / Self.slow), file: file, line: line)
        XCTAssertEqual(response.header("RateLimit-Policy"), "\"\(policy)\";q=\(quota);w=\(window)", file: file, line: line)
        XCTAssertEqual(response.header("RateLimit"), "\"\(policy)\";r=0;t=\(retryAfter)", file: file, line: line)
        let body = json(response, file: file, line: line)
        XCTAssertEqual(body["type"] as? String, "/problems/rate-limited", file: file, line: line)
        XCTAssertEqual(body["status"] as? Int, 429, file: file, line: line)
        XCTAssertNotNil(body["request_id"] as? String, file: file, line: line)
        XCTAssertNotNil(body["trace_id"] as? String, file: file, line: line)
        XCTAssertNotNil(response.header("traceparent"), file: file, line: line)
    }

    func testLimitsAreOffByDefault() throws {
        XCTAssertNil(GatewayConfiguration().rateLimitPerAddress)
        XCTAssertNil(GatewayConfiguration().rateLimitPerToken)
        stack = try GatewayTestStack()
        let client = try stack.client()
        for _ in 0..<50 {
            XCTAssertEqual(try client.request("GET", "/ns").status, 200)
        }
    }

    func testBurstThenTooManyRequestsWithRetryAfterAndRateLimitFields() throws {
        try startWithAddressLimit()
        for _ in 0..<3 {
            XCTAssertEqual(try get("/ns", from: "192.0.2.1").status, 200)
        }
        // Burst 3 at 0.001/s: a window of 3000 s holds the burst.
        try assertRateLimited(try get("/ns", from: "192.0.2.1"), policy: "address", quota: 3, window: 3000)
        try assertRateLimited(try get("/ns/anything/tables", from: "192.0.2.1"), policy: "address", quota: 3, window: 3000)
    }

    func testARefusedRequestsBodyIsNeverRead() throws {
        try startWithAddressLimit(burst: 1)
        XCTAssertEqual(try get("/ns", from: "192.0.2.9").status, 200)
        let client = try stack.client()
        // The head announces 1 MiB that is never sent: only a refusal at admission answers.
        try client.send(raw: "POST /ns/x/query HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 192.0.2.9\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n")
        let response = try client.readResponse(method: "POST")
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.header("Connection")?.lowercased(), "close")
    }

    func testOtherAddressesAreUnaffected() throws {
        try startWithAddressLimit()
        for _ in 0..<3 { _ = try get("/ns", from: "192.0.2.1") }
        XCTAssertEqual(try get("/ns", from: "192.0.2.1").status, 429)
        for _ in 0..<3 {
            XCTAssertEqual(try get("/ns", from: "192.0.2.2").status, 200)
        }
        XCTAssertEqual(try get("/ns", from: "192.0.2.2").status, 429)
    }

    func testHealthProbesAreExempt() throws {
        try startWithAddressLimit()
        for _ in 0..<4 { _ = try get("/ns", from: "192.0.2.3") }
        XCTAssertEqual(try get("/ns", from: "192.0.2.3").status, 429)
        for _ in 0..<10 {
            XCTAssertEqual(try get("/health/live", from: "192.0.2.3").status, 200)
            XCTAssertEqual(try get("/health/ready", from: "192.0.2.3").status, 200)
            XCTAssertEqual(try get("/health", from: "192.0.2.3").status, 200)
        }
        // /metrics and /openapi.yaml are limited like any route.
        XCTAssertEqual(try get("/metrics", from: "192.0.2.3").status, 429)
        XCTAssertEqual(try get("/openapi.yaml", from: "192.0.2.3").status, 429)
    }

    func testRefusalsAreCountedInMetrics() throws {
        try startWithAddressLimit(burst: 1)
        XCTAssertFalse(try get("/metrics", from: "192.0.2.4").bodyText.contains("gateway_rate_limited_total{"))
        XCTAssertEqual(try get("/ns", from: "192.0.2.5").status, 200)
        XCTAssertEqual(try get("/ns", from: "192.0.2.5").status, 429)
        XCTAssertEqual(try get("/ns", from: "192.0.2.5").status, 429)
        let metrics = try get("/metrics", from: "192.0.2.6")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.bodyText.contains("# TYPE gateway_rate_limited_total counter"), metrics.bodyText)
        XCTAssertTrue(metrics.bodyText.contains("gateway_rate_limited_total{limit=\"address\"} 2\n"), metrics.bodyText)
        // Requests are counted once written (after the client has the answer): wait for it.
        XCTAssertTrue(eventually {
            stack.gateway.metrics.render().contains("gateway_requests_total{route=\"/ns\",method=\"GET\",status=\"429\"} 2\n")
        })
    }

    func testPerTokenLimitKeysByTokenNotAddress() throws {
        let policy = try AccessPolicy(tokens: [(Self.tokenA, .readWrite), (Self.tokenB, .readOnly)])
        stack = try GatewayTestStack {
            $0.accessPolicy = policy
            $0.rateLimitPerToken = RateLimit(rate: Self.slow, burst: 2)
        }
        XCTAssertEqual(try get("/ns", token: Self.tokenA).status, 200)
        XCTAssertEqual(try get("/ns", token: Self.tokenA).status, 200)
        try assertRateLimited(try get("/ns", token: Self.tokenA), policy: "token", quota: 2, window: 2000)
        // The same address with another token, and unauthenticated probes, go on.
        XCTAssertEqual(try get("/ns", token: Self.tokenB).status, 200)
        XCTAssertEqual(try get("/health/ready").status, 200)
        XCTAssertEqual(try get("/health/ready", token: Self.tokenA).status, 200)
        // A request without a valid token is the guard's 401, not a rate limit's.
        XCTAssertEqual(try get("/ns").status, 401)
        let log = stack.logLines.all.joined(separator: "\n")
        XCTAssertFalse(log.contains(Self.tokenA), "tokens never reach the log")
        XCTAssertEqual(stack.gateway.metrics.render().contains("gateway_rate_limited_total{limit=\"token\"} 1\n"), true)
    }

    /// An HS256 JWT over `claims`, signed with `secret`.
    private static func jwt(_ claims: String, secret: [UInt8]) -> String {
        let signingInput = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "."
            + Base64URL.encode(Array(claims.utf8))
        return signingInput + "." + Base64URL.encode(HMACSHA256.mac(key: secret, message: Array(signingInput.utf8)))
    }

    func testSignedTokensAreLimitedEachByItsOwnBucket() throws {
        let secret = Array("a shared secret of at least thirty-two bytes".utf8)
        var settings = JWTVerifier.Settings()
        settings.secret = secret
        var policy = try AccessPolicy(tokens: [(Self.tokenA, .readWrite)])
        policy.jwt = JWTVerifier(settings: settings)
        stack = try GatewayTestStack {
            $0.accessPolicy = policy
            $0.rateLimitPerToken = RateLimit(rate: Self.slow, burst: 2)
        }
        let alice = Self.jwt(#"{"sub":"alice","scope":"read"}"#, secret: secret)
        let bob = Self.jwt(#"{"sub":"bob","scope":"read"}"#, secret: secret)
        XCTAssertEqual(try get("/ns", token: alice).status, 200)
        XCTAssertEqual(try get("/ns", token: alice).status, 200)
        try assertRateLimited(try get("/ns", token: alice), policy: "token", quota: 2, window: 2000)
        // Another signed token, and a configured one, each have their own bucket.
        XCTAssertEqual(try get("/ns", token: bob).status, 200)
        XCTAssertEqual(try get("/ns", token: Self.tokenA).status, 200)
        // A signature that does not verify is the guard's 401, not a rate limit's.
        XCTAssertEqual(try get("/ns", token: Self.jwt(#"{"sub":"alice","scope":"read"}"#,
                                                        secret: Array("another secret, also thirty-two bytes".utf8))).status, 401)
    }

    func testAConfiguredTokenKeepsItsBucketWhenAReloadReordersTheFile() throws {
        let directory = NSTemporaryDirectory() + "ratelimit-reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/tokens"
        try "\(Self.tokenA) rw\n\(Self.tokenB) rw\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["GATEWAY_TOKENS_FILE": file]
        stack = try GatewayTestStack {
            $0.accessPolicy = try! GatewayConfiguration(environment: environment).accessPolicy
            $0.rateLimitPerToken = RateLimit(rate: Self.slow, burst: 2)
        }
        XCTAssertEqual(try get("/ns", token: Self.tokenA).status, 200)
        XCTAssertEqual(try get("/ns", token: Self.tokenA).status, 200)
        try assertRateLimited(try get("/ns", token: Self.tokenA), policy: "token", quota: 2, window: 2000)

        // B first now: a bucket keyed by position would hand A's empty bucket to B.
        try "\(Self.tokenB) rw\n\(Self.tokenA) rw\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try stack.gateway.reload(environment: environment)
        try assertRateLimited(try get("/ns", token: Self.tokenA), policy: "token", quota: 2, window: 2000)
        XCTAssertEqual(try get("/ns", token: Self.tokenB).status, 200)
    }

    func testSettingsFromTheEnvironment() throws {
        let configuration = try GatewayConfiguration(environment: [
            "GATEWAY_RATE_LIMIT_PER_ADDRESS": "10/s,20", "GATEWAY_RATE_LIMIT_PER_TOKEN": "120/m,5",
        ])
        XCTAssertEqual(configuration.rateLimitPerAddress, RateLimit(rate: 10, burst: 20))
        XCTAssertEqual(configuration.rateLimitPerToken?.burst, 5)
        XCTAssertEqual(configuration.rateLimitPerToken?.rate ?? 0, 2, accuracy: 1e-9)
        XCTAssertNil(try GatewayConfiguration(environment: ["GATEWAY_RATE_LIMIT_PER_ADDRESS": "off"]).rateLimitPerAddress)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_RATE_LIMIT_PER_TOKEN": "10 per second"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_RATE_LIMIT_PER_TOKEN")
        }
    }
}
