import XCTest
@testable import HypertableClient

/// `CellAsArray` both ways, as ThriftBroker.cc's `convert_cell` overloads convert.
final class CellAsArrayTests: XCTestCase {
    func testReplyCellsAreFiveStringsWithAnUnsignedDecimalTimestamp() {
        let cell = Cell(key: Key(row: Array("r".utf8), columnFamily: "f", timestamp: 42), value: nil)
        XCTAssertEqual(CellAsArray.encode(cell), [Array("r".utf8), Array("f".utf8), [], [], Array("42".utf8)])
        let negative = Cell(key: Key(row: [1], columnFamily: "f", timestamp: -1), value: [9])
        XCTAssertEqual(String(decoding: CellAsArray.encode(negative)[4], as: UTF8.self), "18446744073709551615")
    }

    func testArgumentCellsTakeOneToSevenElements() throws {
        let full = try CellAsArray.decode(["r", "f", "q", "v", "5", "6", "2"].map { Array($0.utf8) })
        XCTAssertEqual(full, Cell(key: Key(row: Array("r".utf8), columnFamily: "f", columnQualifier: Array("q".utf8),
                                           timestamp: 5, revision: 6, flag: .deleteCell), value: Array("v".utf8)))
        let short = try CellAsArray.decode([Array("r".utf8), Array("f".utf8)])
        XCTAssertEqual(short, Cell(key: Key(row: Array("r".utf8), columnFamily: "f"), value: nil))
        for size in [0, 8] {
            XCTAssertThrowsError(try CellAsArray.decode(Array(repeating: Array("1".utf8), count: size))) { error in
                XCTAssertEqual(error as? ClientException, ClientException(.badKey, "CellAsArray: bad size: \(size)"))
            }
        }
    }

    func testNumbersAreReadAsStrtollWithBaseZero() throws {
        let cases: [(String, Int64?)] = [
            ("0x1F", 31), ("010", 8), ("0", 0), (" 12", 12), ("+3", 3), ("-3", -3), ("", 0),
            ("12 ", nil), ("0x", nil), ("-", nil), ("08", nil), ("abc", nil), (" ", nil),
            ("99999999999999999999", Int64.max), ("-99999999999999999999", Int64.min),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(CellAsArray.strtollBase0(Array(text.utf8)), expected, "'\(text)'")
        }
        XCTAssertThrowsError(try CellAsArray.decode(["r", "f", "", "", "1", "1", "256"].map { Array($0.utf8) }))
        XCTAssertThrowsError(try CellAsArray.decode(["r", "f", "", "", "soon"].map { Array($0.utf8) })) { error in
            XCTAssertEqual(error as? ClientException, ClientException(.badKey, "Error converting soon to timestamp"))
        }
    }
}
