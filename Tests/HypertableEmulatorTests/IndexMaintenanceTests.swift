import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Index entries live as long as the cells they stand for (what Hypertable's compactions
/// leave), and a lookup reads only the index rows its predicates can match.
final class IndexMaintenanceTests: XCTestCase {
    private func entries(_ f: Fixture, _ index: String) throws -> [String] {
        try f.session.getCells(f.ns, index, scanSpec: ScanSpec()).map { String(decoding: $0.key.row, as: UTF8.self) }
    }

    /// The index table's state in the broker (to read `indexRowsRead`).
    private func indexTable(_ f: Fixture, _ name: String) throws -> TableState {
        try XCTUnwrap(f.broker.state.withLock { $0.namespaces["test"]?[name] })
    }

    func testRewritingOneIndexedCellKeepsOneEntryAndADeleteHidesTheRow() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 1, INDEX a, QUALIFIER INDEX a, b)")
        try f.hql("INSERT INTO t VALUES ('r', 'b', 'other')")
        for i in 0..<1000 { try f.hql("INSERT INTO t VALUES ('r', 'a:q', 'v\(i)')") }
        XCTAssertEqual(try entries(f, "^t"), ["1,v999\tq\tr"])
        XCTAssertEqual(try entries(f, "^^t"), ["1,q\tr"])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a = 'v999'"), ["r\tb\tother"])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a = 'v998'"), [])
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a =^ 'v'"), ["r\tb\tother"])

        try f.hql("DELETE 'a:q' FROM t WHERE ROW = 'r'")
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a = 'v999'"), [], "the row is not found through a deleted cell")
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE EXISTS(a:q)"), [])
        // The entry stays with the delete marker, which a scan returning deletes sees (as
        // Hypertable's indices_test shows until a compaction purges both).
        XCTAssertEqual(try f.hql("SELECT a FROM t WHERE a = 'v999' RETURN_DELETES").cells?.map(\.key.flag), [.deleteCell])
        XCTAssertEqual(try entries(f, "^t"), ["1,v999\tq\tr"])
    }

    func testOverwritingOneVersionReplacesItsEntry() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, INDEX a)")
        for i in 0..<1000 { try f.hql("INSERT INTO t VALUES ('2020-01-01 00:00:00', 'r', 'a', 'v\(i)')") }
        XCTAssertEqual(try entries(f, "^t"), ["1,v999\t\tr"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'v0'"), [])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'v999'"), ["r\ta\tv999"])
        try f.hql("DELETE * FROM t WHERE ROW = 'r'")
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'v999'"), [])
    }

    func testAnExpiredCellFindsNothingAndItsEntryIsDropped() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a TTL 60, INDEX a, b)")
        try f.hql("INSERT INTO t VALUES ('r', 'a', 'x'), ('r', 'b', 'kept')")
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a = 'x'"), ["r\tb\tkept"])
        f.broker.advanceClock(nanoseconds: 61_000_000_000)
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE a = 'x'"), [])
        XCTAssertEqual(try entries(f, "^t"), [], "the lookup dropped the expired entry")
    }

    /// Under MAX_VERSIONS an older version comes back into view when the newer is deleted,
    /// and its entry with it.
    func testAVersionBackInViewGetsItsEntryBack() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 1, INDEX a)")
        try f.hql("INSERT INTO t VALUES ('2020-01-01 00:00:01', 'r', 'a', 'old'), ('2020-01-01 00:00:02', 'r', 'a', 'new')")
        XCTAssertEqual(try entries(f, "^t"), ["1,new\t\tr"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'old'"), [])
        try f.hql("DELETE a FROM t WHERE ROW = 'r' VERSION '2020-01-01 00:00:02'")
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\told"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'old'"), ["r\ta\told"])
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'new'"), [])
    }

    /// The rows an index lookup reads: only those under its predicates' key prefixes, with the
    /// same answer as filtering every cell.
    func testALookupReadsOnlyTheIndexRowsItsPredicateCanMatch() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, INDEX a, QUALIFIER INDEX a, b, INDEX b)")
        var values: [String] = []
        for i in 0..<300 {
            values.append("('r\(i)', 'a:q\(i % 7)', 'v\(i)'), ('r\(i)', 'b', 'w\(i)')")
        }
        try f.hql("INSERT INTO t VALUES " + values.joined(separator: ", "))
        let valueIndex = try indexTable(f, "^t")
        let qualifierIndex = try indexTable(f, "^^t")
        func rows(_ predicate: String) throws -> [String] {
            try f.lines("SELECT a FROM t WHERE \(predicate)")
        }
        func filtered(_ keep: (Int) -> Bool) -> [String] {
            (0..<300).filter(keep).map { "r\($0)\ta:q\($0 % 7)\tv\($0)" }.sorted()
        }

        XCTAssertEqual(try rows("a = 'v123'"), filtered { $0 == 123 })
        XCTAssertEqual(valueIndex.indexRowsRead, 1)
        XCTAssertEqual(try rows("a:q4 = 'v123'"), filtered { $0 == 123 })
        XCTAssertEqual(valueIndex.indexRowsRead, 1)
        XCTAssertEqual(try rows("a:q5 = 'v123'"), [])
        XCTAssertEqual(valueIndex.indexRowsRead, 0)
        XCTAssertEqual(try rows("a =^ 'v12'"), filtered { String($0).hasPrefix("12") })
        XCTAssertEqual(valueIndex.indexRowsRead, 11)
        XCTAssertEqual(try rows("a =~ /^v12[0-4]/"), filtered { (120...124).contains($0) })
        XCTAssertEqual(valueIndex.indexRowsRead, 11)
        XCTAssertEqual(try rows("a = 'v7' OR a = 'v250'"), filtered { $0 == 7 || $0 == 250 })
        XCTAssertEqual(valueIndex.indexRowsRead, 2)
        XCTAssertEqual(try rows("a = 'nothing'"), [])
        XCTAssertEqual(valueIndex.indexRowsRead, 0)
        XCTAssertEqual(try rows("EXISTS(a:q3)"), filtered { $0 % 7 == 3 })
        XCTAssertEqual(qualifierIndex.indexRowsRead, 43)
        XCTAssertEqual(try rows("EXISTS(a:*)"), filtered { _ in true })
        XCTAssertEqual(qualifierIndex.indexRowsRead, 300)
        // b's entries (family 2) are never read for a predicate on a.
        XCTAssertEqual(try rows("a =~ /^v/"), filtered { _ in true })
        XCTAssertEqual(valueIndex.indexRowsRead, 300)
    }

    func testTheKeyPrefixEachPredicateGives() {
        func prefix(_ op: ColumnPredicateOperation, qualifier: String? = nil, value: String? = nil,
                    qualifierIndex: Bool = false) -> String {
            let filter = ValueFilter(familyID: 3, operation: op, qualifier: qualifier.map { Array($0.utf8) },
                                     value: value.map { Array($0.utf8) })
            return String(decoding: IndexLookup.prefix(filter, qualifierIndex: qualifierIndex), as: UTF8.self)
        }
        XCTAssertEqual(prefix(.exactMatch, value: "a\tb"), "3,a\\tb\t")
        XCTAssertEqual(prefix([.exactMatch, .qualifierExactMatch], qualifier: "q", value: "v"), "3,v\tq\t")
        XCTAssertEqual(prefix([.exactMatch, .qualifierPrefixMatch], qualifier: "q", value: "v"), "3,v\tq")
        XCTAssertEqual(prefix([.exactMatch, .qualifierRegexMatch], qualifier: "^qu*", value: "v"), "3,v\tq")
        XCTAssertEqual(prefix([.prefixMatch, .qualifierExactMatch], qualifier: "q", value: "v"), "3,v")
        XCTAssertEqual(prefix(.regexMatch, value: "^ab.c"), "3,ab")
        XCTAssertEqual(prefix(.regexMatch, value: "^abc?"), "3,ab")
        XCTAssertEqual(prefix(.qualifierExactMatch, qualifier: "q\n", qualifierIndex: true), "3,q\\n\t")
        XCTAssertEqual(prefix(.qualifierPrefixMatch, qualifier: "", qualifierIndex: true), "3,")
        XCTAssertEqual(prefix(.qualifierRegexMatch, qualifier: "^x[0-9]", qualifierIndex: true), "3,x")
        XCTAssertNil(IndexLookup.literalPrefix(Array("^a*".utf8)))
        XCTAssertNil(IndexLookup.literalPrefix(Array("abc".utf8)))

        let filters = ["v1", "v", "w", "v12"].map {
            ValueFilter(familyID: 1, operation: .prefixMatch, qualifier: nil, value: Array($0.utf8))
        }
        XCTAssertEqual(IndexLookup.prefixes(filters, qualifierIndex: false).map { String(decoding: $0, as: UTF8.self) },
                       ["1,v", "1,w"], "a prefix another covers is read once")
    }

    /// The entries a family's cells in view should have: `1,<value>\t<qualifier>\t<row>`.
    private func entriesShown(_ f: Fixture, _ family: String, id: Int) throws -> [String] {
        try f.hql("SELECT \(family) FROM t").cells?.map { c in
            "\(id),\(String(decoding: c.value ?? [], as: UTF8.self))\t\(String(decoding: c.key.columnQualifier, as: UTF8.self))"
                + "\t\(String(decoding: c.key.row, as: UTF8.self))"
        }.sorted() ?? []
    }

    func testADroppedFamilyTakesItsEntriesWithIt() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, INDEX a, QUALIFIER INDEX a, b, INDEX b)")
        for i in 0..<300 { try f.hql("INSERT INTO t VALUES ('r\(i)', 'a:q', 'x\(i)'), ('r\(i)', 'b', 'y\(i)')") }
        try f.hql("ALTER TABLE t DROP (a)")
        XCTAssertEqual(try entries(f, "^t"), try entriesShown(f, "b", id: 2))
        XCTAssertEqual(try entries(f, "^t").count, 300)
        XCTAssertEqual(try f.hql("SHOW TABLES").results, ["^t", "t"], "the qualifier index went with its last family")
        XCTAssertEqual(try f.lines("SELECT b FROM t WHERE b = 'y7'"), ["r7\tb\ty7"])
    }

    func testEntriesFollowAChangedMaxVersions() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 3, INDEX a)")
        try f.hql("INSERT INTO t VALUES ('1', 'r', 'a', 'v1'), ('2', 'r', 'a', 'v2'), ('3', 'r', 'a', 'v3')")
        XCTAssertEqual(try entries(f, "^t").count, 3)
        try f.hql("ALTER TABLE t MODIFY (a MAX_VERSIONS 1)")
        XCTAssertEqual(try entries(f, "^t"), ["1,v3\t\tr"])
        XCTAssertEqual(try entries(f, "^t"), try entriesShown(f, "a", id: 1))
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'v1'"), [])
        // Back up: the versions are still stored (no compaction dropped them), so they and
        // their entries come back.
        try f.hql("ALTER TABLE t MODIFY (a MAX_VERSIONS 2)")
        XCTAssertEqual(try entries(f, "^t"), ["1,v2\t\tr", "1,v3\t\tr"])
        XCTAssertEqual(try entries(f, "^t"), try entriesShown(f, "a", id: 1))
        XCTAssertEqual(try f.lines("SELECT a FROM t WHERE a = 'v2'"), ["r\ta\tv3", "r\ta\tv2"])
    }

    func testEntriesFollowAChangedTTLOfTheFamilyOrItsGroup() throws {
        for alter in ["ALTER TABLE t MODIFY (a TTL 60)", "ALTER TABLE t MODIFY (ACCESS GROUP g (a, b) TTL 60)"] {
            let f = try Fixture()
            try f.hql("CREATE TABLE t (a, INDEX a, b, ACCESS GROUP g (a, b))")
            try f.hql("INSERT INTO t VALUES ('r1', 'a', 'old'), ('r1', 'b', 'keep')")
            f.broker.advanceClock(nanoseconds: 120_000_000_000)
            try f.hql("INSERT INTO t VALUES ('r2', 'a', 'new')")
            try f.hql(alter)
            XCTAssertEqual(try entries(f, "^t"), ["1,new\t\tr2"], alter)
            XCTAssertEqual(try entries(f, "^t"), try entriesShown(f, "a", id: 1), alter)
        }
    }
}
