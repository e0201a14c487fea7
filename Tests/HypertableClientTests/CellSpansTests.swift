import Thrift
import TestSupport
import XCTest
@testable import HypertableClient

/// `HQLSpanResult` reads what `HQLResult` reads, with the cells left in the frame: the same
/// cells, the same errors, the same end offset.
final class CellSpansTests: XCTestCase {
    static let cells = [
        Cell(key: Key(row: Array("r1".utf8), columnFamily: "cf", columnQualifier: Array("a".utf8),
                      timestamp: 1_700_000_000_000_000_001, revision: 9), value: Array("v1".utf8)),
        Cell(key: Key(row: [0x00, 0xFF, 0x0A], columnFamily: "f\u{E9}", columnQualifier: [],
                      timestamp: nil, revision: nil, flag: .deleteCell), value: nil),
        Cell(key: Key(row: Array("r2".utf8), columnFamily: "cf", columnQualifier: [0xC3]), value: []),
    ]

    private func encoded(_ result: HQLResult) -> [UInt8] {
        var writer = ThriftBinaryWriter()
        writer.writeI32(7) // bytes before the struct: spans index the whole buffer, not the struct
        result.write(to: &writer)
        return writer.bytes
    }

    private func reader(_ bytes: [UInt8]) throws -> ThriftBinaryReader {
        var reader = ThriftBinaryReader(bytes)
        _ = try reader.readI32()
        return reader
    }

    func testSpansReadTheCellsAHQLResultReads() throws {
        let result = HQLResult(results: ["ok"], cells: Self.cells, scanner: 4, mutator: 5)
        let bytes = encoded(result)
        var whole = try reader(bytes)
        var inPlace = try reader(bytes)
        XCTAssertEqual(try HQLResult.read(from: &whole), result)
        let spans = try HQLSpanResult.read(from: &inPlace)
        XCTAssertEqual(inPlace.position, whole.position)
        XCTAssertEqual(spans.results, ["ok"])
        XCTAssertEqual(spans.scanner, 4)
        XCTAssertEqual(spans.mutator, 5)
        let cells = try XCTUnwrap(spans.cells)
        XCTAssertEqual(cells.cells, Self.cells)
        XCTAssertEqual(cells.bytes, bytes, "the spans index the reader's own bytes")
        XCTAssertEqual(Array(bytes[cells.spans[0].row]), Array("r1".utf8))
        XCTAssertNil(cells.spans[1].value)
        XCTAssertEqual(cells.spans[2].value?.count, 0)
    }

    func testAnIllFormedFamilyIsRepairedAsTheStringReaderDoes() throws {
        var writer = ThriftBinaryWriter()
        writer.writeFieldBegin(.list, id: 2)
        writer.writeListBegin(elementType: .struct, count: 1)
        writer.writeFieldBegin(.struct, id: 1)
        writer.writeBinaryField(1, Array("r".utf8))
        writer.writeBinaryField(2, [0x66, 0xFF])
        writer.writeFieldStop()
        writer.writeFieldStop()
        writer.writeFieldStop()
        var whole = ThriftBinaryReader(writer.bytes)
        var inPlace = ThriftBinaryReader(writer.bytes)
        let expected = try HQLResult.read(from: &whole).cells
        XCTAssertEqual(expected?.first?.key.columnFamily, "f\u{FFFD}")
        XCTAssertEqual(try HQLSpanResult.read(from: &inPlace).cells?.cells, expected)
    }

    func testUnknownFieldsAreSkippedAndARepeatedFieldWins() throws {
        var writer = ThriftBinaryWriter()
        writer.writeFieldBegin(.list, id: 2)
        writer.writeListBegin(elementType: .struct, count: 1)
        writer.writeBinaryField(2, Array("early".utf8))            // value before the key
        writer.writeFieldBegin(.struct, id: 1)
        writer.writeBinaryField(1, Array("first".utf8))
        writer.writeField(9, Int64(3))                              // unknown key field
        writer.writeBinaryField(1, Array("second".utf8))
        writer.writeFieldStop()
        writer.writeField(7, "unknown cell field")
        writer.writeFieldStop()
        writer.writeFieldStop()
        var whole = ThriftBinaryReader(writer.bytes)
        var inPlace = ThriftBinaryReader(writer.bytes)
        let expected = try XCTUnwrap(HQLResult.read(from: &whole).cells)
        XCTAssertEqual(expected.first?.key.row, Array("second".utf8))
        XCTAssertEqual(expected.first?.value, Array("early".utf8))
        XCTAssertEqual(try HQLSpanResult.read(from: &inPlace).cells?.cells, expected)
        XCTAssertEqual(inPlace.position, whole.position)
    }

    /// Every truncation and every single-byte change of a reply either reads the same way in
    /// both decoders or fails in both with the same error.
    func testDamagedRepliesFailAsTheyDoWhenReadWhole() throws {
        let bytes = encoded(HQLResult(results: ["x"], cells: Self.cells, scanner: 1))
        var variants: [[UInt8]] = (4..<bytes.count).map { Array(bytes[..<$0]) }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            var damaged = bytes
            damaged[Int.random(in: 4..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            variants.append(damaged)
        }
        for variant in variants {
            var whole = try reader(variant)
            var inPlace = try reader(variant)
            let expected = Result { try HQLResult.read(from: &whole) }
            let actual = Result { try HQLSpanResult.read(from: &inPlace) }
            switch (expected, actual) {
            case (.success(let result), .success(let spans)):
                XCTAssertEqual(spans.cells?.cells, result.cells)
                XCTAssertEqual(spans.results, result.results)
                XCTAssertEqual(spans.scanner, result.scanner)
                XCTAssertEqual(spans.mutator, result.mutator)
                XCTAssertEqual(inPlace.position, whole.position)
            case (.failure(let error), .failure(let spanError)):
                XCTAssertEqual(String(describing: spanError), String(describing: error))
            default:
                XCTFail("the decoders disagree on \(variant): \(expected) vs \(actual)")
            }
        }
    }

    func testCellsLaidOutInABufferOfTheirOwnComeBackWhole() {
        let spans = CellSpans(Self.cells)
        XCTAssertEqual(spans.count, 3)
        XCTAssertEqual(spans.cells, Self.cells)
        XCTAssertEqual(CellSpans([]).cells, [])
        let result = HQLSpanResult(HQLResult(results: ["r"], cells: Self.cells))
        XCTAssertEqual(result.cells?.cells, Self.cells)
        XCTAssertEqual(result.results, ["r"])
    }
}
