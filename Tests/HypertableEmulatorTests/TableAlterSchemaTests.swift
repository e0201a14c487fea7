import HypertableClient
@testable import HypertableEmulator
import XCTest

/// `table_alter` from a whole schema, as the gateway's PATCH sends it: families keep their
/// cells across a rename by id, and existing access groups take new options.
final class TableAlterSchemaTests: XCTestCase {
    func testAFamilySentWithItsIDUnderANewNameIsRenamedAndKeepsItsCells() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.hql("INSERT INTO t VALUES ('r', 'a', '1'), ('r', 'b', '2')")
        var schema = try f.session.getSchema(f.ns, "t")
        var a = try XCTUnwrap(schema.columnFamilies.removeValue(forKey: "a"))
        let id = a.id
        a.name = "c"
        schema.columnFamilies["c"] = a
        try f.session.tableAlter(f.ns, "t", schema: schema)
        let altered = try f.session.getSchema(f.ns, "t")
        XCTAssertEqual(Set(altered.columnFamilies.keys), ["b", "c"])
        XCTAssertEqual(altered.columnFamilies["c"]?.id, id)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\tc\t1", "r\tb\t2"])
    }

    func testRenamingOntoALiveFamilyIsABadSchema() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        var schema = try f.session.getSchema(f.ns, "t")
        var a = try XCTUnwrap(schema.columnFamilies.removeValue(forKey: "a"))
        a.name = "b"
        schema.columnFamilies["b2"] = a
        assertClientError(.badSchema) { try f.session.tableAlter(f.ns, "t", schema: schema) }
        XCTAssertEqual(Set(try f.session.getSchema(f.ns, "t").columnFamilies.keys), ["a", "b"])
    }

    func testAnExistingAccessGroupTakesTheOptionsTheSchemaGives() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, ACCESS GROUP g (a))")
        var schema = try f.session.getSchema(f.ns, "t")
        schema.accessGroups["g"]?.options = AccessGroupOptions(blockSize: 4096, inMemory: true)
        try f.session.tableAlter(f.ns, "t", schema: schema)
        let group = try f.session.getSchema(f.ns, "t").accessGroups["g"]
        XCTAssertEqual(group?.options?.blockSize, 4096)
        XCTAssertEqual(group?.options?.inMemory, true)
    }

    func testCounterFamiliesSumIncrementsAndRestartAtAReset() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE c (n COUNTER)")
        try f.session.setCells(f.ns, "c", cells: [cell("r", "n", "q", "5"), cell("r", "n", "q", "7")])
        XCTAssertEqual(try f.lines("SELECT * FROM c"), ["r\tn:q\t12"])
        try f.session.setCells(f.ns, "c", cells: [cell("r", "n", "q", "-2")])
        XCTAssertEqual(try f.lines("SELECT * FROM c"), ["r\tn:q\t10"])
        try f.session.setCells(f.ns, "c", cells: [cell("r", "n", "q", "=100")])
        try f.session.setCells(f.ns, "c", cells: [cell("r", "n", "q", "1")])
        XCTAssertEqual(try f.lines("SELECT * FROM c"), ["r\tn:q\t101"])
    }
}
