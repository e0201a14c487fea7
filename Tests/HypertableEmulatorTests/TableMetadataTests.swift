import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Table ids, splits, schema with ids, serialized scanner batches, TIME_ORDER DESC and
/// create_cell_unique (EmulatorSessionExtendedService.swift and what it uses).
final class TableMetadataTests: XCTestCase {
    func testTableIDsAreNumberedPerNamespaceAsNameIdMapperDoes() throws {
        let f = try Fixture()
        // /sys is 0 and /tmp 1 in a fresh Hypertable, so /test (the first made) is 2.
        try f.hql("CREATE TABLE t1 (a)")
        try f.hql("CREATE NAMESPACE sub")
        try f.hql("CREATE TABLE t2 (a)")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t1"), "2/0")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t2"), "2/2", "namespaces and tables share the counter")
        try f.hql("CREATE TABLE sub/deep (a)")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "sub/deep"), "2/1/0")
        try f.session.tableRename(f.ns, "t1", to: "t1b")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t1b"), "2/0")
        try f.session.tableDrop(f.ns, "t1b", ifExists: false)
        try f.hql("CREATE TABLE t1 (a)")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t1"), "2/3")
        assertClientError(.tableNotFound) { _ = try f.session.tableGetID(f.ns, "t1b") }
    }

    func testOneSplitCoversTheTable() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let splits = try f.session.tableGetSplits(f.ns, "t")
        XCTAssertEqual(splits, [TableSplit(startRow: [], endRow: nil, location: "rs1", ipAddress: "127.0.0.1",
                                           hostname: EmulatorSession.hostname())])
        XCTAssertFalse(EmulatorSession.hostname().isEmpty)
        assertClientError(.tableNotFound) { _ = try f.session.tableGetSplits(f.ns, "nope") }
    }

    func testSchemaWithIDs() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        let xml = try f.session.getSchemaStringWithIDs(f.ns, "t")
        XCTAssertTrue(xml.contains("<ColumnFamily id=\"2\">"), xml)
        XCTAssertEqual(xml, try f.hql("DESCRIBE TABLE WITH IDS t").results?.first)
    }

    func testSerializedBatchesAreCutWhereTheWriterRunsOutOfRoom() throws {
        // 40 bytes of room: each cell below reserves 9 + 1 + 3 + 0 + 10 + 1 + 8 = 32 (+ row,
        // + version on an empty buffer), so one cell per buffer.
        let f = try Fixture(broker: EmulatedBroker(nextCellsThreshold: 40))
        try f.hql("CREATE TABLE t (a)")
        try f.session.setCells(f.ns, "t", cells: ["r1", "r1", "r2"].enumerated().map {
            cell($0.element, "a", "q\($0.offset)", "0123456789", timestamp: 1)
        })
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var ends: [UInt8] = []
        var qualifiers: [String] = []
        for _ in 0..<4 {
            let buffer = try f.session.scannerNextCellsSerialized(scanner)
            var reader = try SerializedCellsReader(buffer)
            qualifiers.append(try reader.readAll().map { String(decoding: $0.key.columnQualifier, as: UTF8.self) }.joined())
            ends.append(buffer.last ?? 0)
        }
        XCTAssertEqual(qualifiers, ["q0", "q1", "q2", ""])
        XCTAssertEqual(ends, [0x01, 0x01, 0x03, 0x03])

        let rows = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var perRow: [[String]] = []
        for _ in 0..<3 {
            var reader = try SerializedCellsReader(try f.session.scannerNextRowSerialized(rows))
            perRow.append(try reader.readAll().map { String(decoding: $0.key.columnQualifier, as: UTF8.self) })
        }
        XCTAssertEqual(perRow, [["q0", "q1"], ["q2"], []], "a row is never cut, whatever the threshold")
    }

    func testCreateCellUnique() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (u TIME_ORDER DESC MAX_VERSIONS 1, plain)")
        let guid = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "u"), value: "")
        XCTAssertEqual(guid.count, 36)
        XCTAssertEqual(try f.session.getCell(f.ns, "t", row: Array("r".utf8), column: "u"), Array(guid.utf8))
        assertClientError(.alreadyExists) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "u"), value: "late")
        }
        XCTAssertEqual(try f.session.getCell(f.ns, "t", row: Array("r".utf8), column: "u"), Array(guid.utf8))
        XCTAssertEqual(try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("s".utf8), columnFamily: "u"), value: "mine"),
                       "mine")
        assertClientError(.badScanSpec) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "plain"), value: "x")
        }
        assertClientError(.failedExpectation) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "nope"), value: "x")
        }
    }

    func testGUIDsAreVersion4UUIDs() {
        let guids = Set((0..<100).map { _ in EmulatorSession.makeGUID() })
        XCTAssertEqual(guids.count, 100)
        for guid in guids {
            let parts = guid.split(separator: "-").map(\.count)
            XCTAssertEqual(parts, [8, 4, 4, 4, 12], guid)
            XCTAssertEqual(Array(guid)[14], "4", guid)
            XCTAssertTrue("89ab".contains(Array(guid)[19]), guid)
            XCTAssertEqual(guid, guid.lowercased())
        }
    }

    func testShutdownIsRefused() throws {
        let f = try Fixture()
        assertClientError(.notAllowed) { try f.session.shutdown() }
    }
}
