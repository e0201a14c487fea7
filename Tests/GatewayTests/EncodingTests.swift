import Foundation
@testable import Gateway
import HypertableClient
import XCTest

final class EncodingTests: XCTestCase {
    func testJSONWriterEscapesPerRFC8259() throws {
        var json = JSONWriter()
        json.beginObject()
        json.field("quote\"back\\slash", "line\nfeed\ttab\r\u{01}\u{1F}é😀")
        json.key("list")
        json.beginArray()
        json.int(-5)
        json.bool(true)
        json.null()
        json.beginObject()
        json.endObject()
        json.endArray()
        json.endObject()
        let text = String(decoding: json.bytes, as: UTF8.self)
        XCTAssertEqual(text, #"{"quote\"back\\slash":"line\nfeed\ttab\r\u0001\u001fé😀","list":[-5,true,null,{}]}"#)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        XCTAssertEqual(parsed["quote\"back\\slash"] as? String, "line\nfeed\ttab\r\u{01}\u{1F}é😀")
    }

    func testBase64RoundTripsEveryLengthAndRejectsGarbage() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = String(decoding: Base64Text.encode(bytes), as: UTF8.self)
            XCTAssertEqual(encoded, Data(bytes).base64EncodedString())
            XCTAssertEqual(Base64Text.decode(encoded), bytes)
        }
        XCTAssertNil(Base64Text.decode("ab$d"))
        XCTAssertNil(Base64Text.decode("ab=c"))
        XCTAssertEqual(Base64Text.decode("YWI"), Array("ab".utf8))
        XCTAssertEqual(Base64Text.decode("YQ=="), Array("a".utf8))
        XCTAssertEqual(Base64Text.decode("YQ"), Array("a".utf8))
        XCTAssertEqual(Base64Text.decode(""), [])
        XCTAssertNil(Base64Text.decode("Y"), "no length of base64 leaves one character")
        XCTAssertNil(Base64Text.decode("YQ==YQ=="), "padding only at the end")
        XCTAssertNil(Base64Text.decode("YWJj\n"), "no whitespace")
    }

    func testCellEncodingUsesStringsForUTF8AndMarkedBase64Otherwise() throws {
        let cell = Cell(key: Key(row: Array("row".utf8), columnFamily: "cf", columnQualifier: [0xFF, 0x00],
                                 timestamp: 1_764_170_000_000_000_001), value: Array("välue".utf8))
        var json = JSONWriter()
        CellEncoding().write(cell, into: &json)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        XCTAssertEqual(object["row"] as? String, "row")
        XCTAssertNil(object["row_encoding"])
        XCTAssertEqual(object["column_qualifier"] as? String, "/wA=")
        XCTAssertEqual(object["column_qualifier_encoding"] as? String, "base64")
        XCTAssertEqual(object["value"] as? String, "välue")
        XCTAssertEqual(object["timestamp"] as? String, "1764170000000000001")

        var forced = JSONWriter()
        CellEncoding(forceBase64: true).write(cell, into: &forced)
        let forcedObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(forced.bytes)) as? [String: Any])
        XCTAssertEqual(forcedObject["row"] as? String, "cm93")
        XCTAssertEqual(forcedObject["row_encoding"] as? String, "base64")
        XCTAssertEqual(forcedObject["value_encoding"] as? String, "base64")
    }

    func testUTF8Validation() {
        XCTAssertTrue(isValidUTF8(Array("plain".utf8)))
        XCTAssertTrue(isValidUTF8(Array("日本".utf8)))
        XCTAssertFalse(isValidUTF8([0xC3]))
        XCTAssertFalse(isValidUTF8([0xED, 0xA0, 0x80]))  // a surrogate half
        XCTAssertFalse(isValidUTF8([0xC0, 0x80]))  // overlong NUL
    }
}
