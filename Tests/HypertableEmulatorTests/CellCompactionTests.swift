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

    func testIncrementingOneCounterKeepsABoundedNumberOfCells() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (c COUNTER)")
        var most = 0
        for batch in 0..<100 {
            try write(f, (0..<1_000).map { i in cell("r", "c", "", (batch * 1_000 + i) % 7 == 0 ? "-2" : "+3") })
            most = max(most, try storedCells(f, "t"))
        }
        XCTAssertLessThanOrEqual(most, CellCompaction.counterFoldThreshold + 1)
        // 14,286 of the 100,000 are -2, the others +3.
        XCTAssertEqual(try f.lines("SELECT c FROM t"), ["r\tc\t\(85_714 * 3 - 14_286 * 2)"])
        try write(f, [cell("r", "c", "", "=5"), cell("r", "c", "", "+1")])
        XCTAssertEqual(try f.lines("SELECT c FROM t"), ["r\tc\t6"])
    }

    /// Random increments, resets, deletes (of the row, family, cell, and of one of the last
    /// few versions) and rewrites of a recent version, on two counter columns: after each,
    /// what a scan shows (value and timestamp) is what the same writes read without folding
    /// (`collapsingCounters` over every version) show. Seeded, so a failure replays.
    func testFoldedCountersAnswerAsUnfoldedOnes() throws {
        var random = SeededGenerator(seed: 0xC0_07E2)
        for round in 0..<6 {
            let f = try Fixture()
            try f.hql("CREATE TABLE t (c COUNTER, d)")
            let schema = try table(f, "t").schema
            let id = try XCTUnwrap(schema.family(named: "c")).id
            var unfolded = StoredRow(key: Array("r".utf8))
            var written: [String: [Int64]] = ["a": [], "b": []]
            var timestamp: Int64 = 1_000
            var most = 0
            var folds = 0
            for step in 0..<1_500 {
                timestamp += 1
                let qualifier = Bool.random(using: &random) ? "a" : "b"
                // Mostly increments (some resets), some rewrites of one of the last few versions
                // (same timestamp) and deletes of one of them, now and then a delete of the
                // row, family or cell: so a column often grows past the fold threshold.
                let roll = Int.random(in: 0..<1_000, using: &random)
                let recent = written[qualifier]!.suffix(8)
                let mutation: Cell
                if roll < 960 || recent.isEmpty {
                    let amount = Int.random(in: -50...50, using: &random)
                    let value = roll % 30 == 0 ? "=\(amount)" : (amount < 0 ? "\(amount)" : "+\(amount)")
                    let at = roll >= 930 && !recent.isEmpty ? recent.randomElement(using: &random)! : timestamp
                    mutation = cell("r", "c", qualifier, value, timestamp: at)
                    if at == timestamp { written[qualifier]!.append(at) }
                    _ = unfolded.insert(StoredCell(familyID: id, qualifier: Array(qualifier.utf8), timestamp: at, revision: 0,
                                                   value: Array(value.utf8)))
                } else {
                    let wholesale: [KeyFlag] = [.deleteRow, .deleteColumnFamily, .deleteCell]
                    let flag = roll < 990 ? .deleteCellVersion : wholesale.randomElement(using: &random)!
                    let at = flag == .deleteCellVersion ? recent.randomElement(using: &random)! : timestamp
                    mutation = cell("r", flag == .deleteRow ? "" : "c", qualifier, "", timestamp: at, flag: flag)
                    let marker = DeleteMarker(flag: flag, familyID: flag == .deleteRow ? 0 : id, qualifier: Array(qualifier.utf8),
                                              timestamp: at, revision: 0)
                    // What the marker hides can go now (the store did so before folding).
                    unfolded.cells.removeAll { marker.hides($0) }
                    unfolded.deletes.append(marker)
                }
                try write(f, [mutation])
                let stored = try storedCells(f, "t")
                most = max(most, stored)
                if stored < unfolded.cells.count { folds += 1 }
                if step % 7 != 0 { continue }
                let shown = try f.session.getCells(f.ns, "t", scanSpec: ScanSpec())
                    .map { "\(String(decoding: $0.key.columnQualifier, as: UTF8.self)) \(String(decoding: $0.value ?? [], as: UTF8.self)) @\($0.key.timestamp ?? 0)" }
                let expected = ScanCursor.collapsingCounters(unfolded, schema: schema, counterIDs: [id], now: 0)
                    .map { "\(String(decoding: $0.qualifier, as: UTF8.self)) \(String(decoding: $0.value, as: UTF8.self)) @\($0.timestamp)" }
                XCTAssertEqual(shown, expected, "round \(round), step \(step)")
                if shown != expected { return }
            }
            XCTAssertLessThanOrEqual(most, 2 * (CellCompaction.counterFoldThreshold + 1))
            XCTAssertGreaterThan(folds, 0, "the writes of round \(round) folded nothing")
        }
    }

    /// A family without MAX_VERSIONS: each round deletes the cell, writes a version older than
    /// the delete (hidden) and one newer (shown); then many versions older than the last
    /// delete. Only what a reader sees is kept.
    func testDeletingAndRewritingOneCellKeepsABoundedNumberOfCells() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try write(f, (0..<3).map { cell("r", "b", "", "b\($0)", timestamp: 10 + Int64($0)) })
        var most = 0
        for i in 0..<10_000 {
            let deleted = 1_000_000 + 3 * Int64(i)
            try write(f, [cell("r", "a", "", "", timestamp: deleted, flag: .deleteCell),
                          cell("r", "a", "", "hidden\(i)", timestamp: deleted - 1 - Int64(i % 50)),
                          cell("r", "a", "", "v\(i)", timestamp: deleted + 1)])
            most = max(most, try storedCells(f, "t"))
            if i % 1_000 == 999 {
                XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta\tv\(i)", "r\tb\tb2", "r\tb\tb1", "r\tb\tb0"])
                XCTAssertEqual(try f.lines("SELECT a FROM t WHERE ROW = 'r' AND TIMESTAMP < '\(deleted)'"), [])
            }
        }
        // Writes older than the last delete, and no delete after them to drop them.
        for i in 0..<10_000 { try write(f, [cell("r", "a", "", "late\(i)", timestamp: 100 + Int64(i))]) }
        most = max(most, try storedCells(f, "t"))
        XCTAssertLessThanOrEqual(most, 4)
        XCTAssertEqual(try f.lines("SELECT a FROM t"), ["r\ta\tv9999"])
        let withDeletes = try f.hql("SELECT a FROM t RETURN_DELETES").cells ?? []
        XCTAssertEqual(withDeletes.last?.key.flag, .insert, "the markers left, then the version they do not hide")
        XCTAssertEqual(Set(withDeletes.dropLast().map(\.key.flag)), [.deleteCell])
        XCTAssertLessThan(withDeletes.count, CellCompaction.markerCompactionThreshold + 1)
    }
}
