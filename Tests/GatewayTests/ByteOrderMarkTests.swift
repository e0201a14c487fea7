import Foundation
import GatewayTestKit
import XCTest

/// Every body read as text skips a leading UTF-8 byte-order mark alike: table schemas as JSON,
/// HQL as plain text and as JSON, the resource routes' JSON (rows:get, PATCH, counters,
/// create-if-absent) (cell uploads: `CellUploadTests`).
final class ByteOrderMarkTests: RESTTestCase {
    func testSchemaAndHQLBodiesSkipAByteOrderMark() throws {
        XCTAssertEqual(try send("PUT", "/ns/test").status, 201)
        let schema = try send("PUT", "/ns/test/tables/t", headers: [("Content-Type", "application/json")],
                              body: ByteOrderMarkBytes + Array("{\"column_families\": [\"a\"]}".utf8))
        XCTAssertEqual(schema.status, 201, schema.bodyText)

        let text = try send("POST", "/ns/test/query", headers: [("Content-Type", "text/plain")],
                            body: ByteOrderMarkBytes + Array("INSERT INTO t VALUES ('r', 'a', 'v')".utf8))
        XCTAssertEqual(text.status, 200, text.bodyText)
        let json = try send("POST", "/ns/test/query", headers: [("Content-Type", "application/json")],
                            body: ByteOrderMarkBytes + Array("{\"hql\": \"SELECT * FROM t\"}".utf8))
        XCTAssertEqual(json.status, 200, json.bodyText)
        XCTAssertEqual(try cells(json).first?["value"] as? String, "v")

        let rows = try send("POST", "/ns/test/tables/t/rows:get", headers: [("Content-Type", "application/json")],
                            body: ByteOrderMarkBytes + Array("{\"rows\": [\"r\"]}".utf8))
        XCTAssertEqual(try cells(rows).count, 1, rows.bodyText)
        let patch = try send("PATCH", "/ns/test/tables/t", headers: [("Content-Type", "application/json")],
                             body: ByteOrderMarkBytes + Array("{\"add_column_families\": {\"b\": {}}}".utf8))
        XCTAssertEqual(patch.status, 200, patch.bodyText)
    }
}
