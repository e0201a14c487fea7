import Dispatch
import HypertableClient
@testable import HypertableEmulator
import XCTest

final class ServiceAPITests: XCTestCase {
    private func tableFixture() throws -> Fixture {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        return f
    }

    func testScannerBatchesLargeTableExactlyOnce() throws {
        let f = try tableFixture()
        let value = String(repeating: "x", count: 1024)
        let cells = (0..<3000).map { i in cell("row" + String(repeating: "0", count: 5 - String(i).count) + String(i), "a", "", value) }
        try f.session.setCells(f.ns, "t", cells: cells)
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var seen: [String] = []
        var batches = 0
        while true {
            let batch = try f.session.scannerNextCells(scanner)
            if batch.isEmpty { break }
            batches += 1
            let bytes = batch.reduce(0) { $0 + ($1.value?.count ?? 0) }
            XCTAssertLessThanOrEqual(bytes, 512 * 1024 + 2048, "a batch holds about 512 KiB")
            seen += batch.map { String(decoding: $0.key.row, as: UTF8.self) }
        }
        XCTAssertGreaterThan(batches, 4)
        XCTAssertEqual(seen, cells.map { String(decoding: $0.key.row, as: UTF8.self) })
        XCTAssertEqual(try f.session.scannerNextCells(scanner), [])
        try f.session.scannerClose(scanner)
    }

    func testScannerNextRowAndResumeAfterConcurrentInsert() throws {
        let f = try tableFixture()
        try f.session.setCells(f.ns, "t", cells: [cell("r1", "a", "", "1"), cell("r1", "b", "", "2"), cell("r3", "a", "", "3")])
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        XCTAssertEqual(try f.session.scannerNextRow(scanner).map(Fixture.line), ["r1\ta\t1", "r1\tb\t2"])
        // A row inserted ahead of the cursor is seen; one behind it is not.
        try f.session.setCells(f.ns, "t", cells: [cell("r2", "a", "", "new"), cell("r0", "a", "", "behind")])
        XCTAssertEqual(try f.session.scannerNextRow(scanner).map(Fixture.line), ["r2\ta\tnew"])
        XCTAssertEqual(try f.session.scannerNextRow(scanner).map(Fixture.line), ["r3\ta\t3"])
        XCTAssertEqual(try f.session.scannerNextRow(scanner), [])
    }

    func testBadIDs() throws {
        let f = try tableFixture()
        assertClientError(.thriftBrokerBadNamespaceID) { _ = try f.session.getTables(12345) }
        assertClientError(.thriftBrokerBadNamespaceID) { try f.session.namespaceClose(12345) }
        assertClientError(.thriftBrokerBadScannerID) { _ = try f.session.scannerNextCells(42) }
        assertClientError(.thriftBrokerBadScannerID) { try f.session.scannerClose(42) }
        assertClientError(.thriftBrokerBadMutatorID) { try f.session.mutatorSetCell(7, cell: cell("r", "a", "", "v")) }
        assertClientError(.thriftBrokerBadMutatorID) { try f.session.mutatorClose(7) }
        // Ids are per session.
        let other = f.broker.makeSession()
        assertClientError(.thriftBrokerBadNamespaceID) { _ = try other.getTables(f.ns) }
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        assertClientError(.thriftBrokerBadScannerID) { _ = try other.scannerNextCells(scanner) }
        other.close()
        XCTAssertNotEqual(f.ns, 0)
        try f.session.namespaceClose(f.ns)
        assertClientError(.thriftBrokerBadNamespaceID) { _ = try f.session.getTables(f.ns) }
    }

