import Foundation
import GatewayTestKit
import XCTest

/// `GET .../rows/{row}` answers in one `get_row` (or `get_cells`) reply; a row whose reply
/// would exceed the frame limit is read through a scanner and streamed instead.
final class WideRowTests: XCTestCase {
    func testARowOverTheFrameLimitFallsBackToAScanner() throws {
        // Frames up to 600 KiB: a next_cells batch (about 512 KiB) fits, the 800 KB row does not.
        let stack = try GatewayTestStack { $0.maxFrameBytes = 600 * 1024 }
        try stack.hql("CREATE NAMESPACE \"/big\"")
        try stack.hql("CREATE TABLE t (cf, other)", namespace: "big")
        let value = String(repeating: "x", count: 1000)
        for batch in stride(from: 0, to: 800, by: 40) {
            let tuples = (batch..<batch + 40).map { "('wide', 'cf:q\($0)', '\(value)')" }.joined(separator: ", ")
            try stack.hql("INSERT INTO t VALUES \(tuples)", namespace: "big")
        }
        try stack.hql("INSERT INTO t VALUES ('wide', 'other', 'o'), ('small', 'cf', 'v')", namespace: "big")
        let client = try stack.client()

        let wide = try client.request("GET", "/ns/big/tables/t/rows/wide")
        XCTAssertEqual(wide.status, 200, wide.bodyText)
        XCTAssertEqual((json(wide)["cells"] as? [[String: Any]])?.count, 801)
        // The oversized reply broke one connection; it was discarded, not pooled.
        XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, 1)

        // Narrowed by ?columns / ?revisions the read is a get_cells: the same fallback.
        let narrowed = try client.request("GET", "/ns/big/tables/t/rows/wide?columns=cf&revisions=1",
                                          headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(narrowed.status, 200, narrowed.bodyText)
        XCTAssertEqual(narrowed.body.split(separator: 0x0A).count, 800)
        XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, 2)

        let small = try client.request("GET", "/ns/big/tables/t/rows/small")
        XCTAssertEqual((json(small)["cells"] as? [[String: Any]])?.first?["value"] as? String, "v")
        XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, 2, "a row that fits takes one reply")
        eventually(5) { stack.broker.openScannerCount == 0 }
        XCTAssertEqual(stack.broker.openScannerCount, 0)
    }
}
