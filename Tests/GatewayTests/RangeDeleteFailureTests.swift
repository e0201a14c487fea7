import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import XCTest

/// A range delete whose scanner fails part-way: the answer is the broker's problem with how
/// many cells were deleted before, and that many are gone.
final class RangeDeleteFailureTests: XCTestCase {
    func testAFailurePartWaySaysHowManyWereDeleted() throws {
        let broker = EmulatedBroker(nextCellsThreshold: 256)
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.accessLog = false
        configuration.poolSize = 2
        let connector = BrokerConnector(brokers: [.init(host: "in-process", port: 1)], logger: .discarding) { _ in
            FailingScanService(inner: broker.makeSession(), failAfterBatches: 3)
        }
        let gateway = try Gateway(configuration: configuration, connector: connector, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let session = broker.makeSession()
        defer { session.close() }
        try session.namespaceCreate("test")
        let ns = try session.namespaceOpen("test")
        try session.tableCreate(ns, "t", schema: Schema(columnFamilies: ["a": ColumnFamilySpec(name: "a")]))
        try session.setCells(ns, "t", cells: (0..<200).map {
            Cell(key: Key(row: Array("row\(1000 + $0)".utf8), columnFamily: "a"), value: Array(repeating: 0x41, count: 64))
        })

        let response = try HTTPTestClient(port: gateway.port).request("DELETE", "/ns/test/tables/t/cells?row_prefix=row")
        XCTAssertEqual(response.status, 504, response.bodyText)
        let problem = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual(problem["hypertable_error"] as? String, "REQUEST_TIMEOUT")
        let deleted = try XCTUnwrap(problem["deleted"] as? Int, response.bodyText)
        XCTAssertGreaterThan(deleted, 0)
        XCTAssertLessThan(deleted, 200)
        var spec = ScanSpec()
        spec.keysOnly = true
        XCTAssertEqual(try session.getCells(ns, "t", scanSpec: spec).count, 200 - deleted)
        XCTAssertEqual(broker.openMutatorCount, 0)
        XCTAssertEqual(gateway.pool.statistics.inUse, 0)
    }
}
