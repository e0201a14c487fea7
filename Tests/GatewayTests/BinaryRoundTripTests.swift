import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import XCTest

/// Row keys, qualifiers and values are bytes: every byte value survives a write and a read.
final class BinaryRoundTripTests: RESTTestCase {
    /// Row keys cannot hold 0x00 in Hypertable; every other byte is used in rows, all 256 in
    /// qualifiers and values.
    func testAll256ByteValuesRoundTripThroughBase64() throws {
        try createTable()
        let allBytes = (0...255).map { UInt8($0) }
        var body = "["
        for byte in 1...255 {
            let row: [UInt8] = [UInt8(byte), 0xFF, UInt8(byte)]
            if byte > 1 { body += "," }
            body += """
                {"row": "\(Base64.encodeString(row))", "column_family": "a",
                 "column_qualifier": "\(Base64.encodeString([UInt8(byte), 0]))",
                 "value": "\(Base64.encodeString(allBytes + [UInt8(byte)]))"}
                """
        }
        body += "]"
        let written = try send("POST", "/ns/test/tables/t/cells?encoding=base64", json: body)
        XCTAssertEqual(try object(written)["written"] as? Int, 255, written.bodyText)

        let scan = try cells(try send("GET", "/ns/test/tables/t/cells?encoding=base64"))
        XCTAssertEqual(scan.count, 255)
        for (index, cell) in scan.enumerated() {
            let byte = UInt8(index + 1)
            XCTAssertEqual(cell["row_encoding"] as? String, "base64")
            XCTAssertEqual((cell["row"] as? String).flatMap(Base64.decode), [byte, 0xFF, byte])
            XCTAssertEqual((cell["column_qualifier"] as? String).flatMap(Base64.decode), [byte, 0])
            XCTAssertEqual((cell["value"] as? String).flatMap(Base64.decode), allBytes + [byte])
        }

        // Without ?encoding=base64, invalid UTF-8 is base64 with a marker; the row read by a
        // percent-encoded path segment gives the same bytes.
        for byte in [UInt8(1), 0x2F, 0x25, 0x7F, 0x80, 0xC3, 0xFF] {
            let row: [UInt8] = [byte, 0xFF, byte]
            let response = try send("GET", "/ns/test/tables/t/rows/" + escaped(row))
            let cell = try XCTUnwrap(try cells(response).first, "row \(row): \(response.bodyText)")
            XCTAssertEqual(cell["row_encoding"] as? String, "base64")
            XCTAssertEqual((cell["row"] as? String).flatMap(Base64.decode), row)
            XCTAssertEqual(cell["value_encoding"] as? String, "base64")
            XCTAssertEqual((cell["value"] as? String).flatMap(Base64.decode), allBytes + [byte])
            // The same row addressed in base64.
            let viaBase64 = try send("GET", "/ns/test/tables/t/rows/" + escaped(Base64.encodeString(row)) + "?encoding=base64")
            XCTAssertEqual(try cells(viaBase64).count, 1)
            // And as a scan bound, percent-encoded in the query.
            let bounded = try send("GET", "/ns/test/tables/t/cells?start_row=\(escaped(row))&end_row=\(escaped(row))")
            XCTAssertEqual(try cells(bounded).count, 1)
        }
        let prefixed = try cells(try send("GET", "/ns/test/tables/t/cells?row_prefix=%FF"))
        XCTAssertEqual(prefixed.count, 1, "only row FF FF FF starts with FF")
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/t/rows/%80%FF%80").status, 204)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/%80%FF%80")).count, 0)
    }

    func testUTF8TextStaysTextAndControlCharactersAreEscaped() throws {
        try createTable()
        let value = "naïve 日本 \u{1F600} \"quoted\" \\ \u{0001}\n"
        let body = try JSONSerialization.data(withJSONObject: [["row": "ключ/1", "column_family": "a",
                                                                "column_qualifier": "ü", "value": value]])
        XCTAssertEqual(try send("POST", "/ns/test/tables/t/cells", json: String(decoding: body, as: UTF8.self)).status, 200)
        let cell = try XCTUnwrap(try cells(try send("GET", "/ns/test/tables/t/rows/" + escaped("ключ/1"))).first)
        XCTAssertEqual(cell["row"] as? String, "ключ/1")
        XCTAssertNil(cell["row_encoding"])
        XCTAssertEqual(cell["column_qualifier"] as? String, "ü")
        XCTAssertEqual(cell["value"] as? String, value)
        // The row path may also be written with its slash unencoded.
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/" + escaped("ключ") + "/1")).count, 1)
    }
}
