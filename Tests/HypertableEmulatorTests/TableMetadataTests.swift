import HypertableClient
@testable import HypertableEmulator
import XCTest

/// table_get_id, table_get_splits and table_get_schema_str_with_ids.
final class TableMetadataTests: XCTestCase {
    func testTableIDsAreNumberedPerNamespaceAsNameIdMapperDoes() throws {
        let f = try Fixture()
        // /sys is 0 and /tmp 1 in a fresh Hypertable, so /test (the first made) is 2.
        try f.hql("CREATE TABLE t1 (a)")
        try f.hql("CREATE NAMESPACE sub")
        try f.hql("CREATE TABLE t2 (a)")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t1"), "2/0")
        XCTAssertEqual(try f.session.tableGetID(f.ns, "t2"), "2/2", "namespaces and tables share the counter")
        try f.hql("CREATE TABLE 'sub/deep' (a)")
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
}
