import HQL
import HypertableClient
@testable import HypertableEmulator
import XCTest

final class HQLExecutionTests: XCTestCase {
    func testNamespacesAndListing() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE foo('test')")
        try f.hql("CREATE NAMESPACE \"subtest\"")
        XCTAssertEqual(try f.hql("GET LISTING").results, ["foo", "subtest\t(namespace)"])
        XCTAssertEqual(try f.hql("SHOW TABLES").results, ["foo"])
        XCTAssertTrue(try f.session.namespaceExists("/test/subtest/"))
        XCTAssertTrue(try f.session.namespaceExists("test//subtest"))
        assertClientError(.namespaceDoesNotExist) { try f.hql("USE \"/test/subtest/subsubtest\"") }
        assertClientError(.namespaceExists) { try f.hql("CREATE NAMESPACE subtest") }
        try f.hql("CREATE NAMESPACE subtest IF NOT EXISTS")
        assertClientError(.hyperspaceDirNotEmpty) { try f.session.namespaceDrop("/test", ifExists: false) }
        try f.hql("DROP NAMESPACE subtest")
        try f.hql("DROP NAMESPACE IF EXISTS subtest")
        assertClientError(.namespaceDoesNotExist) { try f.hql("DROP NAMESPACE subtest") }
        let root = try f.session.namespaceOpen("/")
        let rootNames = try f.session.namespaceGetListing(root).map(\.name)
        XCTAssertEqual(rootNames, ["sys", "test", "tmp"])
        assertClientError(.namespaceDoesNotExist) { _ = try f.session.namespaceOpen("nope") }
    }

    func testTableLifecycle() throws {
        let f = try Fixture()
        XCTAssertEqual(try f.hql("EXISTS TABLE hypertable").results, ["false"])
        try f.hql("CREATE TABLE hypertable (apple, banana)")
        XCTAssertEqual(try f.hql("EXISTS TABLE hypertable").results, ["true"])
        assertClientError(.nameAlreadyInUse) { try f.hql("CREATE TABLE hypertable (x)") }
        try f.hql("RENAME TABLE hypertable TO renamed")
        XCTAssertEqual(try f.session.getTables(f.ns), ["renamed"])
        assertClientError(.tableNotFound) { try f.hql("DROP TABLE hypertable") }
        try f.hql("DROP TABLE IF EXISTS hypertable")
        try f.hql("DROP TABLE renamed")
        XCTAssertEqual(try f.session.getTables(f.ns), [])
        assertClientError(.tableNotFound) { try f.hql("SELECT * FROM renamed") }
        assertClientError(.hqlParseError) { try f.hql("SELEKT * FROM renamed") }
    }

    func testDescribeAndShowCreate() throws {
        let f = try Fixture()
        try f.hql("create table Pages (\"refer_url\", \"http_code\" MAX_VERSIONS 1, timestamp, rowkey, ACCESS GROUP default (\"refer_url\", \"http_code\"), ACCESS GROUP misc (timestamp, rowkey))")
        try f.hql("CREATE TABLE Pages_clone LIKE Pages")
        XCTAssertEqual(try f.hql("SHOW CREATE TABLE Pages_clone").results, ["""
            CREATE TABLE 'Pages_clone' (
              'refer_url',
              'http_code' MAX_VERSIONS 1,
              timestamp,
              rowkey,
              ACCESS GROUP default ('refer_url', 'http_code'),
              ACCESS GROUP misc (timestamp, rowkey)
            );

            """])
        let xml = try XCTUnwrap(try f.hql("DESCRIBE TABLE Pages").results?.first)
        XCTAssertTrue(xml.hasPrefix("<Schema>\n  <AccessGroupDefaults>\n  </AccessGroupDefaults>\n"))
        XCTAssertTrue(xml.contains("""
                <ColumnFamily>
                  <Name>http_code</Name>
                  <AccessGroup>default</AccessGroup>
                  <Deleted>false</Deleted>
                  <Options>
                    <MaxVersions>1</MaxVersions>
                  </Options>
                </ColumnFamily>
            """))
        XCTAssertEqual(xml, try f.session.getSchemaString(f.ns, "Pages"))
        let schema = try f.session.getSchema(f.ns, "Pages")
        XCTAssertEqual(schema.columnFamilies["rowkey"]?.id, 4)
        XCTAssertEqual(schema.columnFamilies["rowkey"]?.accessGroup, "misc")
        XCTAssertEqual(Set(schema.accessGroups.keys), ["default", "misc"])
    }

    func testInsertSelectOrderingAndTimestamps() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE hypertable (apple, banana)")
        try f.hql("insert into hypertable VALUES ('2007-12-02 08:00:00', 'foo', 'apple:0', 'nothing'), ('2007-12-02 08:00:01', 'foo', 'apple:1', 'nothing'), ('2007-12-02 08:00:02', 'foo', 'apple:2', 'nothing')")
        try f.hql("insert into hypertable VALUES ('2007-12-02 08:00:03', 'foo', 'banana:0', 'nothing'), ('2007-12-02 08:00:04', 'foo', 'banana:1', 'nothing'), ('2007-12-02 08:00:05', 'bar', 'banana:2', 'nothing')")
        let all = try XCTUnwrap(try f.hql("select * from hypertable").cells)
        XCTAssertEqual(all.map(Fixture.line), [
            "bar\tbanana:2\tnothing", "foo\tapple:0\tnothing", "foo\tapple:1\tnothing", "foo\tapple:2\tnothing",
            "foo\tbanana:0\tnothing", "foo\tbanana:1\tnothing",
        ])
        XCTAssertEqual(all[0].key.timestamp, HQLTimestamp.parse("2007-12-02 08:00:05"))
        try f.hql("delete \"apple:1\" from hypertable where row = 'foo' timestamp '2007-12-02 08:00:01'")
        try f.hql("delete banana from hypertable where row = 'foo'")
        XCTAssertEqual(try f.lines("select * from hypertable"),
                       ["bar\tbanana:2\tnothing", "foo\tapple:0\tnothing", "foo\tapple:2\tnothing"])
        // Family order is by id (apple before banana), not by insertion.
        try f.hql("INSERT INTO hypertable VALUES ('z', 'banana', 'b'), ('z', 'apple', 'a')")
        XCTAssertEqual(try f.lines("SELECT * FROM hypertable WHERE ROW = 'z'"), ["z\tapple\ta", "z\tbanana\tb"])
        // Auto timestamps strictly increase.
        for i in 0..<50 { try f.hql("INSERT INTO hypertable VALUES ('t', 'apple', '\(i)')") }
        let versions = try XCTUnwrap(try f.hql("SELECT apple FROM hypertable WHERE ROW = 't'").cells)
        XCTAssertEqual(versions.count, 50)
        XCTAssertEqual(versions.first?.value, Array("49".utf8), "newest first")
        let stamps = versions.compactMap(\.key.timestamp)
        XCTAssertEqual(stamps, stamps.sorted(by: >))
        XCTAssertEqual(Set(stamps).count, 50)
        assertClientError(.badKey) { try f.hql("INSERT INTO hypertable VALUES ('r', 'Orange', 'x')") }
        assertClientError(.rangeserverInvalidColumnfamily) { try f.hql("SELECT Orange FROM hypertable") }
    }

    func testSelectRowPredicatesAndLimits() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.hql("INSERT INTO t VALUES ('2008-06-28 01:00:00', 'k1', 'a', 'a11'),('2008-06-28 01:00:00', 'k1', 'b', 'b11')")
        try f.hql("INSERT INTO t VALUES ('2008-06-28 01:00:01', 'k2', 'a', 'a21'),('2008-06-28 01:00:01', 'k2', 'b', 'b21')")
        try f.hql("INSERT INTO t VALUES ('2008-06-28 01:00:02', 'k2', 'b', 'b22')")
        try f.hql("INSERT INTO t VALUES ('2008-06-28 01:00:03', 'k1', 'a', 'a22')")
        // The golden file's answers (hypertable_test.golden).
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE ROW = 'k1' AND TIMESTAMP < '2008-06-28 01:00:01'"),
                       ["k1\ta\ta11", "k1\tb\tb11"])
        XCTAssertEqual(try f.lines("SELECT * FROM t CELL_LIMIT_PER_FAMILY=1 LIMIT=1"), ["k1\ta\ta22", "k1\tb\tb11"])
        XCTAssertEqual(try f.lines("SELECT * FROM t CELL_LIMIT_PER_FAMILY=2 REVS=2"),
                       ["k1\ta\ta22", "k1\ta\ta11", "k1\tb\tb11", "k2\ta\ta21", "k2\tb\tb22", "k2\tb\tb21"])
        XCTAssertEqual(try f.lines("SELECT * FROM t LIMIT=1 REVS=2"), ["k1\ta\ta22", "k1\ta\ta11", "k1\tb\tb11"])
        XCTAssertEqual(try f.lines("SELECT * FROM t CELL_LIMIT 2"), ["k1\ta\ta22", "k1\ta\ta11"])
        XCTAssertEqual(try f.lines("SELECT * FROM t CELL_LIMIT 2 CELL_LIMIT_PER_FAMILY 1"), ["k1\ta\ta22", "k1\tb\tb11"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE ROW > 'k1' MAX_VERSIONS 1"), ["k2\ta\ta21"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE ROW >= 'k1' AND ROW < 'k2' REVS 1"), ["k1\ta\ta22"])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE ROW =^ 'k' REVS 1"), ["k1\tb\tb11", "k2\tb\tb22"])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE 'k1' < ROW <= 'k9' REVS 1"), ["k2\tb\tb22"])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE (ROW = 'k2' OR ROW = 'k1') REVS 1"), ["k2\tb\tb22", "k1\tb\tb11"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE CELL = 'k2','b' REVS 1"), ["k2\tb\tb22"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE ROW REGEXP '2$' AND VALUE REGEXP '^a' "), ["k2\ta\ta21"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'a21'"), ["k2\ta\ta21"])
        XCTAssertEqual(try f.lines("SELECT * FROM t OFFSET 1 REVS 1"), ["k2\ta\ta21", "k2\tb\tb22"])
        XCTAssertEqual(try f.lines("SELECT * FROM t CELL_OFFSET 5"), ["k2\tb\tb21"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE ROW = 'nothing'"), [])
        let keys = try XCTUnwrap(try f.hql("SELECT a FROM t KEYS_ONLY REVS 1").cells)
        XCTAssertEqual(keys.map { $0.value ?? [] }, [[], []])
        assertClientError(.badScanSpec) { try f.hql("SELECT * FROM t WHERE 'z' <= ROW < 'a'") }
    }

    func testDeleteMarkersHideOlderVersionsOnly() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.hql("INSERT INTO t VALUES ('2010-01-01 00:00:01', 'r', 'a:x', 'v1'), ('2010-01-01 00:00:02', 'r', 'a:x', 'v2'), ('2010-01-01 00:00:03', 'r', 'a:x', 'v3')")
        try f.hql("DELETE 'a:x' FROM t WHERE ROW = 'r' VERSION '2010-01-01 00:00:02'")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta:x\tv3", "r\ta:x\tv1"])
        try f.hql("DELETE * FROM t WHERE ROW = 'r' TIMESTAMP '2010-01-01 00:00:01'")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta:x\tv3"])
        // An insert older than a delete marker stays hidden; a newer one shows.
        try f.hql("INSERT INTO t VALUES ('2010-01-01 00:00:00', 'r', 'b', 'old')")
        XCTAssertEqual(try f.lines("SELECT b FROM t"), [])
        try f.hql("DELETE * FROM t WHERE ROW = 'r'")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), [])
        try f.hql("INSERT INTO t VALUES ('r', 'b', 'new')")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\tb\tnew"])
        let deletes = try XCTUnwrap(try f.hql("SELECT * FROM t RETURN_DELETES").cells)
        XCTAssertTrue(deletes.contains { $0.key.flag == .deleteRow })
        XCTAssertTrue(deletes.contains { $0.key.flag == .deleteCellVersion })
    }

    func testMaxVersionsAndTTL() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 2, b TTL 1 HOURS)")
        for i in 1...5 { try f.hql("INSERT INTO t VALUES ('r', 'a', 'v\(i)')") }
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\tv5", "r\ta\tv4"])
        try f.hql("INSERT INTO t VALUES ('2001-01-01 00:00:00', 'r', 'b', 'expired'), ('r', 'b', 'fresh')")
        XCTAssertEqual(try f.lines("SELECT b FROM t"), ["r\tb\tfresh"])
    }

    func testAlterTable() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.hql("INSERT INTO t VALUES ('r', 'a', '1'), ('r', 'b', '2')")
        try f.hql("ALTER TABLE t ADD (c) DROP (b) RENAME COLUMN FAMILY (a, z)")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\tz\t1"])
        let xml = try XCTUnwrap(try f.hql("DESCRIBE TABLE t").results?.first)
        XCTAssertTrue(xml.contains("<Name>!2</Name>"))
        XCTAssertTrue(xml.contains("<Deleted>true</Deleted>"))
        XCTAssertEqual(try f.session.getSchema(f.ns, "t").columnFamilies["c"]?.id, 3)
        assertClientError(.columnFamilyNotFound) { try f.hql("ALTER TABLE t DROP (nope)") }
    }

    func testUnbufferedSelectReturnsScanner() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        try f.hql("INSERT INTO t VALUES ('r1', 'a', '1'), ('r2', 'a', '2')")
        let result = try f.session.hqlExec(f.ns, "SELECT * FROM t", noFlush: false, unbuffered: true)
        let scanner = try XCTUnwrap(result.scanner)
        XCTAssertEqual(f.broker.openScannerCount, 1)
        XCTAssertEqual(try f.session.scannerNextCells(scanner).count, 2)
        XCTAssertEqual(try f.session.scannerNextCells(scanner).count, 0)
        try f.session.scannerClose(scanner)
        XCTAssertEqual(f.broker.openScannerCount, 0)
    }
}

