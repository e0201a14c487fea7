import XCTest
@testable import Support

/// The word tests give the same answer as looking at the eight bytes one by one, for every
/// byte at every place among neighbours that do and do not borrow.
final class WordBytesTests: XCTestCase {
    private let fillers: [UInt8] = [0x00, 0x01, 0x0D, 0x0E, 0x1F, 0x20, 0x22, 0x5C, 0x7F, 0x80, 0xFE, 0xFF]

    private func words(with byte: UInt8) -> [(word: UInt64, bytes: [UInt8])] {
        var out: [(UInt64, [UInt8])] = []
        for place in 0..<8 {
            for filler in fillers {
                var bytes = [UInt8](repeating: filler, count: 8)
                bytes[place] = byte
                out.append((bytes.withUnsafeBufferPointer { WordBytes.load($0.baseAddress!) }, bytes))
            }
        }
        return out
    }

    func testByteBelowALimit() {
        for limit: UInt8 in [0x01, 0x0E, 0x20, 0x80] {
            for byte in UInt8(0)...255 {
                for (word, bytes) in words(with: byte) {
                    XCTAssertEqual(WordBytes.containsByte(below: limit, in: word), bytes.contains { $0 < limit },
                                   "limit \(limit), bytes \(bytes)")
                }
            }
        }
    }

    func testAGivenByte() {
        for wanted: UInt8 in [0x00, 0x0A, 0x22, 0x5C, 0x80, 0xFF] {
            for byte in UInt8(0)...255 {
                for (word, bytes) in words(with: byte) {
                    XCTAssertEqual(WordBytes.contains(wanted, in: word), bytes.contains(wanted), "\(wanted) in \(bytes)")
                }
            }
        }
    }
}
