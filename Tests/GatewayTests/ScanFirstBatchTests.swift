import Foundation
import GatewayTestKit
import HypertableClient
import Sockets
import XCTest

/// A streamed scan reads its first batch before it answers: a broker error there gets its own
/// status and a problem body; an error after the first byte still ends the stream with an
/// error record (the status is already sent).
final class ScanFirstBatchTests: XCTestCase {
    func testAnErrorInTheFirstBatchGetsItsOwnStatus() throws {
        let failures: [(error: any Error, status: Int)] = [
            (ClientException(.tableNotFound, "Table 't' does not exist"), 404),
            (ClientException(.badScanSpec, "bad scan spec"), 400),
            (BrokerCallError.connectionFailed(context: "read", reason: "connection closed"), 502),
            (BrokerCallError.timedOut(context: "read"), 504),
        ]
        let stack = try FakeBrokerGateway()
        for (error, status) in failures {
            for accept in ["application/json", "application/x-ndjson", "text/tab-separated-values"] {
                stack.fake.failCall("scannerNextCells", after: 0, with: error)
                let discardedBefore = stack.gateway.pool.statistics.totalDiscarded
                let response = try stack.client().request("GET", "/ns/test/tables/t/cells", headers: [("Accept", accept)])
                XCTAssertEqual(response.status, status, "\(error) \(accept): \(response.bodyText)")
                XCTAssertEqual(response.header("Content-Type"), "application/problem+json", "\(error) \(accept)")
                let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                XCTAssertEqual(problem?["status"] as? Int, status)
                if error is ClientException {
                    XCTAssertEqual(stack.fake.openScannerCount, 0, "the scanner is closed, the connection kept")
                    XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, discardedBefore)
                } else {
                    XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, discardedBefore + 1,
                                   "a connection whose transport failed is discarded")
                }
                XCTAssertEqual(stack.gateway.pool.statistics.inUse, 0)
            }
        }
    }

    func testAStreamedSelectGetsTheStatusOfAFirstBatchError() throws {
        let stack = try FakeBrokerGateway()
        let failures: [(error: any Error, status: Int)] = [
            (ClientException(.badScanSpec, "bad scan spec"), 400),
            (BrokerCallError.timedOut(context: "read"), 504),
        ]
        for (error, status) in failures {
            stack.fake.failCall("scannerNextCells", after: 0, with: error)
            // A range SELECT is streamed: hql_exec unbuffered, then next_cells.
            let response = try stack.client().request("POST", "/ns/test/query",
                                                      headers: [("Content-Type", "text/plain")],
                                                      body: "SELECT * FROM t WHERE ROW > 'a'")
            XCTAssertEqual(response.status, status, response.bodyText)
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        }
        XCTAssertEqual(stack.fake.recorded, [.hqlExec("SELECT * FROM t WHERE ROW > 'a'"),
                                             .hqlExec("SELECT * FROM t WHERE ROW > 'a'")])
    }

    func testAnErrorAfterTheFirstByteEndsTheStreamWithAnErrorRecord() throws {
        let stack = try FakeBrokerGateway()
        stack.fake.setScanCells([Cell(key: Key(row: Array("r".utf8), columnFamily: "a", timestamp: 1), value: [0x76])])
        stack.fake.failCall("scannerNextCells", after: 1, with: BrokerCallError.timedOut(context: "read"))
        let response = try stack.client().request("GET", "/ns/test/tables/t/cells")
        XCTAssertEqual(response.status, 200)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual((body["cells"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual((body["error"] as? [String: Any])?["status"] as? Int, 504)

        stack.fake.failCall("scannerNextCells", after: 1, with: ClientException(.requestTimeout, "late"))
        let ndjson = try stack.client().request("GET", "/ns/test/tables/t/cells", headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(ndjson.status, 200)
        let lines = ndjson.body.split(separator: 0x0A)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(String(decoding: lines[1], as: UTF8.self).hasPrefix("{\"error\":"), ndjson.bodyText)
    }
}
