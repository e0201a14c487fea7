import HypertableClient
@testable import HypertableEmulator
import XCTest

/// next_cells_serialized / next_row_serialized batches (SerializedScanBatches.swift).
final class SerializedScanTests: XCTestCase {
    func testSerializedBatchesAreCutWhereTheWriterRunsOutOfRoom() throws {
        // 40 bytes of room: each cell below reserves 9 + 1 + 3 + 0 + 10 + 1 + 8 = 32 (+ row,
        // + version on an empty buffer), so one cell per buffer.
        let f = try Fixture(broker: EmulatedBroker(nextCellsThreshold: 40))
        try f.hql("CREATE TABLE t (a)")
        try f.session.setCells(f.ns, "t", cells: ["r1", "r1", "r2"].enumerated().map {
            cell($0.element, "a", "q\($0.offset)", "0123456789", timestamp: 1)
        })
        let scanner = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var ends: [UInt8] = []
        var qualifiers: [String] = []
        for _ in 0..<4 {
            let buffer = try f.session.scannerNextCellsSerialized(scanner)
            var reader = try SerializedCellsReader(buffer)
            qualifiers.append(try reader.readAll().map { String(decoding: $0.key.columnQualifier, as: UTF8.self) }.joined())
            ends.append(buffer.last ?? 0)
        }
        XCTAssertEqual(qualifiers, ["q0", "q1", "q2", ""])
        XCTAssertEqual(ends, [0x01, 0x01, 0x03, 0x03])

        let rows = try f.session.scannerOpen(f.ns, "t", scanSpec: ScanSpec())
        var perRow: [[String]] = []
        for _ in 0..<3 {
            var reader = try SerializedCellsReader(try f.session.scannerNextRowSerialized(rows))
            perRow.append(try reader.readAll().map { String(decoding: $0.key.columnQualifier, as: UTF8.self) })
        }
        XCTAssertEqual(perRow, [["q0", "q1"], ["q2"], []], "a row is never cut, whatever the threshold")
    }
}
