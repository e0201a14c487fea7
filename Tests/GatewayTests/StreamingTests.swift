import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import XCTest

/// Streaming scans and SELECTs: chunking, the three formats, and cleanup of scanners on every
/// path (end, client disconnect, HEAD) counted on the embedded broker.
final class StreamingTests: RESTTestCase {
    /// Small batches: many `next_cells` calls, so many chunks.
    override var nextCellsThreshold: Int { 2048 }

    func cellsOf(count: Int, valueSize: Int = 8) -> [Cell] {
        (0..<count).map { index in
            let row = Array(String(format: "row%06d", index).utf8)
            return Cell(key: Key(row: row, columnFamily: "a"), value: Array(repeating: UInt8(ascii: "v"), count: valueSize))
        }
    }

    func testNDJSONStreamsInManyChunksAndClosesTheScanner() throws {
        try createTable()
        try load("test", "t", cellsOf(count: 2000))
        let response = try send("GET", "/ns/test/tables/t/cells", headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/x-ndjson")
        XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
        XCTAssertGreaterThan(response.chunks.count, 10, "one chunk per next_cells batch")
        let lines = try ndjsonLines(response)
        XCTAssertEqual(lines.count, 2000)
        XCTAssertEqual(lines.first?["row"] as? String, "row000000")
        XCTAssertEqual(lines.last?["row"] as? String, "row001999")
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
        XCTAssertEqual(harness.gateway.pool.statistics.inUse, 0)
    }

    func testJSONAndTSVFormats() throws {
        try createTable()
        try load("test", "t", cellsOf(count: 500))
        try send("POST", "/ns/test/tables/t/cells", json: """
            [{"row": "z\\ttab", "column_family": "b", "column_qualifier": "q", "value": "line\\nbreak\\\\", "timestamp": "1196582405000000000"}]
            """)
        let json = try send("GET", "/ns/test/tables/t/cells")
        XCTAssertEqual(json.header("Content-Type"), "application/json")
        XCTAssertEqual(try cells(json).count, 501)

        let tsv = try send("GET", "/ns/test/tables/t/cells", headers: [("Accept", "text/tab-separated-values")])
        XCTAssertEqual(tsv.header("Content-Type"), "text/tab-separated-values")
        let lines = tsv.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 502, "one line per cell and a final newline")
        XCTAssertEqual(lines.last, "")
        let first = lines[0].split(separator: "\t", omittingEmptySubsequences: false)
        XCTAssertEqual(first.count, 4)
        XCTAssertEqual(first[1], "row000000")
        XCTAssertEqual(first[2], "a")
        XCTAssertEqual(first[3], "vvvvvvvv")
        XCTAssertNotNil(first[0].wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}/))
        // As hypertable_test.golden prints it (2007-12-02 08:00:05 UTC), tabs and newlines escaped.
        XCTAssertEqual(lines[500], "2007-12-02 08:00:05.000000000\tz\\ttab\tb:q\tline\\nbreak\\\\")

        let preferred = try send("GET", "/ns/test/tables/t/cells?cell_limit=1",
                                 headers: [("Accept", "application/json;q=0.5, application/x-ndjson")])
        XCTAssertEqual(preferred.header("Content-Type"), "application/x-ndjson")
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
    }

    func testTSVKeepsNonUTF8BytesAndDeclaresNoCharset() throws {
        try createTable()
        // Row 0xC3 0x28 (a broken two-byte sequence), value 0x80 0xFF: neither is UTF-8.
        try send("POST", "/ns/test/tables/t/cells", json: """
            [{"row": "wyg=", "row_encoding": "base64", "column_family": "a",
              "value": "gP8=", "value_encoding": "base64", "timestamp": "1196582405000000000"}]
            """)
        let tsv = try send("GET", "/ns/test/tables/t/cells", headers: [("Accept", "text/tab-separated-values")])
        XCTAssertEqual(tsv.status, 200)
        XCTAssertEqual(tsv.header("Content-Type"), "text/tab-separated-values",
                       "no charset: the bytes below are not UTF-8 and are sent as stored")
        XCTAssertEqual(tsv.body, Array("2007-12-02 08:00:05.000000000\t".utf8) + [0xC3, 0x28]
                       + Array("\ta\t".utf8) + [0x80, 0xFF, 0x0A])
    }

    func testClientDisconnectMidStreamClosesTheScanner() throws {
        try createTable()
        // 16 MiB: more than loopback socket buffers hold, so the gateway is mid-stream when we leave.
        try load("test", "t", cellsOf(count: 4096, valueSize: 4096))
        XCTAssertEqual(harness.broker.openScannerCount, 0)
        let leaving = try harness.client()
        try leaving.sendRequest("GET", "/ns/test/tables/t/cells", headers: [("Accept", "application/x-ndjson")])
        let head = try leaving.readHead()
        XCTAssertEqual(head.status, 200)
        XCTAssertNotNil(try leaving.readChunk())
        XCTAssertEqual(harness.broker.openScannerCount, 1, "the scan is under way")
        XCTAssertTrue(try send("GET", "/metrics").bodyText.contains("gateway_open_scanners 1"))
        leaving.close()
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 }, "closed after the client left")
        XCTAssertTrue(eventually { (try? self.send("GET", "/metrics").bodyText.contains("gateway_open_scanners 0")) == true })
        XCTAssertTrue(eventually { harness.gateway.pool.statistics.inUse == 0 }, "the connection went back")
        // The connection is healthy and reused.
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells?cell_limit=2", headers: [("Accept", "application/x-ndjson")])
                        .body.split(separator: 0x0A).count, 2)
        XCTAssertEqual(harness.gateway.pool.statistics.totalDiscarded, 0)
    }

    func testHeadOpensAndClosesTheScanner() throws {
        try createTable()
        try load("test", "t", cellsOf(count: 10))
        let response = try send("HEAD", "/ns/test/tables/t/cells")
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.body.isEmpty)
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
        XCTAssertTrue(eventually { harness.gateway.pool.statistics.inUse == 0 })
    }

    func testSelectStreamsThroughAScannerInEveryFormat() throws {
        try createTable()
        try load("test", "t", cellsOf(count: 300))
        let select = "/ns/test/query?hql=" + escaped("SELECT a FROM t WHERE ROW >= 'row000100' LIMIT 50")
        let json = try send("GET", select)
        XCTAssertEqual(json.status, 200, json.bodyText)
        XCTAssertEqual(json.header("Transfer-Encoding"), "chunked")
        let answer = try object(json)
        XCTAssertEqual((answer["cells"] as? [Any])?.count, 50)
        XCTAssertEqual((answer["results"] as? [Any])?.count, 0)

        let ndjson = try send("POST", "/ns/test/query", headers: [("Accept", "application/x-ndjson"),
                                                                   ("Content-Type", "text/plain")],
                              body: Array("SELECT * FROM t WHERE ROW = 'row000007'".utf8))
        let lines = try ndjsonLines(ndjson)
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines.first?["row"] as? String, "row000007")

        let tsv = try send("GET", select, headers: [("Accept", "text/tab-separated-values")])
        XCTAssertEqual(tsv.bodyText.split(separator: "\n").count, 50)

        let base64 = try send("GET", "/ns/test/query?encoding=base64&hql=" + escaped("SELECT * FROM t LIMIT 1"))
        let cell = try XCTUnwrap(try cells(base64).first)
        XCTAssertEqual(cell["row_encoding"] as? String, "base64")
        XCTAssertEqual(cell["row"] as? String, Base64.encodeString(Array("row000000".utf8)))

        // Statements other than SELECT keep the buffered answer.
        let show = try object(try send("GET", "/ns/test/query?hql=" + escaped("SHOW TABLES")))
        XCTAssertEqual(show["results"] as? [String], ["t"])
        XCTAssertEqual(try send("GET", "/ns/test/query?hql=" + escaped("SELECT * FROM missing")).status, 404)
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
        XCTAssertTrue(eventually { harness.gateway.pool.statistics.inUse == 0 })
    }
}

/// Base64 by Foundation, a reference independent of the gateway's own coder.
enum Base64 {
    static func encodeString(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func decode(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map { Array($0) } }
}
