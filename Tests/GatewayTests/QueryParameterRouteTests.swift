import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// `POST /ns/{ns}/query` with `{"hql": ..., "params": [...]}`: placeholders bound by the HQL
/// lexer, against the embedded broker.
final class QueryParameterRouteTests: RESTTestCase {
    func testParametersAreBoundAsLiterals() throws {
        try createTable()
        let insert = try send("POST", "/ns/test/query", json: """
            {"hql": "INSERT INTO t VALUES (?, 'a:q', ?), (?, 'a:q', ?)",
             "params": ["o'brien", "it's \\\\ ?", {"base64": "b3RoZXI="}, "x"]}
            """)
        XCTAssertEqual(insert.status, 200, insert.bodyText)
        let select = try send("POST", "/ns/test/query", json: """
            {"hql": "SELECT * FROM t WHERE ROW = ? AND TIMESTAMP > ? LIMIT ?",
             "params": ["o'brien", {"timestamp": "2001-01-01 00:00:00"}, 5]}
            """)
        XCTAssertEqual(select.status, 200, select.bodyText)
        let got = try cells(select)
        XCTAssertEqual(got.map { $0["row"] as? String }, ["o'brien"])
        XCTAssertEqual(got.first?["value"] as? String, #"it's \ ?"#)
        let injection = try send("POST", "/ns/test/query", json: """
            {"hql": "SELECT * FROM t WHERE ROW = ?", "params": ["x' OR ROW > '"]}
            """)
        XCTAssertEqual(try cells(injection).count, 0, "the value is one literal: no row is named that")
    }

    func testRefusals() throws {
        try createTable()
        let cases: [(String, String)] = [
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": []}"#, "/problems/hql-parameters"),
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": ["a", "b"]}"#, "/problems/hql-parameters"),
            (#"{"hql": "SELECT * FROM ?", "params": ["t"]}"#, "/problems/hql-parameters"),
            (#"{"hql": "SELECT * FROM t LIMIT ?", "params": ["5"]}"#, "/problems/hql-parameters"),
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": [{"base64": "//4="}]}"#, "/problems/hql-parameters"),
            // HQL strings have no escapes: no literal holds both quote characters.
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": ["it's \"quoted\""]}"#, "/problems/hql-parameters"),
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": [1.5]}"#, "/problems/bad-request"),
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": [true]}"#, "/problems/bad-request"),
            (#"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": "a"}"#, "/problems/bad-request"),
        ]
        for (body, type) in cases {
            let response = try send("POST", "/ns/test/query", json: body)
            XCTAssertEqual(response.status, 400, "\(body): \(response.bodyText)")
            XCTAssertEqual(try object(response)["type"] as? String, type, body)
        }
        let mismatch = try object(try send("POST", "/ns/test/query", json: #"{"hql": "SELECT * FROM t WHERE ROW = ?", "params": []}"#))
        XCTAssertEqual(mismatch["hypertable_error"] as? String, "HQL_PARSE_ERROR")
    }
}
