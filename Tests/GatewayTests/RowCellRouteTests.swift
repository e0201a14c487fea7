import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// Row reads and deletes, cell writes and scans, over real HTTP against the embedded broker.
final class RowCellRouteTests: RESTTestCase {
    func testWriteJSONArrayThenReadRow() throws {
        try createTable()
        let written = try send("POST", "/ns/test/tables/t/cells", json: """
            [{"row": "r1", "column_family": "a", "column_qualifier": "x", "value": "one"},
             {"row": "r1", "column_family": "b", "value": "two", "timestamp": "1700000000000000001"},
             {"row": "r2", "column_family": "a", "value": "three", "timestamp": 1700000000000000002}]
            """)
        XCTAssertEqual(written.status, 200, written.bodyText)
        XCTAssertEqual(try object(written)["written"] as? Int, 3)
        XCTAssertEqual(harness.broker.openMutatorCount, 0, "the mutator is closed")

        let row = try cells(try send("GET", "/ns/test/tables/t/rows/r1"))
        XCTAssertEqual(row.count, 2)
        XCTAssertEqual(row[0]["column_family"] as? String, "a")
        XCTAssertEqual(row[0]["column_qualifier"] as? String, "x")
        XCTAssertEqual(row[0]["value"] as? String, "one")
        XCTAssertEqual(row[1]["timestamp"] as? String, "1700000000000000001", "timestamps are exact decimal strings")

        let narrowed = try cells(try send("GET", "/ns/test/tables/t/rows/r1?columns=b"))
        XCTAssertEqual(narrowed.map { $0["value"] as? String }, ["two"])
        let cell = try cells(try send("GET", "/ns/test/tables/t/rows/r1?columns=a:x,b"))
        XCTAssertEqual(cell.count, 2)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/nothing")).count, 0)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/rows/r1?colums=a").status, 400)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/rows/r1?columns=zz").status, 404, "unknown family")
    }

    func testRevisions() throws {
        try createTable()
        for version in 1...3 {
            try send("POST", "/ns/test/tables/t/cells",
                     json: "[{\"row\": \"r\", \"column_family\": \"a\", \"value\": \"v\(version)\", \"timestamp\": \"\(version)000\"}]")
        }
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r")).map { $0["value"] as? String },
                       ["v3", "v2", "v1"])
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r?revisions=1")).map { $0["value"] as? String },
                       ["v3"])
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/rows/r?revisions=0").status, 400)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells?revisions=2")).count, 2)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells?start_time=2000&end_time=3000")).count, 1)
    }

    func testWriteNDJSONAndDeletes() throws {
        try createTable()
        let body = """
            {"row": "r1", "column_family": "a", "column_qualifier": "x", "value": "1"}
            {"row": "r1", "column_family": "a", "column_qualifier": "y", "value": "2"}

            {"row": "r1", "column_family": "b", "value": "3"}\r
            {"row": "r2", "column_family": "a", "value": "4"}
            """
        let written = try send("POST", "/ns/test/tables/t/cells", headers: [("Content-Type", "application/x-ndjson")],
                               body: Array(body.utf8))
        XCTAssertEqual(try object(written)["written"] as? Int, 4)

        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/rows/r1?columns=a:x").status, 204)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r1")).count, 2)
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/rows/r1?columns=b").status, 204)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r1")).map { $0["column_qualifier"] as? String }, ["y"])
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/rows/r1").status, 204)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r1")).count, 0)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r2")).count, 1)

        // Deletes through the write route too; a row delete as the gateway's own output writes
        // it (an empty family) is accepted back, a cell with an empty family is not.
        try send("POST", "/ns/test/tables/t/cells",
                 json: "[{\"row\": \"r2\", \"column_family\": \"\", \"flag\": \"delete_row\"}]")
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells")).count, 0)
        XCTAssertEqual(try send("POST", "/ns/test/tables/t/cells",
                                json: "[{\"row\": \"r3\", \"column_family\": \"\", \"value\": \"v\"}]").status, 400)
    }

    func testBadWritesWriteNothing() throws {
        try createTable()
        let bodies: [(String, String)] = [
            ("application/json", "{\"row\": \"r\"}"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"value\": \"ok\"}, {\"column_family\": \"a\"}]"),
            ("application/json", "[{\"row\": \"\", \"column_family\": \"a\"}]"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"value\": 5}]"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"timestamp\": 1.5}]"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"flag\": \"explode\"}]"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"value\": \"!!\", \"value_encoding\": \"base64\"}]"),
            ("application/json", "[{\"row\": \"r\", \"column_family\": \"a\", \"extra\": 1}]"),
            ("application/x-ndjson", "{\"row\": \"r\", \"column_family\": \"a\"}\nnot json\n"),
        ]
        for (type, body) in bodies {
            let response = try send("POST", "/ns/test/tables/t/cells", headers: [("Content-Type", type)], body: Array(body.utf8))
            XCTAssertEqual(response.status, 400, "\(body): \(response.bodyText)")
        }
        XCTAssertEqual(try send("POST", "/ns/test/tables/t/cells", headers: [("Content-Type", "text/csv")],
                                body: Array("r,a,v".utf8)).status, 415)
        let badFamily = try send("POST", "/ns/test/tables/t/cells", json: "[{\"row\": \"r\", \"column_family\": \"zz\"}]")
        // A family the table lacks is refused before any batch is sent, as a missing one (404).
        XCTAssertEqual(badFamily.status, 404, badFamily.bodyText)
        // The table is checked before the body is read, so even an empty upload learns it is missing.
        XCTAssertEqual(try send("POST", "/ns/test/tables/missing/cells", json: "[]").status, 404)
        XCTAssertEqual(try send("POST", "/ns/test/tables/missing/cells",
                                json: "[{\"row\": \"r\", \"column_family\": \"a\"}]").status, 404)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/cells")).count, 0)
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
    }

    func testScanParameters() throws {
        try createTable()
        var body = "["
        for index in 0..<10 {
            if index > 0 { body += "," }
            body += "{\"row\": \"row\(index)\", \"column_family\": \"a\", \"value\": \"a\(index)\"},"
            body += "{\"row\": \"row\(index)\", \"column_family\": \"b\", \"column_qualifier\": \"q\", \"value\": \"b\(index)\"}"
        }
        body += ",{\"row\": \"other\", \"column_family\": \"a\", \"value\": \"o\"}]"
        XCTAssertEqual(try object(try send("POST", "/ns/test/tables/t/cells", json: body))["written"] as? Int, 21)

        func rows(_ query: String) throws -> [String] {
            let response = try send("GET", "/ns/test/tables/t/cells?" + query)
            XCTAssertEqual(response.status, 200, "\(query): \(response.bodyText)")
            return try cells(response).compactMap { $0["row"] as? String }
        }
        XCTAssertEqual(try rows("").count, 21)
        XCTAssertEqual(Set(try rows("start_row=row2&end_row=row4")), ["row2", "row3", "row4"])
        XCTAssertEqual(Set(try rows("start_row=row2&start_inclusive=false&end_row=row4&end_inclusive=false")), ["row3"])
        XCTAssertEqual(try rows("row_prefix=oth"), ["other"])
        XCTAssertEqual(try rows("row_prefix=row&columns=b:q").count, 10)
        XCTAssertEqual(try rows("columns=a&row_limit=3"), ["other", "row0", "row1"])
        XCTAssertEqual(try rows("cell_limit=5").count, 5)
        XCTAssertEqual(try rows("row_prefix=row&row_offset=8"), ["row8", "row8", "row9", "row9"])
        XCTAssertEqual(try rows("row_prefix=row&cell_offset=18"), ["row9", "row9"])
        XCTAssertEqual(try rows("columns=b&columns=a&row_prefix=row1").count, 2)
        XCTAssertEqual(try rows("row_regexp=%5Erow%5B12%5D%24").count, 4)
        XCTAssertEqual(try rows("cell_limit_per_family=1&row_prefix=row0").count, 2)
        let keysOnly = try cells(try send("GET", "/ns/test/tables/t/cells?keys_only=true&row_prefix=other"))
        XCTAssertEqual(keysOnly.count, 1)
        XCTAssertTrue(keysOnly.first?["value"] is NSNull || keysOnly.first?["value"] as? String == "", "no value")

        for bad in ["start_row=b&end_row=a", "row_limit=-1", "row_limit=x", "revisions=0", "nonsense=1",
                    "row_prefix=a&start_row=b", "start_inclusive=maybe", "row_offset=1&cell_offset=1",
                    "start_time=5&end_time=4", "encoding=rot13", "columns=", "start_time=now"] {
            let response = try send("GET", "/ns/test/tables/t/cells?" + bad)
            XCTAssertEqual(response.status, 400, "\(bad): \(response.bodyText)")
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json", bad)
        }
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells?columns=zz").status, 404)
        XCTAssertEqual(harness.broker.openScannerCount, 0)
    }
}
