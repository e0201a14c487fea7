import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// One cell version (GET/DELETE .../cells/{row}?column=&timestamp=), create-if-absent
/// (POST .../cells/{row}?column=), range deletes (DELETE .../cells?...) and counters
/// (POST .../counters/{row}), against the embedded broker.
final class CellVersionRouteTests: RESTTestCase {
    private func seedVersions() throws {
        try createTable()
        let written = try send("POST", "/ns/test/tables/t/cells", json: """
            [{"row": "r/1", "column_family": "a", "column_qualifier": "q", "value": "v1", "timestamp": "1000"},
             {"row": "r/1", "column_family": "a", "column_qualifier": "q", "value": "v2", "timestamp": "2000"},
             {"row": "r/1", "column_family": "a", "column_qualifier": "", "value": "empty-q", "timestamp": "1000"},
             {"row": "r/1", "column_family": "a", "column_qualifier": "/w==", "column_qualifier_encoding": "base64",
              "value": "binary-q", "timestamp": "1000"}]
            """)
        XCTAssertEqual(written.status, 200, written.bodyText)
    }

    func testReadOneVersion() throws {
        try seedVersions()
        let one = try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=1000")
        XCTAssertEqual(one.status, 200, one.bodyText)
        XCTAssertEqual(try object(one)["value"] as? String, "v1")
        XCTAssertEqual(try object(one)["timestamp"] as? String, "1000")
        XCTAssertEqual(try object(one)["row"] as? String, "r/1")
        XCTAssertEqual(try object(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=2000"))["value"] as? String, "v2")
        XCTAssertEqual(try object(try send("GET", "/ns/test/tables/t/cells/r/1?column=a&timestamp=1000"))["value"] as? String,
                       "empty-q", "the empty qualifier, not the whole family")
        XCTAssertEqual(try object(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:%FF&timestamp=1000"))["value"] as? String,
                       "binary-q", "qualifier bytes percent-encoded")
        XCTAssertEqual(try object(try send("GET", "/ns/test/tables/t/cells/ci8x?column=a:%2Fw%3D%3D&timestamp=1000&encoding=base64"))["value"] as? String,
                       "YmluYXJ5LXE=", "row and qualifier in base64, and the answer too")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=1500").status, 404)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q").status, 400, "timestamp required")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?timestamp=1000").status, 400, "column required")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=x").status, 400)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=zz:q&timestamp=1000").status, 404)
    }

    func testDeleteOneVersion() throws {
        try seedVersions()
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=1000").status, 204)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=1000").status, 404)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a:q&timestamp=2000").status, 200, "other versions stay")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells/r/1?column=a&timestamp=1000").status, 200, "other qualifiers stay")
    }

    func testWriteIfAbsent() throws {
        try createTable()
        var schema = try send("PUT", "/ns/test/tables/u", json: #"{"column_families": {"id": {"time_order_desc": true}, "plain": {}}}"#)
        XCTAssertEqual(schema.status, 201, schema.bodyText)
        let first = try send("POST", "/ns/test/tables/u/cells/user1?column=id:email", json: #"{"value": "o'brien@example.com"}"#)
        XCTAssertEqual(first.status, 201, first.bodyText)
        XCTAssertEqual(try object(first)["value"] as? String, "o'brien@example.com")
        let second = try send("POST", "/ns/test/tables/u/cells/user1?column=id:email", json: #"{"value": "other"}"#)
        XCTAssertEqual(second.status, 409, second.bodyText)
        XCTAssertEqual(try object(second)["hypertable_error"] as? String, "ALREADY_EXISTS")
        XCTAssertEqual(try object(second)["existing_value"] as? String, "o'brien@example.com")
        let generated = try send("POST", "/ns/test/tables/u/cells/user2?column=id")
        XCTAssertEqual(generated.status, 201, generated.bodyText)
        XCTAssertEqual((try object(generated)["value"] as? String)?.count, 36, "a GUID")
        schema = try send("POST", "/ns/test/tables/u/cells/user1?column=plain", json: #"{"value": "x"}"#)
        XCTAssertEqual(schema.status, 400, "not TIME_ORDER DESC: \(schema.bodyText)")
        XCTAssertEqual(try send("POST", "/ns/test/tables/u/cells/user1?column=id", json: #"{"value": 1}"#).status, 400)
        XCTAssertEqual(try send("POST", "/ns/test/tables/u/cells/user1?column=id&timestamp=1", json: "{}").status, 400)
    }

    func testRangeDelete() throws {
        try createTable()
        var body: [String] = []
        for row in ["a1", "a2", "b1", "b2", "c1"] {
            for family in ["a", "b"] {
                for version in 1...2 {
                    body.append("{\"row\": \"\(row)\", \"column_family\": \"\(family)\", \"value\": \"v\", \"timestamp\": \"\(version)000\"}")
                }
            }
        }
        XCTAssertEqual(try send("POST", "/ns/test/tables/t/cells", json: "[" + body.joined(separator: ",") + "]").status, 200)

        let byRows = try send("DELETE", "/ns/test/tables/t/cells?start_row=a1&end_row=a2")
        XCTAssertEqual(byRows.status, 200, byRows.bodyText)
        XCTAssertEqual(try object(byRows)["deleted"] as? Int, 8)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells?row_prefix=a")).count, 0)

        let byColumnAndTime = try send("DELETE", "/ns/test/tables/t/cells?row_prefix=b&columns=b&start_time=2000&end_time=3000")
        XCTAssertEqual(try object(byColumnAndTime)["deleted"] as? Int, 2, byColumnAndTime.bodyText)
        let left = try cells(try send("GET", "/ns/test/tables/t/cells?row_prefix=b&columns=b"))
        XCTAssertEqual(left.map { $0["timestamp"] as? String }, ["1000", "1000"], "only the versions in the time range went")

        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/cells").status, 400, "a selection is required")
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/cells?row_prefix=c&keys_only=true").status, 400)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells?row_prefix=c")).count, 4, "c1 untouched")
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
        XCTAssertTrue(eventually { self.harness.broker.openScannerCount == 0 })
    }

    func testCounters() throws {
        try createTable()
        let created = try send("PUT", "/ns/test/tables/c", json: #"{"column_families": {"n": {"counter": true}, "p": {}}}"#)
        XCTAssertEqual(created.status, 201, created.bodyText)
        var response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"n:hits": 5, "n": 2}"#)
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(try object(response)["n:hits"] as? Int, 5)
        XCTAssertEqual(try object(response)["n"] as? Int, 2)
        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"n:hits": -1}"#)
        XCTAssertEqual(try object(response)["n:hits"] as? Int, 4)
        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"n:big": "9007199254740993"}"#)
        XCTAssertEqual(try object(response)["n:big"] as? String, "9007199254740993", "above 2^53 as a string")
        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"n:big": "-9007199254740993"}"#)
        XCTAssertEqual(try object(response)["n:big"] as? Int, 0)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/c/rows/page/1?columns=n:hits")).first?["value"] as? String, "4")

        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"p:x": 1}"#)
        XCTAssertEqual(response.status, 400, "not a COUNTER family: \(response.bodyText)")
        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"zz:x": 1}"#)
        XCTAssertEqual(response.status, 404, response.bodyText)
        XCTAssertEqual(try object(response)["hypertable_error"] as? String, "COLUMN_FAMILY_NOT_FOUND")
        for body in ["{}", #"{"n:x": 1.5}"#, #"{"n:x": true}"#, #"{"n:x": "ten"}"#, #"{"n:x": "99999999999999999999"}"#, "[1]"] {
            XCTAssertEqual(try send("POST", "/ns/test/tables/c/counters/page/1", json: body).status, 400, body)
        }
        XCTAssertEqual(try object(try send("POST", "/ns/test/tables/c/counters/page/1", json: #"{"n:hits": 0}"#))["n:hits"] as? Int,
                       4, "nothing else was written by the refused requests")
        // 2.0 is an integer (JSON Schema's, so openapi.yaml's); a combining mark after the
        // ':' joins it into one Character, but the key still splits at the scalar.
        response = try send("POST", "/ns/test/tables/c/counters/page/1", json: "{\"n:hits\": 2.0, \"n:\u{0301}q\": 1}")
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(try object(response)["n:hits"] as? Int, 6)
        XCTAssertEqual(try object(response)["n:\u{0301}q"] as? Int, 1)
    }
}
