import TestSupport
import XCTest
@testable import Support

/// `UTF8Text` answers what `String(validating:as:)` answers, for ASCII and everything else.
final class UTF8TextTests: XCTestCase {
    func testAgreesWithTheStandardLibraryOnRandomBytes() {
        var generator = SeededGenerator(seed: 17)
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let expected = String(validating: bytes, as: UTF8.self)
            XCTAssertEqual(UTF8Text.string(bytes), expected, "\(bytes)")
            XCTAssertEqual(bytes.withUnsafeBufferPointer(UTF8Text.isValid), expected != nil)
            XCTAssertEqual(bytes.withUnsafeBufferPointer(UTF8Text.isASCII), bytes.allSatisfy { $0 < 0x80 })
        }
        XCTAssertEqual(UTF8Text.string([]), "")
        XCTAssertEqual(UTF8Text.string(Array("SELECT * FROM t WHERE ROW = 'é'".utf8)), "SELECT * FROM t WHERE ROW = 'é'")
    }
}
