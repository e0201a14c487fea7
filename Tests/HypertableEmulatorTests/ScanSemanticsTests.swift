import HQL
import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Scan behaviour through the HypertableService API, as Hypertable's range servers give it.
final class ScanSemanticsTests: XCTestCase {
    private func bytes(_ s: String) -> Bytes { Array(s.utf8) }

    private func people() throws -> Fixture {
        let f = try Fixture()
        try f.hql("CREATE TABLE p (name, city, tag)")
        try f.session.setCells(f.ns, "p", cells: [
            cell("ann", "name", "", "Ann"), cell("ann", "city", "", "Oslo"), cell("ann", "tag", "x", "1"),
            cell("bob", "name", "", "Bob"), cell("bob", "city", "", "Rome"),
            cell("cid", "name", "", "Cid"), cell("cid", "city", "", "Oslo"), cell("cid", "tag", "y", "2"),
        ])
        return f
    }

    private func predicate(_ family: String, _ op: ColumnPredicateOperation, _ value: String) -> ColumnPredicate {
        ColumnPredicate(columnFamily: family, columnQualifier: nil, operation: op, value: value)
    }

    func testColumnPredicatesOrAcrossCellsAndAndAcrossTheRow() throws {
        let f = try people()
        var spec = ScanSpec()
        spec.columnPredicates = [predicate("city", .exactMatch, "Oslo"), predicate("name", .prefixMatch, "B")]
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["ann\tcity\tOslo", "bob\tname\tBob", "cid\tcity\tOslo"])
        spec.andColumnPredicates = true
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line), [])
        spec.columnPredicates = [predicate("city", .exactMatch, "Oslo"), predicate("name", .prefixMatch, "C")]
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["cid\tname\tCid", "cid\tcity\tOslo"])
        XCTAssertEqual(try f.lines("SELECT name, city FROM p WHERE city = 'Oslo' AND name =^ 'A'"),
                       ["ann\tname\tAnn", "ann\tcity\tOslo"])
    }

    func testColumnPredicateChecks() throws {
        let f = try people()
        try f.hql("CREATE TABLE c (n COUNTER, m)")
        var spec = ScanSpec()
        spec.columnPredicates = [predicate("n", .exactMatch, "1")]
        assertClientError(.badScanSpec) { _ = try f.session.getCells(f.ns, "c", scanSpec: spec) }
        spec = ScanSpec()
        spec.columns = ["name", "tag"]
        spec.columnPredicates = [predicate("name", .exactMatch, "Ann")]
        assertClientError(.hqlParseError) { _ = try f.session.getCells(f.ns, "p", scanSpec: spec) }
        spec.columnPredicates = (0..<33).map { _ in self.predicate("name", .exactMatch, "Ann") }
        spec.columns = []
        assertClientError(.badScanSpec) { _ = try f.session.getCells(f.ns, "p", scanSpec: spec) }
    }

    func testScanAndFilterRowsReturnsEachRowOnceInOrder() throws {
        let f = try people()
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: bytes("cid"), endRow: bytes("cid")),
                             RowInterval(startRow: bytes("ann"), endRow: bytes("ann")),
                             RowInterval(startRow: bytes("cid"), endRow: bytes("cid"))]
        spec.columns = ["name"]
        // Without the flag each interval is scanned in turn, so rows can repeat.
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["cid\tname\tCid", "ann\tname\tAnn", "cid\tname\tCid"])
        spec.scanAndFilterRows = true
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["ann\tname\tAnn", "cid\tname\tCid"])
    }

    func testVersionsCountBeforeValueFilters() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE v (a)")
        try f.hql("INSERT INTO v VALUES ('2001-01-01 00:00:01', 'r', 'a', 'old'), ('2001-01-01 00:00:02', 'r', 'a', 'new')")
        var spec = ScanSpec()
        spec.versions = 1
        spec.valueRegexp = "old"
        XCTAssertEqual(try f.session.getCells(f.ns, "v", scanSpec: spec), [])
        spec.versions = 2
        XCTAssertEqual(try f.session.getCells(f.ns, "v", scanSpec: spec).map(Fixture.line), ["r\ta\told"])
        spec.versions = 1
        spec.endTime = HQLTimestampTestSupport.nanos("2001-01-01 00:00:02")
        XCTAssertEqual(try f.session.getCells(f.ns, "v", scanSpec: spec).map(Fixture.line), ["r\ta\told"])
    }

    func testReturnDeletesInterleaveInKeyOrderAndRowDeletesRepeatPerAccessGroup() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE d (a, b, ACCESS GROUP one (a), ACCESS GROUP two (b))")
        try f.session.setCells(f.ns, "d", cells: [
            cell("r", "b", "q", "late", timestamp: 50),
            cell("r", "", "", "", timestamp: 10, flag: .deleteRow),
            cell("r", "b", "", "", timestamp: 20, flag: .deleteColumnFamily),
            cell("r", "a", "q", "", timestamp: 30, flag: .deleteCell),
        ])
        var spec = ScanSpec()
        spec.returnDeletes = true
        let cells = try f.session.getCells(f.ns, "d", scanSpec: spec)
        XCTAssertEqual(cells.map { "\($0.key.columnFamily):\(String(decoding: $0.key.columnQualifier, as: UTF8.self)) \($0.key.flag)" },
                       [": deleteRow", ": deleteRow", "a:q deleteCell", "b: deleteColumnFamily", "b:q insert"])
    }

    func testDeleteFamilyAtATimestampHidesOnlyOlderVersions() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.hql("INSERT INTO t VALUES ('2001-01-01 00:00:01', 'r', 'a:x', '1'), ('2001-01-01 00:00:03', 'r', 'a:y', '3'), ('2001-01-01 00:00:01', 'r', 'b', 'keep')")
        try f.hql("DELETE a FROM t WHERE ROW = 'r' TIMESTAMP '2001-01-01 00:00:02'")
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta:y\t3", "r\tb\tkeep"])
        // A later insert older than the marker stays hidden; a newer one shows.
        try f.hql("INSERT INTO t VALUES ('2001-01-01 00:00:01', 'r', 'a:z', 'hidden'), ('2001-01-01 00:00:04', 'r', 'a:w', 'seen')")
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta:w\tseen", "r\ta:y\t3"])
    }

    func testMutatorIgnoreUnknownColumnFamiliesFlag() throws {
        let f = try people()
        let strict = try f.session.mutatorOpen(f.ns, "p", flags: 0, flushInterval: 0)
        assertClientError(.badKey) { try f.session.mutatorSetCells(strict, cells: [cell("dan", "nope", "", "x")]) }
        let lenient = try f.session.mutatorOpen(f.ns, "p", flags: EmulatorSession.ignoreUnknownColumnFamilies, flushInterval: 0)
        try f.session.mutatorSetCells(lenient, cells: [cell("dan", "nope", "", "x"), cell("dan", "name", "", "Dan")])
        try f.session.mutatorSetCell(lenient, cell: cell("dan", "nope2", "", "y"))
        XCTAssertEqual(try f.session.getRow(f.ns, "p", row: bytes("dan")).map(Fixture.line), ["dan\tname\tDan"])
        try f.session.mutatorClose(strict)
        try f.session.mutatorClose(lenient)
    }

    func testScanSpecFieldsThroughTheAPI() throws {
        let f = try people()
        var spec = ScanSpec()
        spec.keysOnly = true
        spec.rowLimit = 1
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map { "\(String(decoding: $0.key.row, as: UTF8.self)) \($0.value ?? [])" },
                       ["ann []", "ann []", "ann []"])
        spec = ScanSpec()
        spec.rowOffset = 1
        spec.cellLimit = 3
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["bob\tname\tBob", "bob\tcity\tRome", "cid\tname\tCid"])
        spec = ScanSpec()
        spec.cellOffset = 4
        spec.cellLimitPerFamily = 1
        spec.columns = ["name", "city"]
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["cid\tname\tCid", "cid\tcity\tOslo"])
        spec = ScanSpec()
        spec.cellIntervals = [CellInterval(startRow: bytes("ann"), startColumn: "tag", startInclusive: false,
                                           endRow: bytes("bob"), endColumn: "city", endInclusive: true)]
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["ann\ttag:x\t1", "bob\tname\tBob", "bob\tcity\tRome"])
        spec = ScanSpec()
        spec.rowRegexp = "^[bc]"
        spec.columns = ["tag:/^y$/", "name"]
        XCTAssertEqual(try f.session.getCells(f.ns, "p", scanSpec: spec).map(Fixture.line),
                       ["bob\tname\tBob", "cid\tname\tCid", "cid\ttag:y\t2"])
        spec = ScanSpec()
        spec.rowOffset = 1
        spec.cellOffset = 1
        assertClientError(.badScanSpec) { _ = try f.session.getCells(f.ns, "p", scanSpec: spec) }
    }

    func testNextRowHandsOutOneRowAtATime() throws {
        let f = try people()
        let scanner = try f.session.scannerOpen(f.ns, "p", scanSpec: ScanSpec())
        XCTAssertEqual(try f.session.scannerNextRow(scanner).map(\.key.row), [bytes("ann"), bytes("ann"), bytes("ann")])
        XCTAssertEqual(try f.session.scannerNextRow(scanner).map(\.key.row), [bytes("bob"), bytes("bob")])
        XCTAssertEqual(try f.session.scannerNextCells(scanner).map(\.key.row), [bytes("cid"), bytes("cid"), bytes("cid")])
        XCTAssertEqual(try f.session.scannerNextRow(scanner), [])
        try f.session.scannerClose(scanner)
    }
}

enum HQLTimestampTestSupport {
    static func nanos(_ text: String) -> Int64? {
        HQLTimestamp.parse(text)
    }

    /// "When specifying TIME_ORDER DESC for a column, a SELECT statement that is issued with
    /// MAX_VERSIONS 1 will return the oldest version of the cell" (HQL help, CREATE TABLE).
    func testTimeOrderDescKeepsTheOldestVersionFirst() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (asc MAX_VERSIONS 2, desc TIME_ORDER DESC MAX_VERSIONS 2)")
        try f.hql("INSERT INTO t VALUES ('1', 'r', 'asc', 'one'), ('2', 'r', 'asc', 'two'), ('3', 'r', 'asc', 'three'),"
                    + " ('1', 'r', 'desc', 'one'), ('2', 'r', 'desc', 'two'), ('3', 'r', 'desc', 'three')")
        XCTAssertEqual(try f.lines("SELECT * FROM t"),
                       ["r\tasc\tthree", "r\tasc\ttwo", "r\tdesc\tone", "r\tdesc\ttwo"])
        XCTAssertEqual(try f.lines("SELECT desc FROM t MAX_VERSIONS 1"), ["r\tdesc\tone"])
    }
}
