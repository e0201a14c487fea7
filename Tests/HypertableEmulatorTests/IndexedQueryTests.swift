import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Secondary indices as Hypertable keeps and uses them: index tables `^t` (value) and `^^t`
/// (qualifier), family `v1`, rows `<family id>,<value>\t<qualifier>\t<row>` and
/// `<family id>,<qualifier>\t<row>` (escaped as LOAD DATA escapes), one key-only entry per
/// inserted cell; column predicates on indexed families answered with the selected columns
/// of every matching row (HQL reference, "Secondary Indices"; Hypertable's `indices_test`).
/// Expected lines are as the shell prints them (a tab inside a key prints as `\t`).
final class IndexedQueryTests: XCTestCase {
    /// The output of each command of the script, in order.
    private func outputs(_ script: String) -> [[String]] {
        HQLScriptRunner().run(script).filter { !$0.commands.isEmpty }.map(\.output)
    }

    func testIndexTablesHoldAKeyOnlyEntryPerInsertedCell() {
        let out = outputs("""
        CREATE NAMESPACE ix; USE ix;
        CREATE TABLE t (a, b, c, INDEX a, QUALIFIER INDEX b, INDEX c, QUALIFIER INDEX c);
        INSERT INTO t VALUES ("row1", "a", "cell1"), ("row2", "b:q", "cell2"), ("row3", "c:x", "v3"), ("row1", "a", "cell1");
        SELECT * FROM "^t";
        SELECT * FROM "^^t";
        SHOW CREATE TABLE "^t";
        GET LISTING;
        DROP TABLE "^t";
        """)
        // Both versions of row1's cell have an entry (same key, two timestamps).
        XCTAssertEqual(out[3], ["1,cell1\\t\\trow1\tv1\t", "1,cell1\\t\\trow1\tv1\t", "3,v3\\tx\\trow3\tv1\t"])
        XCTAssertEqual(out[4], ["2,q\\trow2\tv1\t", "3,x\\trow3\tv1\t"])
        XCTAssertEqual(out[5], ["CREATE TABLE '^t' (", "  v1,", "  ACCESS GROUP default (v1)", ");", ""])
        XCTAssertEqual(out[6], ["^^t", "^t", "t"])
        XCTAssertEqual(out[7], ["Hypertable CRITICAL - HYPERTABLE syntax error (Invalid table name character '^')"])
    }

    func testEntriesAreEscapedAndFollowTheTableThroughRenameAlterAndDrop() throws {
        let f = try Fixture()
        try f.session.tableCreate(f.ns, "t", schema: Schema(columnFamilies: [
            "a": ColumnFamilySpec(name: "a", valueIndex: true, qualifierIndex: true),
            "b": ColumnFamilySpec(name: "b"),
        ]))
        try f.session.setCell(f.ns, "t", cell: cell("r\t1", "a", "q\\x", "v\n", timestamp: 5))
        let value = try f.session.getCells(f.ns, "^t", scanSpec: ScanSpec())
        XCTAssertEqual(value.map { String(decoding: $0.key.row, as: UTF8.self) }, ["1,v\\n\tq\\\\x\tr\\t1"])
        XCTAssertEqual(value.map(\.key.timestamp), [5])
        XCTAssertEqual(value.map(\.key.columnFamily), ["v1"])
        XCTAssertEqual(try f.session.getCells(f.ns, "^^t", scanSpec: ScanSpec()).map { String(decoding: $0.key.row, as: UTF8.self) },
                       ["1,q\\\\x\tr\\t1"])
        // A deleted cell's entry stays with its delete marker (a compaction would purge both).
        try f.session.setCell(f.ns, "t", cell: cell("r\t1", "", "", "", flag: .deleteRow))
        XCTAssertEqual(try f.session.getCells(f.ns, "^t", scanSpec: ScanSpec()).count, 1)

        try f.session.tableRename(f.ns, "t", to: "r")
        XCTAssertEqual(try f.session.getTables(f.ns), ["^^r", "^r", "r"])
        try f.hql("ALTER TABLE r ADD (INDEX b)")
        try f.hql("ALTER TABLE r DROP (a)")
        XCTAssertEqual(try f.session.getTables(f.ns), ["^r", "r"], "the qualifier index went with its last family")
        try f.session.tableDrop(f.ns, "r", ifExists: false)
        XCTAssertEqual(try f.session.getTables(f.ns), [])
    }