    func testReadsAndWritesThroughTheAPI() throws {
        let f = try tableFixture()
        try f.session.setCell(f.ns, "t", cell: cell("r", "a", "q", "v1", timestamp: 10))
        try f.session.setCell(f.ns, "t", cell: cell("r", "a", "q", "v2", timestamp: 20))
        XCTAssertEqual(try f.session.getCell(f.ns, "t", row: Array("r".utf8), column: "a:q"), Array("v2".utf8))
        // get_row scans with max_versions = 1 (ThriftBroker), whatever the family keeps.
        try f.session.setCell(f.ns, "t", cell: cell("r", "a", "p", "w1", timestamp: 10))
        XCTAssertEqual(try f.session.getRow(f.ns, "t", row: Array("r".utf8)).map(Fixture.line), ["r\ta:p\tw1", "r\ta:q\tv2"])
        XCTAssertEqual(try f.session.getCells(f.ns, "t", scanSpec: ScanSpec()).count, 3)
        var spec = ScanSpec()
        spec.versions = 1
        spec.columns = ["a:q"]
        XCTAssertEqual(try f.session.getCells(f.ns, "t", scanSpec: spec).map(Fixture.line), ["r\ta:q\tv2"])
        spec.startTime = 5
        spec.endTime = 15
        spec.versions = 0
        XCTAssertEqual(try f.session.getCells(f.ns, "t", scanSpec: spec).map(Fixture.line), ["r\ta:q\tv1"])
        // Binary rows sort by bytes.
        try f.session.setCells(f.ns, "t", cells: [Cell(key: Key(row: [0xFF, 0x01], columnFamily: "b"), value: [0x00]),
                                                  Cell(key: Key(row: [0x7F], columnFamily: "b"), value: [0x01])])
        var rows = ScanSpec()
        rows.columns = ["b"]
        XCTAssertEqual(try f.session.getCells(f.ns, "t", scanSpec: rows).map(\.key.row), [[0x7F], [0xFF, 0x01]])
        rows.rowIntervals = [RowInterval(startRow: Array("z".utf8), endRow: Array("a".utf8))]
        assertClientError(.badScanSpec) { _ = try f.session.getCells(f.ns, "t", scanSpec: rows) }
        assertClientError(.badKey) { try f.session.setCell(f.ns, "t", cell: cell("r", "nope", "", "v")) }
        assertClientError(.badKey) { try f.session.setCell(f.ns, "t", cell: cell("", "a", "", "v")) }
        assertClientError(.tableNotFound) { try f.session.setCell(f.ns, "missing", cell: cell("r", "a", "", "v")) }
        var bad = ScanSpec()
        bad.columns = ["nope"]
        assertClientError(.rangeserverInvalidColumnfamily) { _ = try f.session.getCells(f.ns, "t", scanSpec: bad) }
        XCTAssertEqual(try f.session.status().code, 0)
        XCTAssertEqual(try f.session.errorGetText(22), HypertableErrorCode.tableNotFound.text)
    }

    func testMutatorDeleteFlags() throws {
        let f = try tableFixture()
        let m = try f.session.mutatorOpen(f.ns, "t", flags: 0, flushInterval: 0)
        XCTAssertEqual(f.broker.openMutatorCount, 1)
        try f.session.mutatorSetCells(m, cells: [cell("r1", "a", "x", "1"), cell("r1", "b", "", "2"), cell("r2", "a", "", "3")])
        try f.session.mutatorSetCell(m, cell: cell("r1", "a", "x", "", flag: .deleteCell))
        try f.session.mutatorFlush(m)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r1\tb\t2", "r2\ta\t3"])
        try f.session.mutatorSetCell(m, cell: Cell(key: Key(row: Array("r2".utf8), flag: .deleteRow)))
        try f.session.mutatorSetCell(m, cell: cell("r1", "b", "", "", flag: .deleteColumnFamily))
        XCTAssertEqual(try f.lines("SELECT * FROM t"), [])
        try f.session.mutatorClose(m)
        XCTAssertEqual(f.broker.openMutatorCount, 0)
        assertClientError(.tableNotFound) { _ = try f.session.mutatorOpen(f.ns, "missing", flags: 0, flushInterval: 0) }
    }

