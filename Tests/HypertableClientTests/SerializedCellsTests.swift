import XCTest
@testable import HypertableClient

/// The `CellsSerialized` codec against golden bytes. The Python client Hypertable publishes
/// (PyPI hypertable 0.9.8.10) ships no serialized-cells code, so the goldens come from
/// Hypertable's own Java client: `org.hypertable.thrift.SerializedCellsWriter`
/// (java/hypertable-common in Hypertable 0.9.8.11), growing mode, fed the same cells and
/// finalized with the flag named in each test. Its layout is the C++ writer's.
final class SerializedCellsTests: XCTestCase {
    private func bytes(_ hex: String) -> Bytes {
        var out: Bytes = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// r1 a:x ts 1234567890123 "v1"; r1 b (auto timestamp) ""; r2 a:q ts 5 DELETE_CELL;
    /// r3 ts -7 DELETE_ROW; EOS.
    private lazy var fourCellsGolden = bytes(
        "0100000040cb04fb711f01000072310061007800020000007631ff200062000000000000ff4005000000000000"
            + "0072320061007100000000000240f9ffffffffffffff7233000000000000000003")

    private let fourCells = [
        Cell(key: Key(row: Array("r1".utf8), columnFamily: "a", columnQualifier: Array("x".utf8), timestamp: 1_234_567_890_123),
             value: Array("v1".utf8)),
        Cell(key: Key(row: Array("r1".utf8), columnFamily: "b"), value: []),
        Cell(key: Key(row: Array("r2".utf8), columnFamily: "a", columnQualifier: Array("q".utf8), timestamp: 5,
                      flag: .deleteCell)),
        Cell(key: Key(row: Array("r3".utf8), timestamp: -7, flag: .deleteRow)),
    ]

    func testWriterMatchesHypertablesWriterByteForByte() throws {
        XCTAssertEqual(try SerializedCellsWriter.serialize(fourCells, flags: .endOfScan), fourCellsGolden)
    }

    func testAnEmptyBufferIsTheVersionAndTheEndByte() {
        var writer = SerializedCellsWriter()
        XCTAssertEqual(writer.finalize(.endOfScan), bytes("0100000003"))
        var plain = SerializedCellsWriter()
        XCTAssertEqual(plain.finalize(), bytes("0100000001"), "EOB alone: a batch cut short")
    }

    func testBinaryRowsQualifiersAndEveryValueByte() throws {
        let value = Bytes(0...255)
        let cell = Cell(key: Key(row: [0xff, 0xfe, 0x41], columnFamily: "c", columnQualifier: Array("é".utf8), timestamp: 1),
                        value: value)
        let golden = bytes("01000000400100000000000000fffe41006300c3a90000010000") + value + [0xff, 0x05]
        XCTAssertEqual(try SerializedCellsWriter.serialize([cell], flags: .flush), golden)
        var reader = try SerializedCellsReader(golden)
        XCTAssertEqual(try reader.readAll(), [cell])
        XCTAssertTrue(reader.flush)
        XCTAssertFalse(reader.endOfScan)
    }

    func testReaderReadsTheGoldenBack() throws {
        var reader = try SerializedCellsReader(fourCellsGolden)
        var expected = fourCells
        expected[2].value = []
        expected[3].value = []
        XCTAssertEqual(try reader.readAll(), expected)
        XCTAssertTrue(reader.endOfScan)
        XCTAssertNil(try reader.next(), "nothing after the end byte")
    }

    func testTimestampSentinelsAreWrittenAsTheCWriterWritesThem() throws {
        // AUTO_ASSIGN: AUTO_TIMESTAMP; TIMESTAMP_NULL: no timestamp flag (and no bytes).
        let cells = [Cell(key: Key(row: [0x72], columnFamily: "a", timestamp: SerializedCellsFormat.autoAssign), value: []),
                     Cell(key: Key(row: [0x72], columnFamily: "a", timestamp: SerializedCellsFormat.timestampNull), value: [])]
        XCTAssertEqual(try SerializedCellsWriter.serialize(cells),
                       bytes("01000000" + "20" + "720061000000000000ff" + "00" + "0061000000000000ff" + "03"))
        let writer = SerializedCellsWriter()
        // 9 + family + 3 + qualifier + value + 1, the version (4), the row (1); no timestamp.
        XCTAssertEqual(writer.reservedSize(of: cells[0]), 9 + 1 + 3 + 0 + 0 + 1 + 4 + 1)
    }

    func testWriterRefusesAnEmptyRow() {
        var writer = SerializedCellsWriter()
        XCTAssertThrowsError(try writer.add(Cell(key: Key(row: [], columnFamily: "a")))) { error in
            XCTAssertEqual((error as? ClientException)?.code, HypertableErrorCode.invalidArgument.rawValue)
        }
    }

    func testRowsFamiliesAndQualifiersEndAtTheirFirstNUL() throws {
        // The C++ writer takes them as C strings (strlen).
        let written = try SerializedCellsWriter.serialize(
            [Cell(key: Key(row: [0x61, 0, 0x62], columnFamily: "f", columnQualifier: [0x71, 0, 0x72], timestamp: 1), value: [7])])
        var reader = try SerializedCellsReader(written)
        let cell = try XCTUnwrap(try reader.next())
        XCTAssertEqual(cell.key.row, [0x61])
        XCTAssertEqual(cell.key.columnQualifier, [0x71])
    }

    func testReaderErrorsCarryTheCodesOfTheCReader() throws {
        func code(_ buffer: Bytes) -> Int32? {
            do {
                var reader = try SerializedCellsReader(buffer)
                _ = try reader.readAll()
                return nil
            } catch {
                return error.code
            }
        }
        XCTAssertEqual(code(bytes("020000000103")), HypertableErrorCode.serializationVersionMismatch.rawValue)
        XCTAssertEqual(code(bytes("010000")), HypertableErrorCode.serializationInputOverrun.rawValue)
        // Every truncation of a good buffer is an overrun (no end byte, or a cell cut short).
        for length in 4..<fourCellsGolden.count {
            XCTAssertEqual(code(Array(fourCellsGolden.prefix(length))), HypertableErrorCode.serializationInputOverrun.rawValue,
                           "cut at \(length)")
        }
        // A first cell that says "same row as before".
        XCTAssertEqual(code(bytes("01000000200000610000000000ff03")), HypertableErrorCode.badFormat.rawValue)
        // A value length past the end.
        XCTAssertEqual(code(bytes("0100000020720061000005000000ff")), HypertableErrorCode.serializationInputOverrun.rawValue)
        // A cell flag that is no KeyFlag.
        XCTAssertEqual(code(bytes("010000002072006100000000000007" + "01")), HypertableErrorCode.badKey.rawValue)
    }

    func testACellWithoutTimestampFlagsKeepsThePreviousTimestamp() throws {
        // SerializedCellsReader's timestamp member is only assigned for HAVE_TIMESTAMP or
        // AUTO_TIMESTAMP; flags 0 leave the previous cell's.
        var reader = try SerializedCellsReader(bytes(
            "01000000" + "40" + "0900000000000000" + "720061000000000000ff" + "00" + "0061000000000000ff" + "03"))
        let cells = try reader.readAll()
        XCTAssertEqual(cells.map(\.key.timestamp), [9, 9])
        XCTAssertEqual(cells.map(\.key.row), [[0x72], [0x72]])
    }

    func testRevisionFlags() throws {
        // REV_IS_TS: the revision is the timestamp; HAVE_REVISION: an i64 after it.
        var reader = try SerializedCellsReader(bytes(
            "01000000" + "50" + "0300000000000000" + "720061000000000000ff"
                + "c0" + "0400000000000000" + "0600000000000000" + "0061000000000000ff" + "01"))
        let cells = try reader.readAll()
        XCTAssertEqual(cells.map(\.key.timestamp), [3, 4])
        XCTAssertEqual(cells.map(\.key.revision), [3, 6])
    }

    func testReservedSizeIsTheCWritersLengthReckoning() throws {
        var writer = SerializedCellsWriter()
        let first = fourCells[0]
        // 9 + 1 + 3 + 1 + 2 + 1, the version (4), the row (2), the timestamp (8).
        XCTAssertEqual(writer.reservedSize(of: first), 31)
        try writer.add(first)
        // The same row: no row bytes; an auto timestamp: none either.
        XCTAssertEqual(writer.reservedSize(of: fourCells[1]), 9 + 1 + 3 + 0 + 0 + 1)
    }
}
