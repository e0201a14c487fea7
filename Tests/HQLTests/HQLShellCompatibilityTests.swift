import HQL
import XCTest

/// Forms Hypertable's shell accepts that a strict reading of the HQL reference would miss.
final class HQLShellCompatibilityTests: XCTestCase {
    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> HQLStatement? {
        do { return try HQLParser.parse(text) } catch {
            XCTFail("parse failed: \(error)", file: file, line: line)
            return nil
        }
    }

    func testIfNotExistsAfterTheNameAndDatabaseSynonym() {
        XCTAssertEqual(parse("CREATE NAMESPACE ns IF NOT EXISTS"), .createNamespace(name: "ns", ifNotExists: true))
        XCTAssertEqual(parse("CREATE DATABASE ns IF NOT EXISTS"), .createNamespace(name: "ns", ifNotExists: true))
        XCTAssertEqual(parse("CREATE DATABASE ns"), .createNamespace(name: "ns", ifNotExists: false))
        XCTAssertEqual(parse("DROP DATABASE IF EXISTS ns"), .dropNamespace(name: "ns", ifExists: true))
    }

    func testAccessGroupOptionsAfterTheMemberList() throws {
        guard case .createTable(let t)? = parse("""
            CREATE TABLE f (a, b, ACCESS GROUP g (a) BLOCKSIZE 20000 REPLICATION 2, ACCESS GROUP h (b) COUNTER) IN_MEMORY
            """) else { return XCTFail("not a CREATE TABLE") }
        XCTAssertEqual(t.accessGroups.map(\.name), ["g", "h"])
        XCTAssertEqual(t.accessGroups[0].options, HQLAccessGroupOptions(blockSize: 20000, replication: 2))
        XCTAssertEqual(t.accessGroups[1].columnFamilyDefaults, HQLColumnFamilyOptions(counter: true))
        XCTAssertEqual(t.accessGroupDefaults.inMemory, true)
    }

    func testColumnFamilyNameWithColonIsRefused() {
        XCTAssertThrowsError(try HQLParser.parse("CREATE TABLE t ( 'media:image' )")) { error in
            XCTAssertEqual((error as? HQLError)?.message, "Invalid column name media:image")
        }
    }

    func testColumnPredicatesTakeTheLastBooleanOperator() {
        guard case .select(let and)? = parse("SELECT a, b FROM t WHERE a = 'x' AND b =^ 'y'") else { return XCTFail() }
        XCTAssertEqual(and.valuePredicates.count, 2)
        XCTAssertTrue(and.andValuePredicates)
        guard case .select(let or)? = parse("SELECT a FROM t WHERE a = 'x' OR a = 'y'") else { return XCTFail() }
        XCTAssertFalse(or.andValuePredicates)
        guard case .select(let mixed)? = parse("SELECT a FROM t WHERE a = 'x' AND a = 'y' OR a = 'z'") else { return XCTFail() }
        XCTAssertEqual(mixed.valuePredicates.count, 3)
        XCTAssertFalse(mixed.andValuePredicates)
        guard case .select(let one)? = parse("SELECT a FROM t WHERE ROW = 'r' AND a = 'x'") else { return XCTFail() }
        XCTAssertFalse(one.andValuePredicates)
    }

    func testTimestampWithColonNanoseconds() {
        let base = HQLTimestamp.parse("2009-02-12 02:12:13")
        XCTAssertNotNil(base)
        XCTAssertEqual(HQLTimestamp.parse("2009-02-12 02:12:13:4"), base.map { $0 + 4 })
        XCTAssertEqual(HQLTimestamp.parse("2009-02-12 02:12:13.4"), base.map { $0 + 400_000_000 })
        XCTAssertNil(HQLTimestamp.parse("2009-02-12 02:12:13:"))
        XCTAssertNil(HQLTimestamp.parse("2009-02-12 02:12:13:1234567890"))
    }
}
