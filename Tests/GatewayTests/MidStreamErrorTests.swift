import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import XCTest

/// A broker that fails in the middle of a scan: the stream must end with an error record in
/// every format (never a silently truncated success), and the scanner must still be closed.
final class MidStreamErrorTests: XCTestCase {
    var broker: EmulatedBroker!
    var gateway: Gateway!

    override func setUpWithError() throws {
        broker = EmulatedBroker(nextCellsThreshold: 256)
        let broker = broker!
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.accessLog = false
        configuration.poolSize = 2
        let connector = BrokerConnector(brokers: [.init(host: "in-process", port: 1)], logger: .discarding) { _ in
            FailingScanService(inner: broker.makeSession(), failAfterBatches: 3)
        }
        gateway = try Gateway(configuration: configuration, connector: connector, logger: .discarding)
        try gateway.start()
        let session = broker.makeSession()
        defer { session.close() }
        try session.namespaceCreate("test")
        let ns = try session.namespaceOpen("test")
        try session.tableCreate(ns, "t", schema: Schema(columnFamilies: ["a": ColumnFamilySpec(name: "a")]))
        try session.setCells(ns, "t", cells: (0..<200).map {
            Cell(key: Key(row: Array("row\(1000 + $0)".utf8), columnFamily: "a"), value: Array(repeating: 0x41, count: 64))
        })
    }

    override func tearDown() {
        gateway?.shutdown()
    }

    func get(_ path: String, accept: String) throws -> HTTPTestResponse {
        let client = try HTTPTestClient(port: gateway.port)
        defer { client.close() }
        return try client.request("GET", path, headers: [("Accept", accept)])
    }

    func testNDJSONEndsWithAnErrorLine() throws {
        let response = try get("/ns/test/tables/t/cells", accept: "application/x-ndjson")
        XCTAssertEqual(response.status, 200)
        let lines = response.body.split(separator: 0x0A)
        XCTAssertGreaterThan(lines.count, 1)
        let last = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines.last ?? [])) as? [String: Any])
        let error = try XCTUnwrap(last["error"] as? [String: Any])
        XCTAssertEqual(error["status"] as? Int, 504)
        XCTAssertEqual(error["hypertable_error"] as? String, "REQUEST_TIMEOUT")
        XCTAssertEqual(broker.openScannerCount, 0)
        XCTAssertEqual(gateway.pool.statistics.inUse, 0)
    }

    func testJSONObjectCarriesCellsAndError() throws {
        let response = try get("/ns/test/tables/t/cells", accept: "application/json")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                                   response.bodyText)
        XCTAssertGreaterThan((object["cells"] as? [Any])?.count ?? 0, 0)
        XCTAssertLessThan((object["cells"] as? [Any])?.count ?? 200, 200)
        XCTAssertEqual((object["error"] as? [String: Any])?["status"] as? Int, 504)
        XCTAssertEqual(broker.openScannerCount, 0)
    }

    func testTSVEndsWithAnErrorComment() throws {
        let response = try get("/ns/test/tables/t/cells", accept: "text/tab-separated-values")
        let last = try XCTUnwrap(response.bodyText.split(separator: "\n").last)
        XCTAssertTrue(last.hasPrefix("#error {"), String(last))
        XCTAssertEqual(broker.openScannerCount, 0)
    }

    func testSelectStreamEndsWithAnErrorLine() throws {
        let hql = "SELECT%20*%20FROM%20t"
        let response = try get("/ns/test/query?hql=\(hql)", accept: "application/x-ndjson")
        XCTAssertTrue(response.bodyText.hasSuffix("}}\n"))
        XCTAssertTrue(response.bodyText.split(separator: "\n").last?.hasPrefix("{\"error\":") == true)
        XCTAssertEqual(broker.openScannerCount, 0)
    }
}

/// An emulator session whose scanners fail with REQUEST_TIMEOUT after `failAfterBatches`
/// `next_cells` calls; every other call goes to the session.
final class FailingScanService: HypertableService, @unchecked Sendable {
    let inner: EmulatorSession
    let failAfterBatches: Int
    private var batches: [Int64: Int] = [:]

    init(inner: EmulatorSession, failAfterBatches: Int) {
        self.inner = inner
        self.failAfterBatches = failAfterBatches
    }

    func scannerNextCells(_ scanner: Int64) throws -> [Cell] {
        let served = batches[scanner, default: 0]
        if served >= failAfterBatches { throw ClientException(.requestTimeout, "injected mid-stream failure") }
        batches[scanner] = served + 1
        return try inner.scannerNextCells(scanner)
    }

    func namespaceCreate(_ name: String) throws { try inner.namespaceCreate(name) }
    func namespaceOpen(_ name: String) throws -> Int64 { try inner.namespaceOpen(name) }
    func namespaceClose(_ namespace: Int64) throws { try inner.namespaceClose(namespace) }
    func namespaceExists(_ name: String) throws -> Bool { try inner.namespaceExists(name) }
    func namespaceDrop(_ name: String, ifExists: Bool) throws { try inner.namespaceDrop(name, ifExists: ifExists) }
    func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] { try inner.namespaceGetListing(namespace) }
    func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try inner.tableCreate(namespace, table, schema: schema)
    }
    func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try inner.tableAlter(namespace, table, schema: schema)
    }
    func tableExists(_ namespace: Int64, _ table: String) throws -> Bool { try inner.tableExists(namespace, table) }
    func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws {
        try inner.tableDrop(namespace, table, ifExists: ifExists)
    }
    func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws {
        try inner.tableRename(namespace, table, to: newName)
    }
    func getTables(_ namespace: Int64) throws -> [String] { try inner.getTables(namespace) }
    func getSchemaString(_ namespace: Int64, _ table: String) throws -> String { try inner.getSchemaString(namespace, table) }
    func getSchema(_ namespace: Int64, _ table: String) throws -> Schema { try inner.getSchema(namespace, table) }
    func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        try inner.tableGetSplits(namespace, table)
    }
    func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult { try inner.hqlQuery(namespace, command) }
    func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        try inner.hqlExec(namespace, command, noFlush: noFlush, unbuffered: unbuffered)
    }
    func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] { try inner.getRow(namespace, table, row: row) }
    func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        try inner.getCell(namespace, table, row: row, column: column)
    }
    func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] {
        try inner.getCells(namespace, table, scanSpec: scanSpec)
    }
    func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
        try inner.scannerOpen(namespace, table, scanSpec: scanSpec)
    }
    func scannerNextRow(_ scanner: Int64) throws -> [Cell] { try inner.scannerNextRow(scanner) }
    func scannerClose(_ scanner: Int64) throws { try inner.scannerClose(scanner) }
    func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws { try inner.setCell(namespace, table, cell: cell) }
    func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws {
        try inner.setCells(namespace, table, cells: cells)
    }
    func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        try inner.mutatorOpen(namespace, table, flags: flags, flushInterval: flushInterval)
    }
    func mutatorSetCell(_ mutator: Int64, cell: Cell) throws { try inner.mutatorSetCell(mutator, cell: cell) }
    func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws { try inner.mutatorSetCells(mutator, cells: cells) }
    func mutatorFlush(_ mutator: Int64) throws { try inner.mutatorFlush(mutator) }
    func mutatorClose(_ mutator: Int64) throws { try inner.mutatorClose(mutator) }
    func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        try inner.createCellUnique(namespace, table, key: key, value: value)
    }
    func status() throws -> BrokerStatus { try inner.status() }
    func errorGetText(_ code: Int32) throws -> String { try inner.errorGetText(code) }
}
