import HypertableClient
import TestSupport
import XCTest
@testable import Gateway

/// Cells written from a reply's bytes (`CellSpans`) come out byte for byte as the same cells
/// written whole, in every format and encoding.
final class CellSpanEncodingTests: XCTestCase {
    private func randomBytes(_ generator: inout SeededGenerator) -> [UInt8] {
        let alphabet: [UInt8] = Array("ab\"\\\n\t/ é".utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF, 0xE2, 0x82, 0xAC]
        return (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
    }

    private func randomCells(_ count: Int, seed: UInt64) -> [Cell] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let family = String(decoding: randomBytes(&generator), as: UTF8.self)
            let timestamp: Int64? = Bool.random(using: &generator) ? Int64.random(in: Int64.min...Int64.max, using: &generator) : nil
            let value: [UInt8]? = Bool.random(using: &generator) ? randomBytes(&generator) : nil
            return Cell(key: Key(row: randomBytes(&generator), columnFamily: family, columnQualifier: randomBytes(&generator),
                                 timestamp: timestamp, revision: nil, flag: KeyFlag.allCases.randomElement(using: &generator)!),
                        value: value)
        }
    }

    func testEveryFormatAndEncodingWritesTheSameBytes() {
        let cells = randomCells(300, seed: 11)
        for format in [CellOutputFormat.json, .ndjson, .tsv] {
            for encoding in [CellEncoding(forceBase64: false), CellEncoding(forceBase64: true)] {
                var whole = CellBodyEncoder(format: format, encoding: encoding, withResults: true, capacity: 16)
                var inPlace = CellBodyEncoder(format: format, encoding: encoding, withResults: true, capacity: 16)
                for encoder in [0, 1] {
                    if encoder == 0 {
                        whole.begin(); whole.append(Array(cells[..<150])); whole.append(Array(cells[150...])); whole.end(results: ["r"])
                    } else {
                        inPlace.begin(); inPlace.append(CellSpans(Array(cells[..<150])))
                        inPlace.append(CellSpans(Array(cells[150...]))); inPlace.end(results: ["r"])
                    }
                }
                let expected = whole.finish()
                XCTAssertFalse(expected.isEmpty)
                XCTAssertEqual(String(decoding: inPlace.finish(), as: UTF8.self), String(decoding: expected, as: UTF8.self),
                               "\(format), base64 \(encoding.forceBase64)")
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
