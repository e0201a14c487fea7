#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HypertableClient
@testable import HypertableEmulator
import XCTest

final class CellStoreTests: XCTestCase {
    private func key(_ i: Int) -> Bytes {
        let digits = String(i)
        return Array(("k" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits).utf8)
    }

    private func stored(_ value: String, family: Int32 = 1, timestamp: Int64 = 1) -> StoredCell {
        StoredCell(familyID: family, qualifier: [], timestamp: timestamp, revision: timestamp, value: Array(value.utf8))
    }

    func testRandomOrderInsertsKeepRowsSortedAcrossChunkSplits() {
        var store = CellStore()
        var generator = SystemRandomNumberGenerator()
        let count = CellStore.maxChunkRows * 7 + 13
        for i in (0..<count).shuffled(using: &generator) {
            store.insert(row: key(i), stored("v\(i)"))
        }
        // Every key a second time: replaces (same family, qualifier, timestamp), adds nothing.
        for i in (0..<count).shuffled(using: &generator) {
            store.insert(row: key(i), stored("w\(i)"))
        }
        XCTAssertEqual(store.rowCount, count)
        XCTAssertEqual(store.cellCount, count)
        let rows = store.rows
        XCTAssertEqual(rows.map(\.key), (0..<count).map(key))
        XCTAssertEqual(rows.map { String(decoding: $0.cells[0].value, as: UTF8.self) }, (0..<count).map { "w\($0)" })

        // Walking by position gives the same order, from any starting key.
        let from = count / 3
        var position = store.firstRow(atOrAfter: key(from))
        var walked: [Bytes] = []
        while let row = store.row(at: position) {
            walked.append(row.key)
            position = store.position(after: position)
        }
        XCTAssertEqual(walked, (from..<count).map(key))
        XCTAssertEqual(store.row(at: store.firstRow(atOrAfter: key(from), strictlyAfter: true))?.key, key(from + 1))
        XCTAssertNil(store.row(at: store.firstRow(atOrAfter: key(count))))
    }

    func testRemovingRowsByPrefixAcrossChunksKeepsTheRestInOrder() {
        var store = CellStore()
        let count = CellStore.maxChunkRows * 5
        var generator = SystemRandomNumberGenerator()
        for prefix in ["a", "b", "c"] {
            for i in (0..<count).shuffled(using: &generator) { store.insert(row: Array(prefix.utf8) + key(i), stored("v")) }
        }
        XCTAssertEqual(store.removeRows(withPrefix: Array("b".utf8)), count)
        XCTAssertEqual(store.rowCount, 2 * count)
        XCTAssertEqual(store.cellCount, 2 * count)
        let expected = ["a", "c"].flatMap { p in (0..<count).map { Array(p.utf8) + key($0) } }
        XCTAssertEqual(store.rows.map(\.key), expected)
        var walked: [Bytes] = []
        var position = store.firstRow(atOrAfter: [])
        while let row = store.row(at: position) {
            walked.append(row.key)
            position = store.position(after: position)
        }
        XCTAssertEqual(walked, expected)
        XCTAssertEqual(store.removeRows(withPrefix: Array("c".utf8)), count)
        XCTAssertEqual(store.removeRows(withPrefix: Array("b".utf8)), 0)
        XCTAssertEqual(store.rows.map(\.key), Array(expected.prefix(count)))
    }

    func testVersionsWithinARowStayNewestFirstWhateverTheOrder() {
        var store = CellStore()
        for t in [5, 1, 9, 3, 7] as [Int64] { store.insert(row: Array("r".utf8), stored("v\(t)", timestamp: t)) }
        store.insert(row: Array("r".utf8), stored("f0", family: 0, timestamp: 4))
        let cells = store.rows[0].cells
        XCTAssertEqual(cells.map(\.timestamp), [4, 9, 7, 5, 3, 1])
        XCTAssertEqual(cells.map(\.familyID), [0, 1, 1, 1, 1, 1])
    }

    func testScannerSeesRowsInsertedInRandomOrderThroughMutators() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let mutator = try f.session.mutatorOpen(f.ns, "t", flags: 0, flushInterval: 0)
        let count = 5000
        var order = Array(0..<count)
        order.shuffle()
        for start in stride(from: 0, to: count, by: 1000) {
            let batch = order[start..<min(count, start + 1000)].map { i in
                Cell(key: Key(row: key(i), columnFamily: "a"), value: Array("value".utf8))
            }
            try f.session.mutatorSetCells(mutator, cells: batch)
        }
        try f.session.mutatorClose(mutator)
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var rows: [Bytes] = []
        while true {
            let batch = try f.session.scannerNextCells(scanner)
            if batch.isEmpty { break }
            rows += batch.map(\.key.row)
        }
        try f.session.scannerClose(scanner)
        XCTAssertEqual(rows, (0..<count).map(key))
    }

}
