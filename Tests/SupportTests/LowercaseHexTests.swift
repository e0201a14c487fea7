import TestSupport
import XCTest
@testable import Support

final class LowercaseHexTests: XCTestCase {
    private func expected(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    func testEveryDigitAtEveryPlace() {
        var values: [UInt64] = [0, 1, 9, 10, 15, 16, 0xFF, .max, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210,
                                0xA000_0000_0000_0009, 0x9999_9999_AAAA_AAAA]
        for digit in UInt64(0)...15 {
            for place in UInt64(0)..<16 { values.append(digit << (4 * place)) }
        }
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<10_000 { values.append(generator.next()) }
        for value in values {
            XCTAssertEqual(LowercaseHex.string(value), expected(value))
        }
    }

    func testDigitsGoWhereTheyAreAskedFor() {
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 20)
        bytes.withUnsafeMutableBufferPointer { LowercaseHex.write(0xABCD, into: $0, at: 2) }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "--000000000000abcd--")
    }
}