    /// An indexed family: the whole row (its selected columns, every version) of each row the
    /// index finds.
    func testValuePredicatesOnAnIndexedFamilyReturnTheSelectedColumnsOfMatchingRows() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE u (name, INDEX name, age, address)")
        try f.hql("""
        INSERT INTO u VALUES ("1", "name", "Doug"), ("1", "age", "45"), ("1", "address", "Canyon Rd."),
          ("2", "name", "Bob"), ("2", "age", "57"), ("3", "name", "Doug"), ("3", "age", "12"),
          ("4", "name", "Dana"), ("4", "name", "Eve")
        """)
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE name = 'Doug'"), ["1\tage\t45", "3\tage\t12"])
        XCTAssertEqual(try f.lines("SELECT * FROM u WHERE name =^ 'Do'"),
                       ["1\tname\tDoug", "1\tage\t45", "1\taddress\tCanyon Rd.", "3\tname\tDoug", "3\tage\t12"])
        // Row 4 was Dana, then Eve: both versions are in view (no MAX_VERSIONS), so Dana's entry
        // finds the row, with both.
        XCTAssertEqual(try f.lines("SELECT name FROM u WHERE name = 'Dana'"), ["4\tname\tEve", "4\tname\tDana"])
        XCTAssertEqual(try f.lines("SELECT name FROM u WHERE name = 'Dana' MAX_VERSIONS 1"), ["4\tname\tEve"])
        XCTAssertEqual(try f.lines("SELECT name FROM u WHERE name =~ /^Do.g/"), ["1\tname\tDoug", "3\tname\tDoug"])
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE ROW > '1' AND name = 'Doug'"), ["3\tage\t12"])
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE name = 'Doug' OR name = 'Bob'"),
                       ["1\tage\t45", "2\tage\t57", "3\tage\t12"])
        // A deleted row is gone, whatever its index entry says.
        try f.hql("DELETE * FROM u WHERE ROW = '3'")
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE name = 'Doug'"), ["1\tage\t45"])
        // A regex without a literal prefix cannot use the index: cells are filtered, and only
        // the predicate's family may be selected.
        XCTAssertEqual(try f.lines("SELECT name FROM u WHERE name =~ /oug/"), ["1\tname\tDoug"])
        assertClientError(.hqlParseError) { _ = try f.lines("SELECT age FROM u WHERE name =~ /oug/") }
        // A family without an index filters cells, as a range server does.
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE age = '45'"), ["1\tage\t45"])
        assertClientError(.hqlParseError) { _ = try f.lines("SELECT name FROM u WHERE age = '45'") }
    }

    /// A qualifier index answers qualifier-only predicates (`EXISTS(a:q)`, `a:* ...` is a
    /// value predicate and needs a value index).
    func testQualifierIndexAnswersExistsAndQualifierOnlyPredicates() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE p (title, info, QUALIFIER INDEX info)")
        try f.hql("""
        INSERT INTO p VALUES ("b1", "title", "Shining"), ("b1", "info:author", "King"), ("m1", "title", "Pieces"),
          ("m1", "info:actor", "Nicholson"), ("m1", "info:studio", "Columbia")
        """)
        XCTAssertEqual(try f.lines("SELECT title FROM p WHERE EXISTS(info:studio)"), ["m1\ttitle\tPieces"])
        XCTAssertEqual(try f.lines("SELECT title FROM p WHERE EXISTS(info:/^a/)"), ["b1\ttitle\tShining", "m1\ttitle\tPieces"])
        XCTAssertEqual(try f.lines("SELECT title FROM p WHERE EXISTS(info:*)"), ["b1\ttitle\tShining", "m1\ttitle\tPieces"])
        // `info:* = v` matches values: no value index here, so cells are filtered.
        XCTAssertEqual(try f.lines("SELECT info FROM p WHERE info:* = 'King'"), ["b1\tinfo:author\tKing"])
        assertClientError(.hqlParseError) { _ = try f.lines("SELECT title FROM p WHERE info:* = 'King'") }
    }

    /// With AND every predicate must match some cell of the row.
    func testAndedPredicatesNeedEveryOneToMatch() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE u (name, INDEX name, age, INDEX age, city)")
        try f.hql("""
        INSERT INTO u VALUES ("1", "name", "Doug"), ("1", "age", "45"), ("1", "city", "X"),
          ("3", "name", "Doug"), ("3", "age", "12")
        """)
        XCTAssertEqual(try f.lines("SELECT city FROM u WHERE name = 'Doug' AND age = '45'"), ["1\tcity\tX"])
        XCTAssertEqual(try f.lines("SELECT age FROM u WHERE name = 'Doug' AND age = '99'"), [])
    }

    /// Limits and offsets count over the rows the index found, as
    /// `IndexScannerCallback::track_predicates` counts them.
    func testLimitsAndOffsetsCountAcrossTheMatchingRows() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, INDEX a)")
        for i in 0..<5 {
            try f.hql("INSERT INTO t VALUES ('2011-11-10 08:09:29', 'r\(i)', 'a', 'c\(i)')")
            try f.hql("INSERT INTO t VALUES ('2011-11-11 08:09:29', 'r\(i)', 'a', 'c\(i)x')")
        }
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a =^ 'c' LIMIT 2"),
                       ["r0\ta\tc0x", "r0\ta\tc0", "r1\ta\tc1x", "r1\ta\tc1"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a =^ 'c' OFFSET 3 LIMIT 3"),
                       ["r3\ta\tc3x", "r3\ta\tc3", "r4\ta\tc4x", "r4\ta\tc4"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a =^ 'c' CELL_OFFSET 5 CELL_LIMIT 2"),
                       ["r2\ta\tc2", "r3\ta\tc3x"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a =^ 'c' CELL_LIMIT_PER_FAMILY 1"),
                       ["r0\ta\tc0x", "r1\ta\tc1x", "r2\ta\tc2x", "r3\ta\tc3x", "r4\ta\tc4x"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'c1' KEYS_ONLY"), ["r1\ta\t", "r1\ta\t"])
    }
}

extension IndexedQueryTests {
    /// `ALTER TABLE ... DROP [VALUE|QUALIFIER] INDEX (...)` keeps the families and drops an
    /// index table with its last index; `REBUILD INDICES` makes the index tables again from
    /// the cells already stored (what an index added by ALTER TABLE needs); MODIFY may not
    /// change a family's TIME_ORDER or COUNTER (Hypertable's words, typo included).
    func testDropIndexRebuildIndicesAndModifyRefusals() {
        let out = outputs("""
        CREATE NAMESPACE dr; USE dr;
        CREATE TABLE t (a, b, INDEX a, QUALIFIER INDEX a, QUALIFIER INDEX b);
        INSERT INTO t VALUES ("r1", "a:x", "va"), ("r2", "b:y", "vb");
        ALTER TABLE t DROP INDEX (a);
        GET LISTING;
        ALTER TABLE t DROP QUALIFIER INDEX (a, b);
        GET LISTING;
        ALTER TABLE t DROP VALUE INDEX (zz);
        ALTER TABLE t ADD (INDEX b);
        SELECT * FROM "^t";
        REBUILD INDICES t;
        SELECT * FROM "^t";
        SELECT a FROM t WHERE b = "vb";
        SELECT b FROM t WHERE b = "vb";
        ALTER TABLE t MODIFY (a COUNTER);
        ALTER TABLE t MODIFY (a TIME_ORDER DESC);
        REBUILD QUALIFIER INDICES t;
        SHOW CREATE TABLE t;
        """)
        XCTAssertEqual(out[4], ["^^t", "t"])
        XCTAssertEqual(out[6], ["t"])
        XCTAssertEqual(out[7], ["Hypertable CRITICAL - HQL bad command (Attempt to drop index from column 'zz' which does not exist)"])
        XCTAssertEqual(out[9], [], "an index added by ALTER TABLE starts empty")
        XCTAssertEqual(out[11], ["2,vb\\ty\\tr2\tv1\t"])
        XCTAssertEqual(out[12], [], "row r2 has no cell of a")
        XCTAssertEqual(out[13], ["r2\tb:y\tvb"])
        XCTAssertEqual(out[14], ["Hypertable CRITICAL - HQL bad command (Modificaton of COUNTER option for column 'a' is not allowed.)"])
        XCTAssertEqual(out[15], ["Hypertable CRITICAL - HQL bad command (Modificaton of TIME ORDER option for column 'a' is not allowed.)"])
        XCTAssertEqual(out[16], [])
        XCTAssertEqual(out[17], ["CREATE TABLE t (", "  a,", "  b, INDEX b,", "  ACCESS GROUP default (a, b)", ");", ""])
    }
}

/// The broker answers a statement its grammar cannot match with HQL_PARSE_ERROR and
/// Hypertable's `parse error at: ...` text.
final class ParseErrorAnswerTests: XCTestCase {
    func testHQLQueryRefusesAnUnparsableStatementInHypertablesWords() throws {
        let f = try Fixture()
        do {
            _ = try f.hql("CREATE TABLE t (a, INDEX (a))")
            XCTFail("parsed")
        } catch let e as ClientException {
            XCTAssertEqual(e.code, HypertableErrorCode.hqlParseError.rawValue)
            XCTAssertEqual(e.message, "parse error at: CREATE TABLE t (a, INDEX (a)) (CREATE TABLE t (a, INDEX (a)))")
        }
    }
}
