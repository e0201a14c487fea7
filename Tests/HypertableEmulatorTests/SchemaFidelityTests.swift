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

    /// Names of the families DESCRIBE TABLE lists, in its order (`!id` for dropped ones).
    private func describedFamilies(_ f: Fixture, _ table: String) throws -> [String] {
        let xml = try XCTUnwrap(try f.hql("DESCRIBE TABLE \(table)").results?.first)
        return xml.split(separator: "\n").compactMap { line in
            let t = line.drop { $0 == " " }
            guard t.hasPrefix("<Name>"), t.hasSuffix("</Name>") else { return nil }
            return String(t.dropFirst(6).dropLast(7))
        }
    }

    /// A modified access group is made anew from its member list, as Hypertable's
    /// `finish_alter_table_statement` makes it: members as listed, then families this ALTER
    /// adds to it, then its dropped families in their old order (Hypertable's
    /// hql-create-alter-table transcript: `!1, d, !2, !3` below).
    func testAModifiedAccessGroupListsItsMembersFirstThenItsDroppedFamilies() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE Foo (a)")
        try f.hql("ALTER TABLE Foo ADD (b)")
        try f.hql("ALTER TABLE Foo ADD (c, d)")
        try f.hql("ALTER TABLE Foo DROP (c) MODIFY (ACCESS GROUP default (a, b, d) BLOCKSIZE 130000)")
        XCTAssertEqual(try describedFamilies(f, "Foo"), ["a", "b", "d", "!3"])
        try f.hql("ALTER TABLE Foo MODIFY (ACCESS GROUP default (a, b, d) BLOCKSIZE 131000) DROP (b)")
        XCTAssertEqual(try describedFamilies(f, "Foo"), ["a", "!2", "d", "!3"])
        try f.hql("ALTER TABLE Foo MODIFY (ACCESS GROUP default (a, d) BLOCKSIZE 132000) DROP (a)")
        XCTAssertEqual(try describedFamilies(f, "Foo"), ["!1", "d", "!2", "!3"])

        try f.hql("CREATE TABLE t (a, b, c)")
        try f.hql("ALTER TABLE t DROP (b)")
        try f.hql("ALTER TABLE t MODIFY (ACCESS GROUP default (c, a)) ADD (e)")
        XCTAssertEqual(try describedFamilies(f, "t"), ["c", "a", "e", "!2"])
        XCTAssertEqual(try f.hql("SHOW CREATE TABLE t").results,
                       ["CREATE TABLE t (\n  c,\n  a,\n  e,\n  ACCESS GROUP default (c, a, e)\n);\n"])
        // Ids, and so the order of cells in a row, do not change.
        try f.hql("INSERT INTO t VALUES ('r', 'c', '3'), ('r', 'a', '1'), ('r', 'e', '5')")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta\t1", "r\tc\t3", "r\te\t5"])
    }

    private func refusal(_ f: Fixture, _ hql: String) -> (HypertableErrorCode?, String)? {
        do {
            try f.hql(hql)
            return nil
        } catch let e as ClientException {
            return (HypertableErrorCode(rawValue: e.code), e.message)
        } catch {
            return (nil, "\(error)")
        }
    }

    /// A modified access group is made anew from its member list (Hypertable's
    /// `access_group_add_column_family` and `finish_alter_table_statement`): every live family
    /// it had must be listed, a member is listed once and only from this group, and a name
    /// that is no family of the table is refused as a family in two groups; nothing changes.
    func testAModifiedAccessGroupListsEveryLiveMemberAndOnlyItsOwn() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b, c, ACCESS GROUP g (a, b), ACCESS GROUP h (c))")
        let schema = try f.hql("SHOW CREATE TABLE t").results
        let cases: [(String, HypertableErrorCode, String)] = [
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000)", .hqlBadCommand,
             "Missing column 'b' from modified access group 'g'"),
            ("ALTER TABLE t MODIFY (ACCESS GROUP g () BLOCKSIZE 1000)", .hqlBadCommand,
             "Missing column 'a' from modified access group 'g'"),
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a, b, a))", .hqlBadCommand,
             "Bad modify command - attempt to add column 'a' to access group 'g' twice"),
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a, b, c))", .hqlBadCommand,
             "Bad modify command - moving column 'c' from access group 'h' to 'g' is not supported"),
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a, b, x))", .badSchema,
             "Column 'x' assigned to two access groups (g & g)"),
            ("ALTER TABLE t ADD (x) MODIFY (ACCESS GROUP g (a, b, x))", .badSchema,
             "Column 'x' assigned to two access groups (g & g)"),
            ("ALTER TABLE t ADD (ACCESS GROUP k (x)) MODIFY (ACCESS GROUP g (a, b, x))", .hqlBadCommand,
             "Attempt to add column 'x' to access group 'g' when it already belongs to access group 'k'"),
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a, b, x)) ADD (ACCESS GROUP k (x))", .hqlBadCommand,
             "Attempt to add column 'x' to access group 'k' when it already belongs to access group 'g'"),
            // The member checks come before the group's options are read.
            ("ALTER TABLE t MODIFY (ACCESS GROUP g (a, b, c) IN_MEMORY)", .hqlBadCommand,
             "Bad modify command - moving column 'c' from access group 'h' to 'g' is not supported"),
        ]
        for (statement, code, message) in cases {
            let got = refusal(f, statement)
            XCTAssertEqual(got?.0, code, statement)
            XCTAssertEqual(got?.1, message, statement)
        }
        XCTAssertEqual(try f.hql("SHOW CREATE TABLE t").results, schema, "nothing changed")

        // A family left out because this command drops it, or dropped before, need not be listed.
        try f.hql("ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000) DROP (b)")
        try f.hql("ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 2000)")
        XCTAssertEqual(try f.hql("SHOW CREATE TABLE t").results,
                       ["CREATE TABLE t (\n  a,\n  c,\n  ACCESS GROUP g (a) BLOCKSIZE 2000,\n  ACCESS GROUP h (c)\n);\n"])
    }
}
