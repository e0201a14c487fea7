import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Schema behaviour that shows in SHOW CREATE TABLE, DESCRIBE TABLE and cell order.
final class SchemaFidelityTests: XCTestCase {
    func testTableDefaultsAreCopiedIntoGroupsAndFamilies() throws {
        let f = try Fixture()
        try f.hql("""
            CREATE TABLE t (a TTL 2 DAYS, b MAX_VERSIONS 2, c, ACCESS GROUP g (b) BLOCKSIZE 20000)
            IN_MEMORY BLOCKSIZE 10000 TTL 1 WEEK MAX_VERSIONS 3
            """)
        XCTAssertEqual(try f.hql("SHOW CREATE TABLE t").results, ["""
            CREATE TABLE t (
              b MAX_VERSIONS 2 TTL 604800,
              a MAX_VERSIONS 3 TTL 172800,
              c MAX_VERSIONS 3 TTL 604800,
              ACCESS GROUP g (b) BLOCKSIZE 20000 IN_MEMORY true,
              ACCESS GROUP default (a, c) BLOCKSIZE 10000 IN_MEMORY true
            ) BLOCKSIZE 10000 IN_MEMORY true MAX_VERSIONS 3 TTL 604800;

            """])
    }

    func testOneAlterGathersItsAddsGroupsFirst() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (x, ACCESS GROUP g1 (x))")
        try f.hql("ALTER TABLE t ADD (loose) ADD (p, q, ACCESS GROUP g2 (p, q))")
        try f.hql("INSERT INTO t VALUES ('r', 'loose', '1'), ('r', 'p', '2'), ('r', 'q', '3')")
        // Ids: x 1, p 2, q 3 (groups first), loose 4; cells sort by id within a row.
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\tp\t2", "r\tq\t3", "r\tloose\t1"])
        let create = try XCTUnwrap(try f.hql("SHOW CREATE TABLE t").results?.first)
        XCTAssertTrue(create.contains("  ACCESS GROUP g1 (x),\n  ACCESS GROUP g2 (p, q),\n  ACCESS GROUP default (loose)\n"), create)
    }

    func testRenameColumnFamilyErrorsAreBadCommands() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        assertClientError(.hqlBadCommand) { try f.hql("ALTER TABLE t RENAME COLUMN FAMILY (nope, c)") }
        assertClientError(.hqlBadCommand) { try f.hql("ALTER TABLE t RENAME COLUMN FAMILY (a, b)") }
        try f.hql("ALTER TABLE t RENAME COLUMN FAMILY (a, c)")
        try f.hql("INSERT INTO t VALUES ('r', 'c', 'v')")
        XCTAssertEqual(try f.lines("SELECT c FROM t"), ["r\tc\tv"])
    }

    func testTooManyColumnFamilies() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let names = (0..<254).map { "f\($0)" }.joined(separator: ", ")
        try f.hql("ALTER TABLE t ADD (\(names))")
        try f.hql("ALTER TABLE t DROP (f0)")
        assertClientError(.tooManyColumns) { try f.hql("ALTER TABLE t ADD (one_more)") }
    }
}
