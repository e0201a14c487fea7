import Foundation
@testable import Gateway
import GatewayTestKit
import HQL
import XCTest

/// Tokens with a level (read, write, admin) and a namespace limit, over real HTTP against the
/// whole stack: every route class and every HQL statement class, names written relative to
/// `{ns}` and as full paths.
final class ScopedTokenTests: XCTestCase {
    static let admin = "admin-token-0123456789abcdef"
    static let readerA = "read-a-token-0123456789abcdef"
    static let writerA = "write-a-token-0123456789abcdef"
    static let adminA = "admin-a-token-0123456789abcdef"
    static let writer = "write-token-0123456789abcdef"

    private var stack: GatewayTestStack!

    override func tearDown() {
        stack = nil
    }

    /// Namespaces `/a`, `/a/sub`, `/ab` and `/b`, each with table `t` (family `f`) holding one cell.
    private func start() throws {
        let path = NSTemporaryDirectory() + "scoped-tokens-\(UUID().uuidString)"
        try """
        \(Self.admin) rw
        \(Self.readerA) read /a
        \(Self.writerA) write a
        \(Self.adminA) admin /a/
        \(Self.writer) write
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": path]).accessPolicy
        stack = try GatewayTestStack { $0.accessPolicy = policy }
        for namespace in ["a", "a/sub", "ab", "b"] {
            try expect(201, "PUT", "/ns/\(namespace)", token: Self.admin)
            try expect(201, "PUT", "/ns/\(namespace)/tables/t", token: Self.admin, json: #"{"column_families": ["f"]}"#)
            try expect(200, "POST", "/ns/\(namespace)/tables/t/cells", token: Self.admin,
                       json: #"[{"row": "r", "column_family": "f", "value": "v"}]"#)
        }
    }

    @discardableResult
    private func expect(_ status: Int, _ method: String, _ path: String, token: String, json: String? = nil,
                        hql: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> HTTPTestResponse {
        var headers = [("Authorization", "Bearer \(token)")]
        var body: [UInt8] = []
        if let json {
            headers.append(("Content-Type", "application/json"))
            body = Array(json.utf8)
        } else if let hql {
            headers.append(("Content-Type", "text/plain"))
            body = Array(hql.utf8)
        }
        let client = try stack.client()
        defer { client.close() }
        let response = try client.request(method, path, headers: headers, body: body)
        XCTAssertEqual(response.status, status, "\(method) \(path) \(hql ?? ""): \(response.bodyText)", file: file, line: line)
        if status == 403 {
            XCTAssertEqual(GatewayTests.json(response)["type"] as? String, "/problems/forbidden", file: file, line: line)
        }
        return response
    }

    // MARK: levels

    func testLevelsNest() throws {
        try start()
        // write: cells and counters anywhere, no DDL.
        try expect(200, "GET", "/ns/b/tables/t/cells", token: Self.writer)
        try expect(200, "POST", "/ns/b/tables/t/cells", token: Self.writer,
                   json: #"[{"row": "w", "column_family": "f", "value": "1"}]"#)
        try expect(204, "DELETE", "/ns/b/tables/t/rows/w", token: Self.writer)
        try expect(403, "PUT", "/ns/c", token: Self.writer)
        try expect(403, "PUT", "/ns/b/tables/u", token: Self.writer, json: #"{"column_families": ["f"]}"#)
        try expect(403, "DELETE", "/ns/b/tables/t", token: Self.writer)
        try expect(403, "PATCH", "/ns/b/tables/t", token: Self.writer, json: #"{"add": {"column_families": ["g"]}}"#)
        try expect(200, "POST", "/ns/b/query", token: Self.writer, hql: "INSERT INTO t VALUES ('q', 'f', 'x')")
        try expect(403, "POST", "/ns/b/query", token: Self.writer, hql: "CREATE TABLE u (f)")
        try expect(403, "POST", "/ns/b/query", token: Self.writer, hql: "ALTER TABLE t ADD (g)")
        // read: GET, reads sent as POST, read statements.
        try expect(200, "GET", "/ns/a/tables/t/rows/r", token: Self.readerA)
        try expect(200, "POST", "/ns/a/tables/t/rows:get", token: Self.readerA, json: #"{"rows": ["r"]}"#)
        try expect(200, "POST", "/ns/a/query", token: Self.readerA, hql: "SELECT * FROM t")
        try expect(403, "POST", "/ns/a/query", token: Self.readerA, hql: "INSERT INTO t VALUES ('q', 'f', 'x')")
        try expect(403, "POST", "/ns/a/tables/t/cells", token: Self.readerA,
                   json: #"[{"row": "w", "column_family": "f", "value": "1"}]"#)
        // admin: DDL inside its namespaces.
        try expect(201, "PUT", "/ns/a/new", token: Self.adminA)
        try expect(201, "PUT", "/ns/a/new/tables/t", token: Self.adminA, json: #"{"column_families": ["f"]}"#)
        try expect(200, "POST", "/ns/a/new/query", token: Self.adminA, hql: "ALTER TABLE t ADD (g)")
        try expect(200, "POST", "/ns/a/new/query", token: Self.adminA, hql: "INSERT INTO t VALUES ('q', 'g', 'x')")
        try expect(204, "DELETE", "/ns/a/new/tables/t", token: Self.adminA)
        try expect(204, "DELETE", "/ns/a/new", token: Self.adminA)
    }

    // MARK: namespace limits on routes

    func testRoutesOutsideTheNamespacesAreForbidden() throws {
        try start()
        for token in [Self.readerA, Self.writerA, Self.adminA] {
            try expect(200, "GET", "/ns/a/tables/t/cells", token: token)
            try expect(200, "GET", "/ns/a/sub/tables/t/cells", token: token)
            try expect(200, "GET", "/ns/a%2Fsub/tables", token: token)
            try expect(200, "GET", "/ns/a", token: token)
            // A sibling that shares the prefix is outside.
            try expect(403, "GET", "/ns/ab/tables/t/cells", token: token)
            try expect(403, "GET", "/ns/b/tables/t", token: token)
            try expect(403, "GET", "/ns/b", token: token)
            try expect(403, "POST", "/ns/b/tables/t/rows:get", token: token, json: #"{"rows": ["r"]}"#)
            try expect(403, "POST", "/ns/b/query", token: token, hql: "SELECT * FROM t")
            // The root listing names every namespace: not for a limited token.
            try expect(403, "GET", "/ns", token: token)
            // A path that climbs out cannot be told: refused.
            try expect(403, "GET", "/ns/a%2F..%2Fb/tables", token: token)
        }
        try expect(403, "POST", "/ns/b/tables/t/cells", token: Self.writerA,
                   json: #"[{"row": "w", "column_family": "f", "value": "1"}]"#)
        try expect(200, "POST", "/ns/a/sub/tables/t/cells", token: Self.writerA,
                   json: #"[{"row": "w", "column_family": "f", "value": "1"}]"#)
        try expect(403, "PUT", "/ns/b/new", token: Self.adminA)
        try expect(403, "PUT", "/ns/ab", token: Self.adminA)
        try expect(403, "DELETE", "/ns/b/tables/t", token: Self.adminA)
        // Unlimited tokens are not affected.
        try expect(200, "GET", "/ns", token: Self.writer)
        try expect(200, "GET", "/ns/b/tables/t/cells", token: Self.writer)
        // Metrics and health details need a valid token, not a namespace.
        try expect(200, "GET", "/metrics", token: Self.readerA)
    }

    // MARK: namespace limits on statements

    func testStatementsNamingTablesOutsideTheNamespacesAreForbidden() throws {
        try start()
        // A name with a path is read both from the root and relative to {ns} (brokers differ;
        // the embedded one reads relative): both readings must be inside the limit.
        let refused = [
            "SELECT * FROM '/b/t'", "SELECT * FROM \"/b/t\"", "SELECT * FROM '/ab/t'", "DESCRIBE TABLE '/b/t'",
            "SHOW CREATE TABLE '/b/t'", "EXISTS TABLE '/b/t'", "USE \"/b\"", "USE b", "SELECT * FROM 'sub/t'",
            "SELECT * FROM \"../b/t\"", "SELECT * FROM \"sub/../../b/t\"",
        ]
        for statement in refused {
            try expect(403, "POST", "/ns/a/query", token: Self.readerA, hql: statement)
        }
        for statement in ["INSERT INTO '/b/t' VALUES ('q', 'f', 'x')", "DELETE * FROM \"/b/t\" WHERE ROW = 'r'"] {
            try expect(403, "POST", "/ns/a/query", token: Self.writerA, hql: statement)
        }
        for statement in ["DROP TABLE '/b/t'", "CREATE TABLE '/b/u' (f)", "RENAME TABLE t TO '/b/u'",
                          "CREATE NAMESPACE \"/b/n\"", "DROP NAMESPACE \"/b\"", "CREATE TABLE u LIKE '/b/t'"] {
            try expect(403, "POST", "/ns/a/query", token: Self.adminA, hql: statement)
        }
        // The same with GET ?hql=.
        let query = "SELECT%20*%20FROM%20%27%2Fb%2Ft%27"
        try expect(403, "GET", "/ns/a/query?hql=\(query)", token: Self.readerA)
        // Inside the limit either way: the guard lets it through to the broker (which, reading
        // `/a/t` in `/a` as `/a/a/t`, finds no such table).
        let select = try expect(200, "POST", "/ns/a/query", token: Self.readerA, hql: "SELECT * FROM t")
        XCTAssertTrue(select.bodyText.contains("\"value\":\"v\""), select.bodyText)
        try expect(404, "POST", "/ns/a/query", token: Self.readerA, hql: "SELECT * FROM '/a/t'")
        try expect(200, "POST", "/ns/a/query", token: Self.readerA, hql: "SHOW TABLES")
        try expect(200, "POST", "/ns/a/sub/query", token: Self.readerA, hql: "SELECT * FROM t")
        try expect(200, "POST", "/ns/a/query", token: Self.writerA, hql: "INSERT INTO t VALUES ('q', 'f', 'x')")
        try expect(200, "POST", "/ns/a/query", token: Self.adminA, hql: "CREATE NAMESPACE \"/a/made\"")
        try expect(200, "POST", "/ns/a/query", token: Self.adminA, hql: "DROP NAMESPACE \"/a/made\"")
        // A limited token's statement must parse: what it touches has to be known.
        try expect(400, "POST", "/ns/a/query", token: Self.readerA, hql: "SELECT FROM WHERE")
        // A path outside quotes is no name (Hypertable's user_identifier): a parse error.
        try expect(400, "POST", "/ns/a/query", token: Self.readerA, hql: "SELECT * FROM /b/t")
    }

    func testACursorIsContinuedOnlyWhereTheContinuingTokenMayRead() throws {
        try start()
        for namespace in ["a", "a/sub"] {
            try expect(200, "POST", "/ns/\(namespace)/tables/t/cells", token: Self.admin,
                       json: #"[{"row": "s", "column_family": "f", "value": "w"}]"#)
        }
        func nextPage(_ statement: String) throws -> String {
            let first = try expect(200, "POST", "/ns/a/query?page_size=1", token: Self.admin, hql: statement)
            let link = try XCTUnwrap(first.header("Link"), first.bodyText)
            return String(link.drop { $0 != "<" }.dropFirst().prefix { $0 != ">" })
        }
        // Begun by an unlimited token; continued by one limited to /a, which may read `t`
        // but not `sub/t` (one of its readings is /sub).
        try expect(200, "GET", try nextPage("SELECT * FROM t"), token: Self.readerA)
        try expect(403, "GET", try nextPage("SELECT * FROM 'sub/t'"), token: Self.readerA)
    }

    func testAccessLogNamesTheGrantClass() throws {
        try start()
        try expect(200, "GET", "/ns/a/tables/t", token: Self.readerA)
        try expect(200, "GET", "/ns/b/tables/t", token: Self.writer)
        // Each line is written after its response: wait for the GETs' lines (setup PUT the same paths).
        func line(_ path: String) -> String? {
            stack.logLines.all.last { $0.contains("\"method\":\"GET\"") && $0.contains("\"path\":\"\(path)\"") }
        }
        XCTAssertTrue(eventually { line("/ns/a/tables/t") != nil && line("/ns/b/tables/t") != nil })
        XCTAssertTrue(line("/ns/a/tables/t")?.contains(#""auth":"read@ns""#) == true, "\(stack.logLines.all)")
        XCTAssertTrue(line("/ns/b/tables/t")?.contains(#""auth":"write""#) == true, "\(stack.logLines.all)")
    }

    // MARK: building blocks

    func testTokenFileSyntax() throws {
        var policy = AccessPolicy()
        try policy.load(tokenList: "tok-0123456789abcdef-1 read /a /b/c, tok-0123456789abcdef-2 admin /,"
                        + " tok-0123456789abcdef-3 WRITE a//b/")
        XCTAssertEqual(policy.grant(forToken: Array("tok-0123456789abcdef-1".utf8)),
                       AccessGrant(level: .read, namespaces: ["/a", "/b/c"]))
        // The root covers everything: no limit.
        XCTAssertEqual(policy.grant(forToken: Array("tok-0123456789abcdef-2".utf8)), .readWrite)
        XCTAssertEqual(policy.grant(forToken: Array("tok-0123456789abcdef-3".utf8)),
                       AccessGrant(level: .write, namespaces: ["/a/b"]))
    }

    func testNamespaceCoverage() {
        let grant = AccessGrant(level: .read, namespaces: ["/a", "/x/y"])
        for covered in ["/a", "/a/b", "/a/b/c", "/x/y", "/x/y/z"] { XCTAssertTrue(grant.covers(namespace: covered), covered) }
        for outside in ["/", "/ab", "/b", "/x", "/x/yz"] { XCTAssertFalse(grant.covers(namespace: outside), outside) }
        XCTAssertEqual(AccessGrant.canonicalNamespace("a//b/"), "/a/b")
        XCTAssertNil(AccessGrant.canonicalNamespace("a/../b"))
        // Names with a path are read from the root and relative to {ns}; both must be covered.
        XCTAssertEqual(AccessGrant.namespaces(ofName: "t", isTable: true, current: "a"), ["/a"])
        XCTAssertEqual(AccessGrant.namespaces(ofName: "/b/t", isTable: true, current: "a"), ["/b", "/a/b"])
        XCTAssertEqual(AccessGrant.namespaces(ofName: "sub/t", isTable: true, current: "/a"), ["/sub", "/a/sub"])
        XCTAssertEqual(AccessGrant.namespaces(ofName: "/t", isTable: true, current: "/a"), ["/", "/a"])
        XCTAssertNil(AccessGrant.namespaces(ofName: "../t", isTable: true, current: "/a"))
    }

    func testEveryStatementClassNeedsItsLevel() throws {
        let cases: [(String, AccessGrant.Level)] = [
            ("SELECT * FROM t", .read), ("SHOW TABLES", .read), ("DESCRIBE TABLE t", .read), ("GET LISTING", .read),
            ("EXISTS TABLE t", .read), ("USE \"/a\"", .read), ("SHOW CREATE TABLE t", .read),
            ("INSERT INTO t VALUES ('r', 'f', 'v')", .write), ("DELETE * FROM t WHERE ROW = 'r'", .write),
            ("CREATE TABLE t (f)", .admin), ("DROP TABLE t", .admin), ("ALTER TABLE t ADD (g)", .admin),
            ("RENAME TABLE t TO u", .admin), ("CREATE NAMESPACE \"/a/n\"", .admin), ("DROP NAMESPACE \"/a/n\"", .admin),
        ]
        for (statement, needed) in cases {
            let parsed = try HQLParser.parse(statement)
            for level in AccessGrant.Level.allCases {
                let refusal = AccessGrant(level: level, namespaces: ["/a"]).refusal(of: parsed, in: "/a")
                XCTAssertEqual(refusal == nil, level >= needed, "\(statement) with \(level): \(refusal ?? "allowed")")
            }
        }
    }
}
