#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// `POST .../cells` streams: bodies over the buffered limit (GATEWAY_MAX_BODY_BYTES, 8 MiB),
/// batches sent while the body arrives, `written` on a failure part-way, and the mutator closed
/// whatever happens.
final class CellUploadTests: RESTTestCase {
    private static let path = "/ns/test/tables/t/cells"

    /// `{"row": "r000042", ...}`: about 100 bytes a cell, rows in key order.
    private static func line(_ index: Int) -> String {
        let number = String(index)
        let row = "r" + String(repeating: "0", count: max(0, 6 - number.count)) + number
        return "{\"row\":\"\(row)\",\"column_family\":\"a\",\"column_qualifier\":\"q\",\"value\":\"value \(index) padding to one hundred bytes\"}"
    }

    private static func ndjson(_ range: Range<Int>, bad: Int? = nil) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(range.count * 110)
        for index in range {
            body.append(contentsOf: (index == bad ? "{\"row\": \"r\", \"colour\": 1}" : line(index)).utf8)
            body.append(0x0A)
        }
        return body
    }

    /// Cells stored in test/t, counted straight from the embedded broker.
    private func storedCellCount() throws -> Int {
        let session = harness.broker.makeSession()
        defer { session.close() }
        let id = try session.namespaceOpen("test")
        var spec = ScanSpec()
        spec.keysOnly = true
        return try session.getCells(id, "t", scanSpec: spec).count
    }

    private func sendChunked(_ client: HTTPTestClient, _ body: [UInt8], chunkSize: Int = 64 * 1024) throws {
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + chunkSize)
            try client.send(raw: Array("\(String(end - offset, radix: 16))\r\n".utf8) + body[offset..<end] + [0x0D, 0x0A])
            offset = end
        }
        try client.send(raw: "0\r\n\r\n")
    }

    func testLargeChunkedNDJSONUploadIsWrittenWhole() throws {
        try createTable()
        let count = 200_000
        let body = Self.ndjson(0..<count)
        XCTAssertGreaterThan(body.count, 8 * 1024 * 1024 * 2, "well over the buffered limit")
        try client.sendRequest("POST", Self.path, headers: [("Content-Type", "application/x-ndjson"),
                                                            ("Transfer-Encoding", "chunked")])
        try sendChunked(client, body)
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(try object(response)["written"] as? Int, count)
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
        XCTAssertEqual(try storedCellCount(), count)
        let last = try cells(try send("GET", "/ns/test/tables/t/rows/r199999"))
        XCTAssertEqual(last.first?["value"] as? String, "value 199999 padding to one hundred bytes")
    }

    func testLargeJSONArrayWithContentLengthIsStreamedToo() throws {
        try createTable()
        let count = 100_000
        var body = Array("[\n".utf8)
        for index in 0..<count {
            if index > 0 { body.append(contentsOf: ",\n".utf8) }
            // Brackets, commas and escaped quotes inside strings must not split an element.
            body.append(contentsOf: Self.line(index).replacingOccurrences(of: "padding", with: "[pad, \\\"ding\\\"}]").utf8)
        }
        body.append(contentsOf: "\n]\n".utf8)
        XCTAssertGreaterThan(body.count, 8 * 1024 * 1024)
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/json")], body: body)
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(try object(response)["written"] as? Int, count)
        XCTAssertEqual(try storedCellCount(), count)
        let row = try cells(try send("GET", "/ns/test/tables/t/rows/r054321"))
        XCTAssertEqual(row.first?["value"] as? String, "value 54321 [pad, \"ding\"}] to one hundred bytes")
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
    }

    func testBadLineAfterAFlushedBatchAnswers400WithWritten() throws {
        try createTable()
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")],
                                body: Self.ndjson(0..<10_000, bad: 6_000))
        XCTAssertEqual(response.status, 400, response.bodyText)
        let problem = try object(response)
        // The first batch (4096 cells) was sent before the bad line's batch was read.
        XCTAssertEqual(problem["written"] as? Int, 4096)
        XCTAssertTrue((problem["detail"] as? String)?.contains("line 6001") == true, "\(problem)")
        XCTAssertEqual(try storedCellCount(), 4096, "exactly the first `written` cells are stored")
        // The unread rest of the body (over the drain limit) ends the connection: never parsed as a request.
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 5))
        client = try harness.client()
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r004095")).count, 1)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r004096")).count, 0)
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
    }

    func testBadCellInTheFirstBatchWritesNothing() throws {
        try createTable()
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")],
                                body: Self.ndjson(0..<3_000, bad: 2_999))
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try object(response)["written"] as? Int, 0)
        XCTAssertEqual(try storedCellCount(), 0)

        for broken in ["[{\"row\":\"r\",\"column_family\":\"a\"}", "[{\"row\":\"r\",\"column_family\":\"a\"},]",
                       "[{\"row\":\"r\",\"column_family\":\"a\"}] trailing", "{\"row\":\"r\"}", "", "[}]"] {
            let response = try send("POST", Self.path, json: broken)
            XCTAssertEqual(response.status, 400, broken)
            XCTAssertEqual(try object(response)["written"] as? Int, 0, broken)
        }
        XCTAssertEqual(try storedCellCount(), 0)
    }

    func testOverlongLineIsRefusedWithItsNumber() throws {
        try createTable()
        var body = Self.ndjson(0..<3)
        body.append(contentsOf: "{\"row\":\"x\",\"value\":\"".utf8)
        body.append(contentsOf: [UInt8](repeating: UInt8(ascii: "v"), count: 8 * 1024 * 1024 + 10))
        body.append(contentsOf: "\"}\n".utf8)
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")], body: body)
        XCTAssertEqual(response.status, 400)
        XCTAssertTrue((try object(response)["detail"] as? String)?.contains("line 4") == true, response.bodyText)
        XCTAssertEqual(try storedCellCount(), 0)
    }

    func testClientDisconnectMidUploadClosesTheMutator() throws {
        try createTable()
        try client.sendRequest("POST", Self.path, headers: [("Content-Type", "application/x-ndjson"),
                                                            ("Transfer-Encoding", "chunked")])
        // Two batches' worth: the mutator is open and has been sent cells...
        try sendChunked(client, Self.ndjson(0..<10_000))
        XCTAssertTrue(eventually { self.harness.broker.openMutatorCount == 1 }, "the upload holds a mutator")
        // ...then the client goes away mid-body (no last chunk).
        client.close()
        XCTAssertTrue(eventually { self.harness.broker.openMutatorCount == 0 }, "the mutator is closed")
        // The gateway and its pool go on.
        client = try harness.client()
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")],
                                body: Self.ndjson(20_000..<20_010))
        XCTAssertEqual(try object(response)["written"] as? Int, 10)
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
    }

    func testExpectContinueAndRefusalBeforeTheBody() throws {
        try createTable()
        let body = Self.ndjson(0..<10)
        try client.sendRequest("POST", Self.path, headers: [("Content-Type", "application/x-ndjson"),
                                                            ("Expect", "100-continue"),
                                                            ("Content-Length", String(body.count))])
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: body)
        XCTAssertEqual(try object(try client.readResponse())["written"] as? Int, 10)

        // A refused media type is answered without inviting the body, and the connection closes.
        try client.sendRequest("POST", Self.path, headers: [("Content-Type", "text/csv"), ("Expect", "100-continue"),
                                                            ("Content-Length", "100000000")])
        XCTAssertEqual(try client.readResponse().status, 415)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testMissingTableOrNamespaceIsRefusedBeforeTheBodyIsInvited() throws {
        try createTable()
        for path in ["/ns/test/tables/nope/cells", "/ns/nope/tables/t/cells"] {
            try client.sendRequest("POST", path, headers: [("Content-Type", "application/x-ndjson"),
                                                           ("Expect", "100-continue"),
                                                           ("Content-Length", "100000000")])
            // The first thing back is the refusal, not 100 Continue.
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 404, "\(path): \(response.bodyText)")
            XCTAssertTrue(client.waitForClose(timeout: 5), "the unread body closes the connection")
            client = try harness.client()
        }
        XCTAssertEqual(harness.broker.openMutatorCount, 0)
    }

    func testAFamilyTheTableLacksIsRefusedBeforeItsBatchIsSent() throws {
        try createTable()
        var body = Self.ndjson(0..<5_000)
        body += Array("{\"row\":\"x\",\"column_family\":\"zz\",\"value\":\"v\"}\n".utf8)
        let response = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")], body: body)
        XCTAssertEqual(response.status, 404, response.bodyText)
        let problem = try object(response)
        XCTAssertEqual(problem["hypertable_error"] as? String, "COLUMN_FAMILY_NOT_FOUND")
        XCTAssertTrue((problem["detail"] as? String)?.contains("line 5001") == true, "\(problem)")
        XCTAssertEqual(problem["written"] as? Int, 4096)
        XCTAssertEqual(try storedCellCount(), 4096)
    }

    func testAByteOrderMarkIsSkippedInBothFormats() throws {
        try createTable()
        let ndjson = try send("POST", Self.path, headers: [("Content-Type", "application/x-ndjson")],
                              body: ByteOrderMarkBytes + Self.ndjson(0..<3))
        XCTAssertEqual(try object(ndjson)["written"] as? Int, 3, ndjson.bodyText)
        let array = try send("POST", Self.path, body: ByteOrderMarkBytes + Array("[\(Self.line(3))]".utf8))
        XCTAssertEqual(try object(array)["written"] as? Int, 1, array.bodyText)
        // Split over three chunks: each read brings one byte of the mark.
        try client.sendRequest("POST", Self.path, headers: [("Content-Type", "application/x-ndjson"),
                                                            ("Transfer-Encoding", "chunked")])
        for byte in ByteOrderMarkBytes { try client.send(raw: [0x31, 0x0D, 0x0A, byte, 0x0D, 0x0A]) }
        try sendChunked(client, Self.ndjson(4..<6))
        XCTAssertEqual(try object(try client.readResponse())["written"] as? Int, 2)
        XCTAssertEqual(try storedCellCount(), 6)
    }
}

/// EF BB BF, the UTF-8 byte-order mark.
let ByteOrderMarkBytes: [UInt8] = [0xEF, 0xBB, 0xBF]
