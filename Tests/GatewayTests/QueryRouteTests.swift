import Foundation
@testable import Gateway
import GatewayTestKit
import Support
import XCTest

/// `POST /ns/{ns}/query` and `GET /ns/{ns}/query?hql=` over real HTTP against the embedded broker.
final class QueryRouteTests: XCTestCase {
    func testWalkThroughCreateInsertSelect() throws {
        let stack = try GatewayTestStack()
        try stack.hql(#"CREATE NAMESPACE "/demo""#)
        try stack.hql("CREATE TABLE fruit (color, taste, ACCESS GROUP default (color, taste))", namespace: "demo")
        try stack.hql("INSERT INTO fruit VALUES ('apple', 'color', 'red'), ('apple', 'taste:sweet', 'yes'), "
                      + "('banana', 'color', 'yellow')", namespace: "demo")
        let response = try stack.hql("SELECT * FROM fruit WHERE ROW = 'apple'", namespace: "demo")
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        let body = json(response)
        let cells = try XCTUnwrap(body["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual(cells[0]["row"] as? String, "apple")
        XCTAssertEqual(cells[0]["column_family"] as? String, "color")
        XCTAssertEqual(cells[0]["column_qualifier"] as? String, "")
        XCTAssertEqual(cells[0]["value"] as? String, "red")
        XCTAssertEqual(cells[1]["column_family"] as? String, "taste")
        XCTAssertEqual(cells[1]["column_qualifier"] as? String, "sweet")
        // Nanosecond timestamps travel as decimal strings (JavaScript would round a number).
        let timestamp = try XCTUnwrap(cells[0]["timestamp"] as? String)
        XCTAssertGreaterThan(try XCTUnwrap(Int64(timestamp)), 1 << 53)
        XCTAssertEqual(body["results"] as? [String], [])

        let tables = try stack.hql("SHOW TABLES", namespace: "demo")
        XCTAssertEqual(json(tables)["results"] as? [String], ["fruit"])
    }

    func testStatementAsJSONAndAsFormField() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        var response = try client.request("POST", "/ns/sys/query", headers: [("Content-Type", "application/json")],
                                          body: #"{"hql": "CREATE NAMESPACE '/jsonns'"}"#)
        XCTAssertEqual(response.status, 200, response.bodyText)
        response = try client.request("POST", "/ns/jsonns/query",
                                      headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                      body: "hql=SHOW+TABLES")
        XCTAssertEqual(response.status, 200, response.bodyText)
        // curl --data sends the form type with a raw statement: taken as-is.
        response = try client.request("POST", "/ns/jsonns/query",
                                      headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                      body: "SHOW TABLES")
        XCTAssertEqual(response.status, 200, response.bodyText)
        // Media types are case-insensitive (RFC 9110 §8.3.1), parameters aside.
        response = try client.request("POST", "/ns/jsonns/query", headers: [("Content-Type", "Application/JSON; charset=UTF-8")],
                                      body: #"{"hql": "SHOW TABLES"}"#)
        XCTAssertEqual(response.status, 200, response.bodyText)
        response = try client.request("POST", "/ns/jsonns/query", headers: [("Content-Type", "TEXT/PLAIN")], body: "SHOW TABLES")
        XCTAssertEqual(response.status, 200, response.bodyText)
    }

    func testMediaTypePrefixesAreComparedWithoutLetterCase() {
        XCTAssertTrue(QueryRoutes.hasCaseInsensitivePrefix("Application/Json", "application/json"))
        XCTAssertTrue(QueryRoutes.hasCaseInsensitivePrefix("text/plain", "text/"))
        XCTAssertTrue(QueryRoutes.hasCaseInsensitivePrefix("text/", "text/"))
        XCTAssertFalse(QueryRoutes.hasCaseInsensitivePrefix("text", "text/"))
        XCTAssertFalse(QueryRoutes.hasCaseInsensitivePrefix("", "text/"))
        XCTAssertFalse(QueryRoutes.hasCaseInsensitivePrefix("image/png", "application/json"))
        // Only ASCII letters fold: U+212A KELVIN SIGN is no `k`.
        XCTAssertFalse(QueryRoutes.hasCaseInsensitivePrefix("\u{212A}", "k"))
    }

    func testBadBodiesAreClientErrors() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        let cases: [(contentType: String, body: [UInt8], status: Int)] = [
            ("text/plain", [], 400),
            ("text/plain", Array("   \n ".utf8), 400),
            ("text/plain", [0xFF, 0xFE, 0x41], 400),
            ("application/json", Array("{not json".utf8), 400),
            ("application/json", Array(#"{"sql": "SHOW TABLES"}"#.utf8), 400),
            ("application/json", Array(#"["SHOW TABLES"]"#.utf8), 400),
            ("image/png", Array("SHOW TABLES".utf8), 415),
        ]
        for testCase in cases {
            let response = try client.request("POST", "/ns/sys/query", headers: [("Content-Type", testCase.contentType)],
                                              body: testCase.body)
            XCTAssertEqual(response.status, testCase.status, "\(testCase.contentType) \(testCase.body)")
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        }
    }

    func testBrokerErrorsMapToStatusesWithHypertableCodes() throws {
        let stack = try GatewayTestStack()
        try stack.hql("CREATE NAMESPACE \"/errs\"")
        try stack.hql("CREATE TABLE t (cf)", namespace: "errs")
        let cases: [(hql: String, namespace: String, status: Int, code: Int, name: String)] = [
            ("SELEKT * FROM t", "errs", 400, 11, "HQL_PARSE_ERROR"),
            ("SELECT * FROM missing", "errs", 404, 22, "TABLE_NOT_FOUND"),
            ("SHOW TABLES", "no_such_namespace", 404, 40, "NAMESPACE_DOES_NOT_EXIST"),
            ("CREATE TABLE t (cf)", "errs", 409, 39, "NAME_ALREADY_IN_USE"),
            ("CREATE NAMESPACE \"/errs\"", "sys", 409, 42, "NAMESPACE_EXISTS"),
        ]
        for testCase in cases {
            let response = try stack.hql(testCase.hql, namespace: testCase.namespace, expect: testCase.status)
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
            let problem = json(response)
            XCTAssertEqual(problem["status"] as? Int, testCase.status)
            XCTAssertEqual(problem["hypertable_code"] as? Int, testCase.code, testCase.hql)
            XCTAssertEqual(problem["hypertable_error"] as? String, testCase.name)
            XCTAssertEqual(problem["instance"] as? String, "/ns/\(testCase.namespace)/query")
            XCTAssertEqual(problem["request_id"] as? String, response.header("X-Request-ID"))
        }
    }

    func testGetRunsReadStatementsOnly() throws {
        let stack = try GatewayTestStack()
        try stack.hql("CREATE NAMESPACE \"/reads\"")
        try stack.hql("CREATE TABLE t (cf)", namespace: "reads")
        try stack.hql("INSERT INTO t VALUES ('r1', 'cf', 'v1')", namespace: "reads")
        let client = try stack.client()
        var response = try client.request("GET", "/ns/reads/query?hql=SELECT%20*%20FROM%20t")
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual((json(response)["cells"] as? [[String: Any]])?.first?["value"] as? String, "v1")

        response = try client.request("GET", "/ns/reads/query?hql=DROP%20TABLE%20t")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.header("Allow"), "POST")
        response = try client.request("GET", "/ns/reads/query?hql=INSERT%20INTO%20t%20VALUES%20('a','cf','b')")
        XCTAssertEqual(response.status, 405)
        response = try client.request("GET", "/ns/reads/query")
        XCTAssertEqual(response.status, 400)
        // The table is still there and unchanged.
        response = try client.request("GET", "/ns/reads/query?hql=SELECT%20*%20FROM%20t")
        XCTAssertEqual((json(response)["cells"] as? [[String: Any]])?.count, 1)
    }

    func testNestedNamespacesBySlashOrEncodedSlash() throws {
        let stack = try GatewayTestStack()
        try stack.hql("CREATE NAMESPACE \"/app\"")
        try stack.hql("CREATE NAMESPACE \"/app/prod\"")
        try stack.hql("CREATE TABLE t (cf)", namespace: "app/prod")
        let viaEncoded = try stack.hql("SHOW TABLES", namespace: "app%2Fprod")
        XCTAssertEqual(json(viaEncoded)["results"] as? [String], ["t"])
        let parent = try stack.hql("SHOW TABLES", namespace: "app")
        XCTAssertEqual(json(parent)["results"] as? [String], [])
    }

    func testRequestIDIsEchoedOrMade() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        var response = try client.request("GET", "/health/live", headers: [("X-Request-ID", "abc-123")])
        XCTAssertEqual(response.header("X-Request-ID"), "abc-123")
        response = try client.request("GET", "/health/live", headers: [("X-Request-ID", "bad id with spaces")])
        XCTAssertNotEqual(response.header("X-Request-ID"), "bad id with spaces")
        XCTAssertEqual(response.header("X-Request-ID")?.count, 16)
    }

    func testAccessLogHasOneStructuredLinePerRequest() throws {
        let stack = try GatewayTestStack { $0.trustedProxies = ["127.0.0.1"] }
        let client = try stack.client()
        _ = try client.request("GET", "/health/live", headers: [("X-Request-ID", "log-1"),
                                                               ("X-Forwarded-For", "203.0.113.9")])
        _ = try client.request("GET", "/nowhere", headers: [("X-Request-ID", "log-2")])
        eventually(5) { stack.logLines.all.count >= 2 }
        let lines = stack.logLines.all.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let first = try XCTUnwrap(lines.first { $0["request_id"] as? String == "log-1" })
        XCTAssertEqual(first["method"] as? String, "GET")
        XCTAssertEqual(first["path"] as? String, "/health/live")
        XCTAssertEqual(first["status"] as? Int, 200)
        XCTAssertEqual(first["client"] as? String, "203.0.113.9")
        XCTAssertNotNil(first["duration_ms"])
        XCTAssertNotNil(first["bytes"])
        let second = try XCTUnwrap(lines.first { $0["request_id"] as? String == "log-2" })
        XCTAssertEqual(second["status"] as? Int, 404)
    }

    func testSixteenConcurrentClientsWithDefaultPoolGetNoServerErrors() throws {
        // flask-hypertable answered ~18% of requests with 500 here (overflow returned to a full pool).
        let stack = try GatewayTestStack()
        try stack.hql("CREATE NAMESPACE \"/load\"")
        try stack.hql("CREATE TABLE t (cf)", namespace: "load")
        try stack.hql("INSERT INTO t VALUES ('r', 'cf', 'v')", namespace: "load")
        let statuses = Locked<[Int: Int]>([:])
        let port = stack.gateway.port
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            guard let client = try? HTTPTestClient(port: port, timeout: 10) else {
                statuses.withLock { $0[-1, default: 0] += 1 }
                return
            }
            for _ in 0..<40 {
                let status = (try? client.request("POST", "/ns/load/query", body: "SELECT * FROM t").status) ?? -1
                statuses.withLock { $0[status, default: 0] += 1 }
            }
        }
        XCTAssertEqual(statuses.current, [200: 640])
        let statistics = stack.gateway.pool.statistics
        XCTAssertEqual(statistics.inUse, 0)
        XCTAssertLessThanOrEqual(statistics.peakOpen, 15)
    }
}

/// A SELECT of named rows is answered with one `hql_query`; when its reply would exceed the
/// frame limit the gateway streams it through a scanner instead.
final class PointSelectTests: XCTestCase {
    func testPointSelectOverTheFrameLimitFallsBackToStreaming() throws {
        // Frames up to 600 KiB: a next_cells batch (about 512 KiB) fits, the 800 KB row does not.
        let stack = try GatewayTestStack { $0.maxFrameBytes = 600 * 1024 }
        try stack.hql("CREATE NAMESPACE \"/big\"")
        try stack.hql("CREATE TABLE t (cf)", namespace: "big")
        let value = String(repeating: "x", count: 1000)
        // Inserted in pieces: each statement must itself fit in a frame.
        for batch in stride(from: 0, to: 800, by: 40) {
            let tuples = (batch..<batch + 40).map { "('wide', 'cf:q\($0)', '\(value)')" }.joined(separator: ", ")
            try stack.hql("INSERT INTO t VALUES \(tuples)", namespace: "big")
        }
        try stack.hql("INSERT INTO t VALUES ('small', 'cf', 'v')", namespace: "big")

        let wide = try stack.hql("SELECT * FROM t WHERE ROW = 'wide'", namespace: "big")
        XCTAssertEqual((json(wide)["cells"] as? [[String: Any]])?.count, 800)
        XCTAssertEqual(stack.broker.openScannerCount, 0)
        // The oversized reply broke one connection; it was discarded, not pooled.
        XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, 1)

        let small = try stack.hql("SELECT * FROM t WHERE ROW = 'small'", namespace: "big")
        XCTAssertEqual((json(small)["cells"] as? [[String: Any]])?.first?["value"] as? String, "v")
        let ndjson = try stack.client().request("POST", "/ns/big/query", headers: [("Accept", "application/x-ndjson")],
                                                body: "SELECT * FROM t WHERE (ROW = 'small' OR ROW = 'wide')")
        XCTAssertEqual(ndjson.status, 200)
        XCTAssertEqual(ndjson.body.split(separator: 0x0A).count, 801)
    }

    func testSelectShapes() {
        typealias Routes = GatewayQueryShapes
        XCTAssertEqual(Routes.shape("SELECT * FROM t WHERE ROW = 'a'"), "point")
        XCTAssertEqual(Routes.shape("SELECT * FROM t WHERE (ROW = 'a' OR ROW = 'b')"), "point")
        XCTAssertEqual(Routes.shape("SELECT * FROM t WHERE (ROW = 'a' OR ROW > 'b')"), "scan")
        XCTAssertEqual(Routes.shape("SELECT * FROM t"), "scan")
        XCTAssertEqual(Routes.shape("SELECT * FROM t WHERE ROW > 'a'"), "scan")
        XCTAssertEqual(Routes.shape("SELECT * FROM t WHERE ROW =^ 'a'"), "scan")
        XCTAssertEqual(Routes.shape("SHOW TABLES"), "notSelect")
        XCTAssertEqual(Routes.shape("SELEKT"), "notSelect")
    }
}
