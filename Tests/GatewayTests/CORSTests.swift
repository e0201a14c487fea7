import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import XCTest

/// CORS (`GATEWAY_CORS_ORIGINS`) over real HTTP against the whole stack: off by default,
/// the response fields on actual requests (problems and streams included), preflights, and
/// preflights with authentication on.
final class CORSTests: XCTestCase {
    static let app = "https://app.example.com"
    static let local = "http://localhost:3000"
    static let stranger = "https://evil.example.net"
    static let token = "cors-token-0123456789abcdef"
    static let exposed = "X-Request-ID, Retry-After, WWW-Authenticate, Location, Link, traceparent, RateLimit, RateLimit-Policy"

    private var stack: GatewayTestStack!
    private var client: HTTPTestClient!

    override func tearDown() {
        client?.close()
        client = nil
        stack = nil
    }

    private func start(origins: String?, tokens: Bool = false) throws {
        let cors = try origins.map { try CORSPolicy(origins: $0) } ?? CORSPolicy()
        let accessPolicy = tokens ? try AccessPolicy(tokens: [(Self.token, .readWrite)]) : AccessPolicy()
        stack = try GatewayTestStack { configuration in
            configuration.cors = cors
            configuration.accessPolicy = accessPolicy
        }
        client = try stack.client()
    }

    @discardableResult
    private func send(_ method: String, _ path: String, origin: String? = nil, token: String? = nil,
                      headers extra: [(String, String)] = [], hql: String? = nil) throws -> HTTPTestResponse {
        var headers = extra
        if let origin { headers.append(("Origin", origin)) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        var body: [UInt8] = []
        if let hql {
            headers.append(("Content-Type", "text/plain"))
            body = Array(hql.utf8)
        }
        let response = try client.request(method, path, headers: headers, body: body)
        // A refused request with a body is answered and its connection closed, body unread.
        if response.header("Connection")?.lowercased() == "close" {
            client.close()
            client = try stack.client()
        }
        return response
    }

    private func preflight(_ path: String, origin: String, method: String = "GET",
                           requestHeaders: String? = nil) throws -> HTTPTestResponse {
        var headers = [("Access-Control-Request-Method", method)]
        if let requestHeaders { headers.append(("Access-Control-Request-Headers", requestHeaders)) }
        return try send("OPTIONS", path, origin: origin, headers: headers)
    }

    private func corsFields(_ response: HTTPTestResponse) -> [String] {
        response.headers.map(\.0).filter { $0.lowercased().hasPrefix("access-control-") }
    }

    private func assertAllowed(_ response: HTTPTestResponse, origin: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.header("Access-Control-Allow-Origin"), origin, file: file, line: line)
        XCTAssertEqual(response.header("Access-Control-Expose-Headers"), Self.exposed, file: file, line: line)
        XCTAssertTrue(response.headers.contains { $0.0.lowercased() == "vary" && $0.1.contains("Origin") },
                      "Vary: Origin missing: \(response.headers)", file: file, line: line)
        XCTAssertNotNil(response.header("X-Request-ID"), file: file, line: line)
    }

    // MARK: off by default

    func testOffByDefault() throws {
        XCTAssertFalse(GatewayConfiguration().cors.isEnabled)
        try start(origins: nil)
        let live = try send("GET", "/health/live", origin: Self.app)
        XCTAssertEqual(live.status, 200)
        XCTAssertEqual(corsFields(live), [])
        XCTAssertNil(live.header("Vary"))
        let options = try preflight("/ns", origin: Self.app)
        XCTAssertEqual(options.status, 405)
        XCTAssertEqual(options.header("Allow"), "GET, HEAD")
        XCTAssertEqual(corsFields(options), [])
    }

    // MARK: actual requests

    func testAllowedOriginOnGetPostAndProblems() throws {
        try start(origins: "\(Self.app), \(Self.local)")
        let created = try send("PUT", "/ns/cors", origin: Self.local)
        XCTAssertEqual(created.status, 201, created.bodyText)
        assertAllowed(created, origin: Self.local)
        XCTAssertNotNil(created.header("Location"))

        let query = try send("POST", "/ns/cors/query", origin: Self.app, hql: "CREATE TABLE t (a)")
        XCTAssertEqual(query.status, 200, query.bodyText)
        assertAllowed(query, origin: Self.app)

        let listing = try send("GET", "/ns/cors/tables", origin: Self.app)
        XCTAssertEqual(listing.status, 200)
        assertAllowed(listing, origin: Self.app)

        let missing = try send("GET", "/ns/cors/tables/nope", origin: Self.app)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.header("Content-Type"), "application/problem+json")
        assertAllowed(missing, origin: Self.app)

        let badStatement = try send("POST", "/ns/cors/query", origin: Self.app, hql: "SELEKT nonsense")
        XCTAssertEqual(badStatement.status, 400)
        assertAllowed(badStatement, origin: Self.app)