final class HQLColumnPredicateTests: XCTestCase {
    func testColumnPredicatesAndCounters() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b, n COUNTER)")
        try f.hql("INSERT INTO t VALUES ('r1', 'a:x', 'apple'), ('r2', 'a:y', 'apricot'), ('r3', 'b:x', 'banana')")
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a =^ 'ap'"), ["r1\ta:x\tapple", "r2\ta:y\tapricot"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE a = 'apple' OR b = 'banana'"), ["r1\ta:x\tapple", "r3\tb:x\tbanana"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE a =~ /c.t$/"), ["r2\ta:y\tapricot"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE REGEXP(a:y, 'ri')"), ["r2\ta:y\tapricot"])
        XCTAssertEqual(try f.lines("SELECT * FROM t WHERE EXISTS(a:x)"), ["r1\ta:x\tapple"])
        XCTAssertEqual(try f.lines("SELECT a:/^y/ FROM t"), ["r2\ta:y\tapricot"])
        XCTAssertEqual(try f.lines("SELECT a:^x FROM t"), ["r1\ta:x\tapple"])
        try f.hql("INSERT INTO t VALUES ('c', 'n', '5'), ('c', 'n', '3')")
        XCTAssertEqual(try f.lines("SELECT n FROM t"), ["c\tn\t8"])
        try f.hql("INSERT INTO t VALUES ('c', 'n', '=1'), ('c', 'n', '+2')")
        XCTAssertEqual(try f.lines("SELECT n FROM t"), ["c\tn\t3"])
    }
}

