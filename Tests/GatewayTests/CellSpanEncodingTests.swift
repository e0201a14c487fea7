import HypertableClient
import TestSupport
import XCTest
@testable import Gateway

/// Cells written from a reply's bytes (`CellSpans`) come out byte for byte as the same cells
/// written whole, in every format and encoding.
final class CellSpanEncodingTests: XCTestCase {
    /// Bytes that need escapes or are not ASCII, among plain ones; or, `plain`, only bytes JSON
    /// takes as they are (the cells written in one pass, `CellEncoding`'s common case).
    private func randomBytes(_ generator: inout SeededGenerator, plain: Bool = false) -> [UInt8] {
        let alphabet: [UInt8] = plain ? Array("ab~ /#0".utf8)
            : Array("ab\"\\\n\t/ é".utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF, 0xE2, 0x82, 0xAC]
        return (0..<Int.random(in: 0...(plain ? 40 : 6), using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
    }

    private func randomCells(_ count: Int, seed: UInt64, plain: Bool = false) -> [Cell] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let family = String(decoding: randomBytes(&generator, plain: plain), as: UTF8.self)
            let timestamp: Int64? = Bool.random(using: &generator) ? Int64.random(in: Int64.min...Int64.max, using: &generator) : nil
            let value: [UInt8]? = Bool.random(using: &generator) ? randomBytes(&generator, plain: plain) : nil
            return Cell(key: Key(row: randomBytes(&generator, plain: plain), columnFamily: family,
                                 columnQualifier: randomBytes(&generator, plain: plain),
                                 timestamp: timestamp, revision: nil, flag: KeyFlag.allCases.randomElement(using: &generator)!),
                        value: value)
        }
    }

    func testEveryFormatAndEncodingWritesTheSameBytes() {
        assertSpansWriteAsCells(randomCells(300, seed: 11))
    }

    func testPlainCellsWrittenInOnePassAreTheSameBytes() {
        // Every flag, timestamps of every size and sign or none, empty and absent values.
        assertSpansWriteAsCells(randomCells(300, seed: 12, plain: true))
        let extremes = [Int64.min, -1, 0, 9, 10, Int64.max].map { timestamp in
            Cell(key: Key(row: [], columnFamily: "", columnQualifier: [], timestamp: timestamp, revision: nil,
                          flag: .deleteColumnFamily), value: [])
        }
        assertSpansWriteAsCells(extremes)
    }

    private func assertSpansWriteAsCells(_ cells: [Cell], file: StaticString = #filePath, line: UInt = #line) {
        let half = cells.count / 2
        for format in [CellOutputFormat.json, .ndjson, .tsv] {
            for encoding in [CellEncoding(forceBase64: false), CellEncoding(forceBase64: true)] {
                var whole = CellBodyEncoder(format: format, encoding: encoding, withResults: true, capacity: 16)
                var inPlace = CellBodyEncoder(format: format, encoding: encoding, withResults: true, capacity: 16)
                for encoder in [0, 1] {
                    if encoder == 0 {
                        whole.begin(); whole.append(Array(cells[..<half])); whole.append(Array(cells[half...])); whole.end(results: ["r"])
                    } else {
                        inPlace.begin(); inPlace.append(CellSpans(Array(cells[..<half])))
                        inPlace.append(CellSpans(Array(cells[half...]))); inPlace.end(results: ["r"])
                    }
                }
                let expected = whole.finish()
                XCTAssertFalse(expected.isEmpty)
                XCTAssertEqual(String(decoding: inPlace.finish(), as: UTF8.self), String(decoding: expected, as: UTF8.self),
                               "\(format), base64 \(encoding.forceBase64)", file: file, line: line)
            }
        }
    }

    func testAWholeBodyInTheThreadBufferIsTheSameAsInABufferOfItsOwn() {
        // Bodies one after another on one thread share its buffer: each must come out whole and
        // alone, a large one (past the size a thread keeps) and the small ones after it too.
        for (index, count) in [3, 0, 400, 3, 1].enumerated() {
            let cells = randomCells(count, seed: UInt64(20 + index))
            for format in [CellOutputFormat.json, .ndjson] {
                let encoding = CellEncoding(forceBase64: false)
                var own = CellBodyEncoder(format: format, encoding: encoding, withResults: true, capacity: 16)
                own.begin(); own.append(cells); own.end(results: [])
                let threadBuffered = CellBodyEncoder.encodeWhole(format: format, encoding: encoding, withResults: true) {
                    $0.begin(); $0.append(CellSpans(cells)); $0.end(results: [])
                }
                XCTAssertEqual(String(decoding: threadBuffered, as: UTF8.self), String(decoding: own.finish(), as: UTF8.self),
                               "\(count) cells, \(format)")
            }
        }
    }

    func testAFamilyThatIsNotUTF8IsWrittenRepairedAsAReadKeyHasIt() {
        // A span can carry family bytes a `String` never holds; the key reader repairs them.
        let bytes: [UInt8] = Array("r".utf8) + [0x66, 0xFF]
        let span = CellSpan(row: 0..<1, columnFamily: 1..<3, columnQualifier: 3..<3, timestamp: nil, revision: nil,
                            flag: .insert, value: nil)
        var json = JSONWriter()
        bytes.withUnsafeBufferPointer { CellEncoding().write(span, in: $0, into: &json) }
        var expected = JSONWriter()
        CellEncoding().write(Cell(key: Key(row: Array("r".utf8), columnFamily: "f\u{FFFD}")), into: &expected)
        XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self), String(decoding: expected.bytes, as: UTF8.self))
    }
}