        // The router's own problems too: no route, wrong method.
        let noRoute = try send("GET", "/nowhere", origin: Self.app)
        XCTAssertEqual(noRoute.status, 404)
        assertAllowed(noRoute, origin: Self.app)
        let wrongMethod = try send("PATCH", "/ns", origin: Self.app)
        XCTAssertEqual(wrongMethod.status, 405)
        assertAllowed(wrongMethod, origin: Self.app)
    }

    func testOriginsAreComparedInSerializedForm() throws {
        try start(origins: "HTTPS://App.Example.com:443")
        assertAllowed(try send("GET", "/health/live", origin: Self.app), origin: Self.app)
        XCTAssertEqual(corsFields(try send("GET", "/health/live", origin: "https://app.example.com:8443")), [])
        XCTAssertEqual(corsFields(try send("GET", "/health/live", origin: "http://app.example.com")), [])
    }

    func testStreamedNDJSONCarriesTheFields() throws {
        try start(origins: Self.app)
        XCTAssertEqual(try send("PUT", "/ns/cors").status, 201)
        try stack.hql("CREATE TABLE t (a)", namespace: "cors")
        let values = (0..<50).map { "(\"r\($0)\", \"a\", \"v\($0)\")" }.joined(separator: ", ")
        try stack.hql("INSERT INTO t VALUES \(values)", namespace: "cors")
        let response = try send("GET", "/ns/cors/tables/t/cells", origin: Self.app,
                                headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/x-ndjson")
        XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
        assertAllowed(response, origin: Self.app)
        XCTAssertEqual(response.bodyText.split(separator: "\n").count, 50)
    }

    func testDisallowedOriginIsAnsweredWithoutCORSFields() throws {
        try start(origins: Self.app)
        let response = try send("GET", "/health/live", origin: Self.stranger)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(corsFields(response), [])
        // The answer depends on Origin, so caches must know.
        XCTAssertEqual(response.header("Vary"), "Origin")
        // No Origin at all (same-origin or not a browser): served as usual.
        let plain = try send("GET", "/health/live")
        XCTAssertEqual(plain.status, 200)
        XCTAssertEqual(corsFields(plain), [])
    }

    func testWildcard() throws {
        try start(origins: "*")
        let response = try send("GET", "/health/live", origin: Self.stranger)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Access-Control-Allow-Origin"), "*")
        XCTAssertEqual(response.header("Access-Control-Expose-Headers"), Self.exposed)
        XCTAssertNil(response.header("Vary"))
        // With credentials `*` is not honoured (Fetch §3.2.5): the origin is echoed.
        let withToken = try send("GET", "/health/live", origin: Self.stranger, token: "anything-0123456789abcdef")
        assertAllowed(withToken, origin: Self.stranger)

        let preflight = try preflight("/ns/x/query", origin: Self.local, method: "POST", requestHeaders: "content-type")
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Origin"), "*")
        let credentialed = try self.preflight("/ns/x/query", origin: Self.local, method: "POST",
                                              requestHeaders: "authorization, content-type")
        XCTAssertEqual(credentialed.header("Access-Control-Allow-Origin"), Self.local)
    }

    // MARK: preflight

    func testPreflightNamesEachRoutesMethods() throws {
        try start(origins: Self.app)
        let expectations = [
            ("/ns", "GET, HEAD"),
            ("/ns/a/b", "DELETE, GET, HEAD, PUT"),
            ("/ns/a/query", "GET, HEAD, POST"),
            ("/ns/a/tables/t", "DELETE, GET, HEAD, PATCH, PUT"),
            ("/ns/a/tables/t/cells", "DELETE, GET, HEAD, POST"),
            ("/ns/a/tables/t/cells/r/1", "DELETE, GET, HEAD, POST"),
            ("/ns/a/tables/t/rows/r%2F1", "DELETE, GET, HEAD"),
            ("/ns/a/tables/t/rows:get", "POST"),
            ("/ns/a/tables/t/counters/r", "POST"),
            ("/ns/a/tables/t/splits", "GET, HEAD"),
            ("/health/live", "GET, HEAD"),
        ]
        for (path, methods) in expectations {
            let response = try preflight(path, origin: Self.app, method: "POST",
                                         requestHeaders: "authorization, content-type, x-request-id, accept, traceparent, x-custom")
            XCTAssertEqual(response.status, 204, path)
            XCTAssertEqual(response.header("Access-Control-Allow-Origin"), Self.app, path)
            XCTAssertEqual(response.header("Access-Control-Allow-Methods"), methods, path)
            XCTAssertEqual(response.header("Access-Control-Allow-Headers"),
                           "authorization, content-type, x-request-id, accept, traceparent", "x-custom is not allowed: \(path)")
            XCTAssertEqual(response.header("Access-Control-Max-Age"), "600", path)
            XCTAssertEqual(response.header("Vary"), "Origin, Access-Control-Request-Headers", path)
            XCTAssertNil(response.header("Allow"), path)
            XCTAssertTrue(response.body.isEmpty, path)
        }
        // No requested headers: no Access-Control-Allow-Headers.
        XCTAssertNil(try preflight("/ns", origin: Self.app).header("Access-Control-Allow-Headers"))
    }

    func testPreflightToUnknownPathIsNotFound() throws {
        try start(origins: Self.app)
        let response = try preflight("/nowhere", origin: Self.app)
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
    }

    func testPreflightFromDisallowedOriginIsForbidden() throws {
        try start(origins: Self.app)
        let response = try preflight("/ns", origin: Self.stranger)
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(json(response)["type"] as? String, "/problems/cors-origin-not-allowed")
        XCTAssertEqual(corsFields(response), [])
    }

    func testOptionsWithoutRequestMethodIsNotAPreflight() throws {
        try start(origins: Self.app)
        let response = try send("OPTIONS", "/ns", origin: Self.app)
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.header("Allow"), "GET, HEAD")
        assertAllowed(response, origin: Self.app)
    }

    func testPreflightNeverReachesTheBroker() throws {
        try start(origins: Self.app)
        stack.emulator.stop()
        let response = try preflight("/ns/a/tables/t/cells", origin: Self.app, method: "POST")
        XCTAssertEqual(response.status, 204)
        XCTAssertEqual(response.header("Access-Control-Allow-Methods"), "DELETE, GET, HEAD, POST")
    }

    func testPreflightIsLoggedWithItsRoute() throws {
        try start(origins: Self.app, tokens: true)
        XCTAssertEqual(try preflight("/ns/a/query", origin: Self.app, method: "POST").status, 204)
        eventually(5) { stack.logLines.all.contains(where: { $0.contains("\"OPTIONS\"") }) }
        let line = try XCTUnwrap(stack.logLines.all.first { $0.contains("\"OPTIONS\"") })
        XCTAssertTrue(line.contains(#""route":"/ns/{ns...}/query""#), line)
        XCTAssertTrue(line.contains(#""status":204"#), line)
        XCTAssertTrue(line.contains(#""auth":"none""#), line)
    }

    // MARK: with authentication

    func testPreflightNeedsNoTokenButTheRequestDoes() throws {
        try start(origins: Self.app, tokens: true)
        let preflight = try preflight("/ns/a/query", origin: Self.app, method: "POST",
                                      requestHeaders: "authorization, content-type")
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Methods"), "GET, HEAD, POST")
        XCTAssertEqual(preflight.header("Access-Control-Allow-Headers"), "authorization, content-type")

        let unauthorized = try send("POST", "/ns/a/query", origin: Self.app, hql: "SHOW TABLES")
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertNotNil(unauthorized.header("WWW-Authenticate"))
        assertAllowed(unauthorized, origin: Self.app)

        let authorized = try send("GET", "/ns", origin: Self.app, token: Self.token)
        XCTAssertEqual(authorized.status, 200)
        assertAllowed(authorized, origin: Self.app)

        // A disallowed origin's preflight is still refused, and still without a token check.
        XCTAssertEqual(try self.preflight("/ns", origin: Self.stranger).status, 403)
        // OPTIONS that is not a preflight gets no pass.
        XCTAssertEqual(try send("OPTIONS", "/ns/a/query", origin: Self.app).status, 401)
    }

    // MARK: configuration

    func testConfiguration() throws {
        XCTAssertFalse(try GatewayConfiguration(environment: [:]).cors.isEnabled)
        XCTAssertFalse(try GatewayConfiguration(environment: ["GATEWAY_CORS_ORIGINS": " "]).cors.isEnabled)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_CORS_ORIGINS": "*"]).cors.allowedOrigins, .any)
        let list = try GatewayConfiguration(environment: [
            "GATEWAY_CORS_ORIGINS": "https://app.example.com, http://localhost:3000,http://[::1]:8080,http://h:80,",
        ]).cors
        XCTAssertEqual(list.allowedOrigins, .only(["https://app.example.com", "http://localhost:3000",
                                                   "http://[::1]:8080", "http://h"]))
        XCTAssertTrue(list.allows(origin: "http://localhost:3000"))
        XCTAssertFalse(list.allows(origin: "http://localhost:3001"))
        XCTAssertFalse(list.allows(origin: "null"))
    }

    func testMalformedOriginsNameTheVariable() {
        for value in ["app.example.com", "https://app.example.com/", "https://app.example.com/path",
                      "https://app.example.com?x=1", "https://user@app.example.com", "https://", "://host",
                      "https://host:0", "https://host:99999", "https://host:", "https://host:80:80",
                      "*, https://app.example.com", ",", "1http://host", "https://ho st", "http://[::1"] {
            XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_CORS_ORIGINS": value]), value) { error in
                let error = error as? ConfigurationError
                XCTAssertEqual(error?.variable, "GATEWAY_CORS_ORIGINS", value)
                XCTAssertEqual(error?.value, value)
            }
        }
    }
}
