import Foundation
@testable import Gateway
import GatewayTestKit
import XCTest

/// Bearer-token authentication and the read-only guard, over real HTTP against the whole
/// stack (embedded broker + gateway on port 0).
final class AuthTests: XCTestCase {
    static let readWriteToken = "rw-token-0123456789abcdef"
    static let readOnlyToken = "ro-token-0123456789abcdef"
    static let challenge = "Bearer realm=\"hypertable-gateway\""
    static let invalidTokenChallenge = "Bearer realm=\"hypertable-gateway\", error=\"invalid_token\", "
        + "error_description=\"the bearer token is not valid\""

    private var stack: GatewayTestStack!
    private var client: HTTPTestClient!

    override func tearDown() {
        client?.close()
        client = nil
        stack = nil
    }

    /// Starts the stack with both tokens configured and a table `auth/t` (families a, b)
    /// holding one cell, written with the read-write token.
    private func startWithTokens(metricsPublic: Bool = false) throws {
        let policy = try AccessPolicy(tokens: [(Self.readWriteToken, .readWrite), (Self.readOnlyToken, .readOnly)],
                                      metricsPublic: metricsPublic)
        stack = try GatewayTestStack { $0.accessPolicy = policy }
        client = try stack.client()
        try expect(201, "PUT", "/ns/auth", token: Self.readWriteToken)
        try expect(201, "PUT", "/ns/auth/tables/t", token: Self.readWriteToken, json: #"{"column_families": ["a", "b"]}"#)
        try expect(200, "POST", "/ns/auth/tables/t/cells", token: Self.readWriteToken,
                   json: #"[{"row": "r1", "column_family": "a", "value": "v1"}]"#)
    }

    @discardableResult
    private func send(_ method: String, _ path: String, token: String? = nil, authorization: String? = nil,
                      json: String? = nil, hql: String? = nil) throws -> HTTPTestResponse {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let authorization { headers.append(("Authorization", authorization)) }
        var body: [UInt8] = []
        if let json {
            headers.append(("Content-Type", "application/json"))
            body = Array(json.utf8)
        } else if let hql {
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

    @discardableResult
    private func expect(_ status: Int, _ method: String, _ path: String, token: String? = nil,
                        authorization: String? = nil, json: String? = nil, hql: String? = nil,
                        file: StaticString = #filePath, line: UInt = #line) throws -> HTTPTestResponse {
        let response = try send(method, path, token: token, authorization: authorization, json: json, hql: hql)
        XCTAssertEqual(response.status, status, "\(method) \(path) \(hql ?? ""): \(response.bodyText)", file: file, line: line)
        return response
    }

    private func assertProblem(_ response: HTTPTestResponse, type: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json", file: file, line: line)
        XCTAssertEqual(json(response, file: file, line: line)["type"] as? String, type, file: file, line: line)
    }

    // MARK: off by default

    func testOpenWhenNoTokensAreConfigured() throws {
        stack = try GatewayTestStack()
        client = try stack.client()
        XCTAssertFalse(stack.gateway.configuration.accessPolicy.isEnabled)
        try expect(201, "PUT", "/ns/open")
        try expect(200, "POST", "/ns/open/query", hql: "CREATE TABLE t (a)")
        try expect(200, "POST", "/ns/open/query", hql: "INSERT INTO t VALUES (\"r\", \"a\", \"v\")")
        let listing = try expect(200, "GET", "/ns/open")
        XCTAssertNil(listing.header("WWW-Authenticate"))
        // A token sent to a gateway without tokens is simply not looked at.
        try expect(200, "GET", "/ns/open", token: "whatever-token-0123456789")
        try expect(200, "GET", "/metrics")
        XCTAssertTrue(stack.logLines.all.allSatisfy { $0.contains(#""auth":"none""#) }, "\(stack.logLines.all)")
    }

    // MARK: workers stay only for credentials

    func testOnlyARequestWithACredentialKeepsAWorkerOnItsConnection() throws {
        let policy = try AccessPolicy(tokens: [(Self.readWriteToken, .readWrite)], metricsPublic: false)
        // A stay of a minute: only the rule under test can decide who stays.
        stack = try GatewayTestStack { $0.accessPolicy = policy; $0.workerStaySeconds = 60 }
        let server = stack.gateway.server
        let anonymous = try stack.client()
        defer { anonymous.close() }
        // Public routes, one answered inline and one on a worker, without a token.
        XCTAssertEqual(try anonymous.request("GET", "/health/live").status, 200)
        XCTAssertEqual(try anonymous.request("GET", "/health/ready").status, 200)
        let authenticated = try stack.client()
        XCTAssertEqual(try authenticated.request("GET", "/ns", headers: [("Authorization", "Bearer \(Self.readWriteToken)")]).status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount >= 1 })
        XCTAssertEqual(server.stayingConnectionCount, 1, "only the connection with a token keeps a worker")
        authenticated.close()
        XCTAssertTrue(eventually { server.stayingConnectionCount == 0 })
    }

    // MARK: 401

    func testMissingTokenIsUnauthorizedWithAChallenge() throws {
        try startWithTokens()
        for (method, path) in [("GET", "/ns"), ("GET", "/ns/auth/tables/t/rows/r1"), ("PUT", "/ns/other"),
                               ("POST", "/ns/auth/query"), ("GET", "/no/such/route")] {
            let response = try expect(401, method, path)
            XCTAssertEqual(response.header("WWW-Authenticate"), Self.challenge, "\(method) \(path)")
            assertProblem(response, type: "/problems/unauthorized")
        }
        // Another scheme is no bearer token at all (RFC 6750 §3.1: no error code).
        let basic = try expect(401, "GET", "/ns", authorization: "Basic cnc6cnc=")
        XCTAssertEqual(basic.header("WWW-Authenticate"), Self.challenge)
        // Nothing was created by the refused PUT.
        let listing = try expect(200, "GET", "/ns", token: Self.readWriteToken)
        XCTAssertFalse(listing.bodyText.contains("other"), listing.bodyText)
    }

    func testUnknownOrMalformedTokenIsUnauthorizedAsInvalidToken() throws {
        try startWithTokens()
        let candidates = [
            "Bearer not-a-configured-token-at-all",
            "Bearer " + String(Self.readWriteToken.dropLast()),      // a prefix of a real token
            "Bearer " + Self.readWriteToken + "x",                   // a real token and more
            "Bearer " + Self.readWriteToken.uppercased(),            // tokens are case-sensitive
            "Bearer ",
            "Bearer two words",
            "Bearer t\u{00E9}ken-0123456789abcdef",
        ]
        for authorization in candidates {
            let response = try expect(401, "GET", "/ns", authorization: authorization)
            XCTAssertEqual(response.header("WWW-Authenticate"), Self.invalidTokenChallenge, authorization)
            assertProblem(response, type: "/problems/unauthorized")
        }
        // Two Authorization fields are ambiguous, even when one holds a good token.
        let twice = try client.request("GET", "/ns", headers: [("Authorization", "Bearer \(Self.readWriteToken)"),
                                                                 ("Authorization", "Bearer \(Self.readOnlyToken)")])
        XCTAssertEqual(twice.status, 401)
    }

    /// The guard decides on the head: a tokenless upload is refused before any body byte is
    /// read or invited (no `100 Continue`), and its connection is closed rather than drained.
    func testRefusedBeforeTheBodyIsReadOrInvited() throws {
        try startWithTokens()
        for path in ["/ns/auth/query", "/ns/auth/tables/t/cells"] {
            let raw = try stack.client()
            defer { raw.close() }
            try raw.send(raw: "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 8000000\r\nExpect: 100-continue\r\n\r\n")
            let response = try raw.readResponse()
            XCTAssertEqual(response.status, 401, path)
            XCTAssertEqual(response.header("Connection")?.lowercased(), "close", path)
            XCTAssertTrue(raw.waitForClose(), "the refused connection must be closed, not drained: \(path)")
        }
        XCTAssertEqual(stack.gateway.metrics.render().contains("gateway_auth_denied_total{status=\"401\"} 2"), true)
    }

    // MARK: read-write

    func testReadWriteTokenMayDoEverything() throws {
        try startWithTokens()
        let token = Self.readWriteToken
        try expect(200, "POST", "/ns/auth/query", token: token, hql: "INSERT INTO t VALUES (\"r2\", \"b\", \"v2\")")
        let row = try expect(200, "GET", "/ns/auth/tables/t/rows/r2", token: token)
        XCTAssertTrue(row.bodyText.contains("v2"), row.bodyText)
        try expect(204, "DELETE", "/ns/auth/tables/t/rows/r2", token: token)
        try expect(200, "POST", "/ns/auth/query", token: token, hql: "CREATE TABLE u (a)")
        try expect(204, "DELETE", "/ns/auth/tables/u", token: token)
        // The scheme name is case-insensitive (RFC 9110 §11.1).
        try expect(200, "GET", "/ns/auth", authorization: "bearer \(token)")
    }

    // MARK: read-only

    func testReadOnlyTokenMayRead() throws {
        try startWithTokens()
        let token = Self.readOnlyToken
        try expect(200, "GET", "/ns", token: token)
        try expect(200, "HEAD", "/ns/auth", token: token)
        try expect(200, "GET", "/ns/auth/tables/t", token: token)
        let row = try expect(200, "GET", "/ns/auth/tables/t/rows/r1", token: token)
        XCTAssertTrue(row.bodyText.contains("v1"), row.bodyText)
        try expect(200, "GET", "/ns/auth/tables/t/cells", token: token)
        try expect(200, "GET", "/ns/auth/query?hql=SELECT%20*%20FROM%20t", token: token)
        let select = try expect(200, "POST", "/ns/auth/query", token: token, hql: "SELECT * FROM t WHERE ROW = \"r1\"")
        XCTAssertTrue(select.bodyText.contains("v1"), select.bodyText)
        try expect(200, "POST", "/ns/auth/query", token: token, json: #"{"hql": "SELECT * FROM t"}"#)
        let show = try expect(200, "POST", "/ns/auth/query", token: token, hql: "SHOW TABLES")
        XCTAssertTrue(show.bodyText.contains("t"), show.bodyText)
        try expect(200, "POST", "/ns/auth/query", token: token, hql: "DESCRIBE TABLE t")
        // GET stays read-only for everyone: the route's own guard still answers 405.
        try expect(405, "GET", "/ns/auth/query?hql=DROP%20TABLE%20t", token: token)
    }

    func testReadOnlyTokenIsForbiddenToWrite() throws {
        try startWithTokens()
        let token = Self.readOnlyToken
        let refused: [(String, String, String?, String?)] = [
            ("POST", "/ns/auth/query", nil, "INSERT INTO t VALUES (\"r9\", \"a\", \"x\")"),
            ("POST", "/ns/auth/query", nil, "CREATE TABLE u (a)"),
            ("POST", "/ns/auth/query", nil, "DROP TABLE t"),
            ("POST", "/ns/auth/query", #"{"hql": "DELETE * FROM t WHERE ROW = \"r1\""}"#, nil),
            ("PUT", "/ns/other", nil, nil),
            ("DELETE", "/ns/auth", nil, nil),
            ("PUT", "/ns/auth/tables/u", #"{"column_families": ["a"]}"#, nil),
            ("DELETE", "/ns/auth/tables/t", nil, nil),
            ("DELETE", "/ns/auth/tables/t/rows/r1", nil, nil),
            ("POST", "/ns/auth/tables/t/cells", #"[{"row": "r9", "column_family": "a", "value": "x"}]"#, nil),
        ]
        for (method, path, body, hql) in refused {
            let response = try expect(403, method, path, token: token, json: body, hql: hql)
            assertProblem(response, type: "/problems/forbidden")
            let detail = json(response)["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains("read-only"), detail)
            XCTAssertNil(response.header("WWW-Authenticate"))
        }
        // Nothing changed: the table, its row and its one cell are all still there, nothing new.
        let cells = try expect(200, "GET", "/ns/auth/tables/t/cells", token: Self.readWriteToken)
        XCTAssertTrue(cells.bodyText.contains("v1"), cells.bodyText)
        XCTAssertFalse(cells.bodyText.contains("r9"), cells.bodyText)
        let listing = try expect(200, "GET", "/ns/auth", token: Self.readWriteToken)
        XCTAssertFalse(listing.bodyText.contains("\"u\""), listing.bodyText)
        // A statement the guard cannot classify is the client's mistake (400), and never reaches the broker.
        let garbled = try expect(400, "POST", "/ns/auth/query", token: token, hql: "SELEKT * FROM t")
        assertProblem(garbled, type: "/problems/hypertable/hql_parse_error")
    }

    /// The resource routes: the many-rows read is a POST a read-only token may send; every
    /// route that changes something is refused; a parameterized statement is classified once
    /// bound.
    func testReadOnlyTokenAndTheResourceRoutes() throws {
        try startWithTokens()
        let token = Self.readOnlyToken
        let rows = try expect(200, "POST", "/ns/auth/tables/t/rows:get", token: token, json: #"{"rows": ["r1"]}"#)
        XCTAssertTrue(rows.bodyText.contains("v1"), rows.bodyText)
        try expect(200, "GET", "/ns/auth/tables/t/splits", token: token)
        try expect(200, "POST", "/ns/auth/query", token: token,
                   json: #"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": ["r1"]}"#)
        let refused: [(String, String, String?)] = [
            ("PATCH", "/ns/auth/tables/t", #"{"drop_column_families": ["b"]}"#),
            ("DELETE", "/ns/auth/tables/t/cells?row_prefix=r", nil),
            ("DELETE", "/ns/auth/tables/t/cells/r1?column=a&timestamp=1", nil),
            ("POST", "/ns/auth/tables/t/cells/r2?column=a", #"{"value": "x"}"#),
            ("POST", "/ns/auth/tables/t/counters/r1", #"{"a": 1}"#),
            ("POST", "/ns/auth/query", #"{"hql": "DELETE * FROM t WHERE ROW = ?", "params": ["r1"]}"#),
        ]
        for (method, path, body) in refused {
            let response = try expect(403, method, path, token: token, json: body)
            assertProblem(response, type: "/problems/forbidden")
        }
        let cells = try expect(200, "GET", "/ns/auth/tables/t/cells", token: Self.readWriteToken)
        XCTAssertTrue(cells.bodyText.contains("v1"), cells.bodyText)
    }

    // MARK: open routes and metrics

    func testHealthAndOpenAPIAreOpen() throws {
        try startWithTokens()
        for path in ["/health/live", "/health/ready", "/health", "/openapi.yaml"] {
            try expect(200, "GET", path)
            // A wrong token does not matter where none is needed.
            try expect(200, "GET", path, token: "not-a-configured-token-at-all")
        }
        try expect(200, "HEAD", "/health/live")
        // Other methods there reach no route: the router's 405, not a challenge.
        let post = try expect(405, "POST", "/health/live")
        XCTAssertNil(post.header("WWW-Authenticate"))
        XCTAssertEqual(post.header("Allow"), "GET, HEAD")
        // Metrics are not open, whatever the method.
        try expect(401, "POST", "/metrics")
    }

    func testMetricsNeedATokenAndCountDenials() throws {
        try startWithTokens()
        let refused = try expect(401, "GET", "/metrics")
        XCTAssertEqual(refused.header("WWW-Authenticate"), Self.challenge)
        try expect(403, "PUT", "/ns/other", token: Self.readOnlyToken)
        let metrics = try expect(200, "GET", "/metrics", token: Self.readOnlyToken)
        XCTAssertTrue(metrics.bodyText.contains("gateway_auth_denied_total{status=\"401\"} 1\n"), metrics.bodyText)
        XCTAssertTrue(metrics.bodyText.contains("gateway_auth_denied_total{status=\"403\"} 1\n"), metrics.bodyText)
    }

    func testPublicMetricsNeedNoToken() throws {
        try startWithTokens(metricsPublic: true)
        try expect(200, "GET", "/metrics")
        try expect(401, "GET", "/ns")
    }

    // MARK: access log

    func testAccessLogShowsTheAuthClassAndNeverTheToken() throws {
        try startWithTokens()
        let badToken = "not-a-configured-token-at-all"
        // One distinct path per case: the log line carries the path, not the query.
        let cases = [("rw", "/ns/auth/tables/t/rows/r1"), ("ro", "/ns/auth/tables/t"), ("none", "/health/live"),
                     ("unauthenticated", "/ns/auth/tables/t/cells"), ("forbidden", "/ns/denied")]
        try expect(200, "GET", "/ns/auth/tables/t/rows/r1", token: Self.readWriteToken)
        try expect(200, "GET", "/ns/auth/tables/t", token: Self.readOnlyToken)
        try expect(200, "GET", "/health/live")
        try expect(401, "GET", "/ns/auth/tables/t/cells", token: badToken)
        try expect(403, "PUT", "/ns/denied", token: Self.readOnlyToken)
        // The access log line is written after the response; wait for the last one.
        eventually(5) { stack.logLines.all.contains(where: { $0.contains("\"/ns/denied\"") }) }
        let lines = stack.logLines.all
        func authField(_ mark: String) -> String? {
            guard let path = cases.first(where: { $0.0 == mark })?.1,
                  let line = lines.last(where: { $0.contains("\"path\":\"\(path)\"") }),
                  let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["auth"] as? String
        }
        XCTAssertEqual(authField("rw"), "rw")
        XCTAssertEqual(authField("ro"), "ro")
        XCTAssertEqual(authField("none"), "none")
        XCTAssertEqual(authField("unauthenticated"), "denied")
        XCTAssertEqual(authField("forbidden"), "denied")
        for line in lines {
            for secret in [Self.readWriteToken, Self.readOnlyToken, badToken, "rw-token", "ro-token"] {
                XCTAssertFalse(line.contains(secret), line)
            }
        }
    }

    // MARK: building blocks

    func testSHA256MatchesFIPSVectors() {
        func hex(_ text: String) -> String {
            SHA256.hash(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testConstantTimeEqual() {
        XCTAssertTrue(SHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(SHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(SHA256.constantTimeEqual([1, 2, 3], [1, 2]))
        XCTAssertFalse(SHA256.constantTimeEqual([1, 2], [1, 2, 0]))
        XCTAssertTrue(SHA256.constantTimeEqual([], []))
    }
}
