import HypertableClient
@testable import HypertableEmulator
import TestSupport
import XCTest

/// The store drops what Hypertable's compactions drop (versions beyond MAX_VERSIONS, expired
/// ones, ones a delete marker hides), so rewriting a cell keeps memory bounded, and no query
/// answers differently for it.
final class CellCompactionTests: XCTestCase {
    private func table(_ f: Fixture, _ name: String) throws -> TableState {
        try XCTUnwrap(f.broker.state.withLock { $0.namespaces["test"]?[name] })
    }

    private func storedCells(_ f: Fixture, _ name: String) throws -> Int {
        let t = try table(f, name)
        return f.broker.state.withLock { _ in t.store.cellCount }
    }

    private func write(_ f: Fixture, _ cells: [Cell]) throws {
        try f.session.setCells(f.ns, "t", cells: cells)
    }

    func testRewritingOneCellKeepsABoundedNumberOfVersions() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 1, b MAX_VERSIONS 3, c)")
        let bound = CellCompaction.compactionThreshold(maxVersions: 1) + CellCompaction.compactionThreshold(maxVersions: 3)
        var most = 0
        for i in 0..<10_000 {
            try write(f, [cell("r", "a", "", "v\(i)"), cell("r", "b", "", "w\(i)")])
            most = max(most, try storedCells(f, "t"))
        }
        XCTAssertLessThanOrEqual(most, bound)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta\tv9999", "r\tb\tw9999", "r\tb\tw9998", "r\tb\tw9997"])
        // A family without MAX_VERSIONS keeps every version: each can be read.
        for i in 0..<100 { try write(f, [cell("r", "c", "", "x\(i)")]) }
        XCTAssertEqual(try f.lines("SELECT c FROM t").count, 100)
    }

    func testAVersionBeyondMaxVersionsComesBackAfterADeleteUntilACompactionDropsIt() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 1)")
        try write(f, [cell("r", "a", "", "old", timestamp: 1_000), cell("r", "a", "", "new", timestamp: 2_000)])
        try write(f, [cell("r", "a", "", "", timestamp: 2_000, flag: .deleteCellVersion)])
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\told"])

        // With "old", enough versions for a compaction: all but the newest go, and a delete of
        // the newest no longer brings any back.
        let count = CellCompaction.compactionThreshold(maxVersions: 1)
        for i in 0..<count { try write(f, [cell("r", "a", "", "v\(i)", timestamp: 10_000 + Int64(i))]) }
        XCTAssertEqual(try storedCells(f, "t"), 1)
        try write(f, [cell("r", "a", "", "", timestamp: 10_000 + Int64(count - 1), flag: .deleteCellVersion)])
        XCTAssertEqual(try f.lines("SELECT a FROM t"), [])
    }

    func testVersionsADeleteHidesAreDroppedAndStayHidden() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a MAX_VERSIONS 2)")
        try write(f, [cell("r", "a", "", "", timestamp: 5_000, flag: .deleteCell)])
        // Writes older than the marker: hidden, and dropped by the compaction they cause.
        for i in 0..<1_000 { try write(f, [cell("r", "a", "", "h\(i)", timestamp: 1 + Int64(i))]) }
        XCTAssertLessThanOrEqual(try storedCells(f, "t"), CellCompaction.compactionThreshold(maxVersions: 2))
        XCTAssertEqual(try f.lines("SELECT a FROM t"), [])
        let deletes = try f.hql("SELECT a FROM t RETURN_DELETES").cells ?? []
        XCTAssertEqual(deletes.map(\.key.flag), [.deleteCell], "the marker stays, and only it shows")
        try write(f, [cell("r", "a", "", "after", timestamp: 6_000)])
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\tafter"])
    }

    func testExpiredVersionsGoWhenAWriteOrAScanTouchesThem() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a TTL 60, b)")
        try write(f, [cell("r1", "a", "", "x"), cell("r2", "a", "", "y"), cell("r3", "a", "", "z"), cell("r3", "b", "", "keep")])
        XCTAssertEqual(try storedCells(f, "t"), 4)
        f.broker.advanceClock(nanoseconds: 120_000_000_000)

        // An insert into the column drops its expired versions.
        try write(f, [cell("r1", "a", "", "x2")])
        XCTAssertEqual(try storedCells(f, "t"), 4)
        XCTAssertEqual(try table(f, "t").store.row(Array("r1".utf8))?.cells.map { String(decoding: $0.value, as: UTF8.self) },
                       ["x2"])
        // A delete drops the row's expired versions.
        try write(f, [cell("r2", "b", "", "", flag: .deleteCell)])
        XCTAssertEqual(try storedCells(f, "t"), 3)
        // A scan drops those of the rows it reads.
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r1\ta\tx2", "r3\tb\tkeep"])
        XCTAssertEqual(try storedCells(f, "t"), 2)
    }

    func testATimeOrderDescColumnDropsItsOldestExpiredVersions() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a TTL 60 TIME_ORDER DESC)")
        try write(f, [cell("r", "a", "", "1"), cell("r", "a", "", "2")])
        f.broker.advanceClock(nanoseconds: 120_000_000_000)
        try write(f, [cell("r", "a", "", "3"), cell("r", "a", "", "4")])
        XCTAssertEqual(try storedCells(f, "t"), 2)
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\t3", "r\ta\t4"])
    }

    func testDroppedVersionsTakeTheirIndexEntriesWithThem() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a TTL 60, INDEX a, b MAX_VERSIONS 1, INDEX b)")
        try write(f, [cell("r", "a", "", "old")])
        f.broker.advanceClock(nanoseconds: 120_000_000_000)
        for i in 0..<100 { try write(f, [cell("r", "b", "", "v\(i)")]) }
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\tb\tv99"])
        let entries = try f.session.getCells(f.ns, "^t", scanSpec: ScanSpec()).map { String(decoding: $0.key.row, as: UTF8.self) }
        XCTAssertEqual(entries, ["2,v99\t\tr"])
    }

    /// Dropping the markers others cover hides exactly what all of them hid, for random mixes
    /// of the four kinds (seeded, so a failure replays).
    func testCompactedMarkersHideExactlyWhatAllOfThemHid() {
        var random = SeededGenerator(seed: 0x5EED_0DE1)
        let flags: [KeyFlag] = [.deleteRow, .deleteColumnFamily, .deleteCell, .deleteCellVersion]
        let qualifiers: [Bytes] = [[], Array("a".utf8), Array("b".utf8)]
        for _ in 0..<500 {
            let markers = (0..<Int.random(in: 1...80, using: &random)).map { i in
                DeleteMarker(flag: flags.randomElement(using: &random)!, familyID: Int32.random(in: 1...2, using: &random),
                             qualifier: qualifiers.randomElement(using: &random)!, timestamp: Int64.random(in: 1...20, using: &random),
                             revision: Int64(i))
            }
            let kept = CellCompaction.compactMarkers(markers)
            XCTAssertLessThanOrEqual(kept.count, markers.count)
            for familyID in Int32(1)...2 {
                for qualifier in qualifiers {
                    for timestamp in Int64(0)...21 {
                        let probe = StoredCell(familyID: familyID, qualifier: qualifier, timestamp: timestamp, revision: 0, value: [])
                        XCTAssertEqual(kept.contains { $0.hides(probe) }, markers.contains { $0.hides(probe) },
                                       "\(familyID) \(qualifier) \(timestamp)")
                    }
                }
            }
        }
    }

    func testDeletingOneCellAgainAndAgainKeepsABoundedNumberOfMarkers() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        var most = 0
        for i in 0..<10_000 {
            try write(f, [cell("r", "a", "", "v\(i)")])
            XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\tv\(i)"])
            try write(f, [cell("r", "a", "", "", flag: .deleteCell)])
            let t = try table(f, "t")
            most = max(most, f.broker.state.withLock { _ in t.store.row(Array("r".utf8))?.deletes.count ?? 0 })
        }
        XCTAssertEqual(try f.lines("SELECT a FROM t"), [])
        XCTAssertLessThan(most, 2 * CellCompaction.markerCompactionThreshold)
        XCTAssertFalse((try f.hql("SELECT a FROM t RETURN_DELETES").cells ?? []).isEmpty, "the newest marker stays")
        try write(f, [cell("r", "a", "", "after")])
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\tafter"])
    }
}
