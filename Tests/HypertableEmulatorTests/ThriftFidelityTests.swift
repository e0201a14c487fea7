import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Behaviours of Hypertable's ThriftBroker that the interop check with Hypertable's own Python
/// client found the emulator lacking (Tests/Interop/python_thrift_api_check.py).
final class ThriftFidelityTests: XCTestCase {
    /// `convert_schema`: a family in an access group the Schema struct does not define is
    /// BAD_SCHEMA, and nothing is created.
    func testTableCreateRejectsAnUndefinedAccessGroup() throws {
        let f = try Fixture()
        var schema = Schema()
        schema.columnFamilies["x"] = ColumnFamilySpec(name: "x", accessGroup: "nope")
        assertClientError(.badSchema) { try f.session.tableCreate(f.ns, "bad", schema: schema) }
        XCTAssertFalse(try f.session.tableExists(f.ns, "bad"))
    }

    /// `convert_schema` adds a "default" access group when the struct has none, even if no
    /// family is in it; a family without a group lands there.
    func testTableCreateAlwaysHasADefaultAccessGroup() throws {
        let f = try Fixture()
        var schema = Schema()
        schema.accessGroups["ag1"] = AccessGroupSpec(name: "ag1")
        schema.columnFamilies["a"] = ColumnFamilySpec(name: "a", accessGroup: "ag1")
        schema.columnFamilies["b"] = ColumnFamilySpec(name: "b")
        try f.session.tableCreate(f.ns, "t", schema: schema)
        let got = try f.session.getSchema(f.ns, "t")
        XCTAssertEqual(Set(got.accessGroups.keys), ["ag1", "default"])
        XCTAssertEqual(got.columnFamilies["a"]?.accessGroup, "ag1")
        XCTAssertEqual(got.columnFamilies["b"]?.accessGroup, "default")
    }

    func testTableAlterRejectsAnUndefinedAccessGroup() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        var schema = try f.session.getSchema(f.ns, "t")
        schema.columnFamilies["c"] = ColumnFamilySpec(name: "c", accessGroup: "nope")
        assertClientError(.badSchema) { try f.session.tableAlter(f.ns, "t", schema: schema) }
        XCTAssertEqual(Set(try f.session.getSchema(f.ns, "t").columnFamilies.keys), ["a"])
    }

    /// `hql_exec(noflush = true)`: HqlCallback::on_finish returns the INSERT's mutator id for
    /// the client to flush and close.
    func testHQLExecNoFlushReturnsTheMutator() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let result = try f.session.hqlExec(f.ns, "INSERT INTO t VALUES ('r', 'a', 'v')", noFlush: true, unbuffered: false)
        let mutator = try XCTUnwrap(result.mutator)
        XCTAssertNil(result.cells)
        XCTAssertEqual(f.broker.openMutatorCount, 1)
        try f.session.mutatorFlush(mutator)
        try f.session.mutatorClose(mutator)
        XCTAssertEqual(f.broker.openMutatorCount, 0)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta\tv"])
        assertClientError(.thriftBrokerBadMutatorID) { try f.session.mutatorClose(mutator) }

        let deleted = try f.session.hqlExec(f.ns, "DELETE * FROM t WHERE ROW = 'r'", noFlush: true, unbuffered: false)
        try f.session.mutatorClose(try XCTUnwrap(deleted.mutator))
        XCTAssertEqual(try f.lines("SELECT * FROM t"), [])
    }

    func testHQLExecFlushedOrNonWritingStatementsHaveNoMutator() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        XCTAssertNil(try f.session.hqlExec(f.ns, "INSERT INTO t VALUES ('r', 'a', 'v')", noFlush: false, unbuffered: false).mutator)
        XCTAssertNil(try f.session.hqlExec(f.ns, "SELECT * FROM t", noFlush: true, unbuffered: false).mutator)
        XCTAssertNil(try f.session.hqlExec(f.ns, "SHOW TABLES", noFlush: true, unbuffered: false).mutator)
        XCTAssertEqual(f.broker.openMutatorCount, 0)
    }
}
