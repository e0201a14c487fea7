import Foundation
import HypertableClient
import TestSupport
import XCTest
@testable import Gateway

/// `PlainJSONObject` reads only what `JSONSerialization` reads the same way, and an uploaded
/// record becomes the same cell (or the same refusal) whichever reader took it.
final class PlainJSONObjectTests: XCTestCase {
    private let names: [StaticString] = ["row", "value", "flag"]

    private func parse(_ text: String) -> [String?]? {
        Array(text.utf8).withUnsafeBufferPointer { PlainJSONObject.parse($0, names: names) }
    }

    func testPlainObjectsAreRead() throws {
        XCTAssertEqual(parse(" {\"value\" : \"v é\",\t\"row\":\"r1\"}\r\n"), ["r1", "v é", nil])
        XCTAssertEqual(parse("{}"), [nil, nil, nil])
    }

    func testEverythingElseIsLeftToTheFullParser() {
        for text in ["", "[]", "\"row\"", "{\"row\":\"a\\nb\"}", "{\"row\":1}", "{\"row\":null}", "{\"row\":true}",
                     "{\"row\":{}}", "{\"row\":\"a\",\"row\":\"b\"}", "{\"row\":\"a\"} x", "{\"row\":\"a\",}",
                     "{\"row\" \"a\"}", "{row:\"a\"}", "{\"row\":\"a\u{01}\"}", "{\"row\":\"a\"", "{\"row\":\"a",
                     "\u{FEFF}{\"row\":\"a\"}", "{\"row\":\"a\"}{}", "{\"other\":\"a\"}", "{\"ro\\u0077\":\"a\"}",
                     "{\"rows\":\"a\"}", "{\"ro\":\"a\"}"] {
            XCTAssertNil(parse(text), text)
        }
        let invalidUTF8: [UInt8] = Array("{\"row\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        XCTAssertNil(invalidUTF8.withUnsafeBufferPointer { PlainJSONObject.parse($0, names: names) })
    }

    private func outcome(_ body: () throws -> Cell) -> String {
        do { return "cell \(try body())" } catch let problem as Problem {
            return "problem \(problem.status) \(problem.detail)"
        } catch { return "error \(error)" }
    }

    /// Records built from pieces that each reader handles differently (escapes, numbers, null,
    /// unknown and repeated members, base64 markers, bad flags), then damaged at random: every
    /// one gives the same cell or the same problem both ways.
    func testARecordBecomesTheSameCellEitherWay() {
        let members = ["\"row\":\"r1\"", "\"row\":\"\"", "\"row\":\"cm93\"", "\"row_encoding\":\"base64\"",
                       "\"row\":\"a\\\"b\"", "\"column_family\":\"cf\"", "\"column_family\":\"\"", "\"column_family\":7",
                       "\"column_qualifier\":\"q\"", "\"column_qualifier_encoding\":\"utf8\"", "\"value\":\"v\"",
                       "\"value\":null", "\"value_encoding\":\"base64\"", "\"value\":\"!!\"", "\"timestamp\":\"12\"",
                       "\"timestamp\":12", "\"timestamp\":\"x\"", "\"flag\":\"delete_row\"", "\"flag\":\"delete_cell_version\"",
                       "\"flag\":\"nope\"", "\"extra\":\"e\"", "\"value\":\"\u{E9}\""]
        var generator = SeededGenerator(seed: 13)
        for round in 0..<3_000 {
            let chosen = (0..<Int.random(in: 0...6, using: &generator)).map { _ in members.randomElement(using: &generator)! }
            var bytes = Array(("{" + chosen.joined(separator: ",") + "}").utf8)
            if round % 3 == 0 && !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let record = Data(bytes)
            for encoding in [CellEncoding(forceBase64: false), CellEncoding(forceBase64: true)] {
                let fast = outcome { try CellInput.cell(record: record, encoding: encoding, position: "line 1") }
                let full = outcome {
                    try CellInput.cell(CellInput.parse(record, what: "line 1"), encoding: encoding, position: "line 1")
                }
                XCTAssertEqual(fast, full, String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}
