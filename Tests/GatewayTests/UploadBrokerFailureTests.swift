import Foundation
import GatewayTestKit
import HypertableClient
import Sockets
import XCTest

/// A broker failure part-way through `POST .../cells` reports `written`: the cells the broker
/// confirmed (flushed) before it, always the body's first cells.
final class UploadBrokerFailureTests: XCTestCase {
    /// `count` NDJSON cells: 4096 per batch, a flush every eight batches (32,768 cells), so
    /// 100,000 cells are 25 batches with flushes after the 8th, 16th and 24th, then the close.
    private func body(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<count {
            bytes += Array("{\"row\":\"r\(index)\",\"column_family\":\"a\",\"value\":\"v\"}\n".utf8)
        }
        return bytes
    }

    private func upload(_ stack: FakeBrokerGateway, _ count: Int) throws -> (status: Int, problem: [String: Any]) {
        let response = try stack.client().request("POST", "/ns/test/tables/t/cells",
                                                  headers: [("Content-Type", "application/x-ndjson")],
                                                  body: body(count))
        let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        return (response.status, problem)
    }

    private func flushedCells(_ stack: FakeBrokerGateway) -> Int {
        var sent = 0
        var flushed = 0
        for call in stack.fake.recorded {
            switch call {
            case .mutatorSetCells(let cells): sent += cells.count
            case .mutatorFlush: flushed = sent
            default: break
            }
        }
        return flushed
    }

    func testTimeoutMidUploadAnswers504WithTheConfirmedCells() throws {
        let stack = try FakeBrokerGateway()
        stack.fake.failCall("mutatorFlush", after: 2, with: BrokerCallError.timedOut(context: "read"))
        let (status, problem) = try upload(stack, 100_000)
        XCTAssertEqual(status, 504, "\(problem)")
        XCTAssertEqual(problem["written"] as? Int, 65_536, "two flushes were confirmed before the third timed out")
        XCTAssertEqual(flushedCells(stack), 65_536)
    }

    func testBrokenConnectionMidUploadAnswers502WithTheConfirmedCells() throws {
        let stack = try FakeBrokerGateway()
        stack.fake.failCall("mutatorSetCells", after: 9, with: BrokerCallError.connectionFailed(context: "read", reason: "connection closed"))
        let (status, problem) = try upload(stack, 100_000)
        XCTAssertEqual(status, 502, "\(problem)")
        XCTAssertEqual(problem["written"] as? Int, 32_768, "the ninth batch was sent but never flushed")
        XCTAssertEqual(stack.gateway.pool.statistics.totalDiscarded, 1)
    }

    func testBrokerRefusalMidUploadReportsWrittenAndClosesTheMutator() throws {
        let stack = try FakeBrokerGateway()
        stack.fake.failCall("mutatorSetCells", after: 17, with: ClientException(.badKey, "bad key"))
        let (status, problem) = try upload(stack, 100_000)
        XCTAssertEqual(status, 400, "\(problem)")
        XCTAssertEqual(problem["written"] as? Int, 65_536)
        XCTAssertEqual(stack.fake.openMutatorCount, 0)
    }

    func testTimeoutOnTheFirstBatchReportsNothingWritten() throws {
        let stack = try FakeBrokerGateway()
        stack.fake.failCall("mutatorSetCells", after: 0, with: BrokerCallError.timedOut(context: "read"))
        let (status, problem) = try upload(stack, 10)
        XCTAssertEqual(status, 504, "\(problem)")
        XCTAssertEqual(problem["written"] as? Int, 0)
    }
}