    func testConcurrentWritersThroughMutators() throws {
        let f = try tableFixture()
        let broker = f.broker
        let errors = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let session = broker.makeSession()
            defer { session.close() }
            do {
                let ns = try session.namespaceOpen("/test")
                let m = try session.mutatorOpen(ns, "t", flags: 0, flushInterval: 0)
                for i in 0..<500 {
                    try session.mutatorSetCell(m, cell: cell("w\(worker)-\(i)", "a", "", "\(i)"))
                }
                try session.mutatorClose(m)
            } catch {
                errors.add()
            }
        }
        XCTAssertEqual(errors.value, 0)
        let all = try XCTUnwrap(try f.hql("SELECT * FROM t").cells)
        XCTAssertEqual(all.count, 4000)
        XCTAssertEqual(Set(all.map { String(decoding: $0.key.row, as: UTF8.self) }).count, 4000)
        let stamps = all.compactMap(\.key.timestamp)
        XCTAssertEqual(Set(stamps).count, 4000, "broker-wide timestamps never repeat")
        XCTAssertEqual(broker.openMutatorCount, 0)
        XCTAssertEqual(broker.openSessionCount, 1)
    }

    func testSessionCloseFreesScannersAndMutators() throws {
        let f = try tableFixture()
        let session = f.broker.makeSession()
        let ns = try session.namespaceOpen("test")
        for _ in 0..<3 { _ = try session.scannerOpen(ns, "t", scanSpec: ScanSpec()) }
        _ = try session.mutatorOpen(ns, "t", flags: 0, flushInterval: 0)
        _ = try session.hqlExec(ns, "SELECT * FROM t", noFlush: false, unbuffered: true)
        XCTAssertEqual(f.broker.openScannerCount, 4)
        XCTAssertEqual(f.broker.openMutatorCount, 1)
        XCTAssertEqual(session.openScannerCount, 4)
        session.close()
        XCTAssertEqual(f.broker.openScannerCount, 0)
        XCTAssertEqual(f.broker.openMutatorCount, 0)
        assertClientError(.thriftBrokerBadNamespaceID) { _ = try session.getTables(ns) }
        session.close()
        XCTAssertEqual(f.broker.openSessionCount, 1)
    }

    func testTableCreateAndAlterFromSchema() throws {
        let f = try Fixture()
        var schema = Schema()
        schema.accessGroups["default"] = AccessGroupSpec(name: "default")
        schema.columnFamilies["x"] = ColumnFamilySpec(name: "x", options: ColumnFamilyOptions(maxVersions: 1))
        schema.columnFamilies["y"] = ColumnFamilySpec(name: "y")
        try f.session.tableCreate(f.ns, "s", schema: schema)
        try f.session.setCells(f.ns, "s", cells: [cell("r", "x", "", "1"), cell("r", "x", "", "2"), cell("r", "y", "", "3")])
        XCTAssertEqual(try f.lines("SELECT * FROM s"), ["r\tx\t2", "r\ty\t3"])
        schema.columnFamilies["y"] = nil
        schema.columnFamilies["z"] = ColumnFamilySpec(name: "z")
        try f.session.tableAlter(f.ns, "s", schema: schema)
        let altered = try f.session.getSchema(f.ns, "s")
        XCTAssertEqual(Set(altered.columnFamilies.keys), ["x", "z"])
        XCTAssertEqual(altered.columnFamilies["z"]?.id, 3)
        XCTAssertEqual(try f.lines("SELECT * FROM s"), ["r\tx\t2"])
        assertClientError(.nameAlreadyInUse) { try f.session.tableCreate(f.ns, "s", schema: schema) }
        XCTAssertTrue(try f.session.tableExists(f.ns, "s"))
        try f.session.tableRename(f.ns, "s", to: "s2")
        try f.session.tableDrop(f.ns, "s2", ifExists: false)
        XCTAssertFalse(try f.session.tableExists(f.ns, "s2"))
    }
}

/// A counter shared by test worker threads.
final class LockedCounter: @unchecked Sendable {
    private var count = 0
    private let queue = DispatchQueue(label: "LockedCounter")
    func add() { queue.sync { count += 1 } }
    var value: Int { queue.sync { count } }
}