final class HQLHostileInputTests: XCTestCase {
    /// Random statements built from HQL words: every one answers or throws ClientException.
    func testRandomStatementsGiveClientErrorsOnly() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b MAX_VERSIONS 1)")
        try f.hql("INSERT INTO t VALUES ('r1', 'a:q', 'v'), ('r2', 'b', 'w')")
        let words = ["SELECT", "*", "a", "b:q", "FROM", "t", "WHERE", "ROW", "CELL", "TIMESTAMP", "=", "<", "<=", ">", "=^",
                     "'r1'", "'a:q'", "'2010-01-01'", ",", "(", ")", "OR", "AND", "LIMIT", "0", "1", "CELL_OFFSET", "OFFSET",
                     "INSERT", "INTO", "VALUES", "DELETE", "CREATE", "DROP", "TABLE", "NAMESPACE", "ALTER", "ADD", "REGEXP",
                     "'[('", "KEYS_ONLY", "REVS", "x", "ACCESS", "GROUP", "SHOW", "DESCRIBE", "GET", "LISTING", "=~", ":", "/"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...14, using: &generator))
                .map { _ in words.randomElement(using: &generator) ?? "" }.joined(separator: " ")
            do { _ = try f.hql(text) } catch is ClientException {} catch { XCTFail("\(text): \(error)") }
        }
        XCTAssertEqual(f.broker.openScannerCount, 0)
    }

    /// An INSERT's column and value lose every quote character at their ends, as in
    /// Hypertable's parser; the row only its own quotes.
    func testInsertStoresColumnAndValueWithoutTheirQuotes() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        try f.hql("INSERT INTO t VALUES ('\"r\"', \"'a:q'\", '\"x\"'), ('r2', 'a', \"'it''\")")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["\"r\"\ta:q\tx", "r2\ta\tit"])
    }
}
