import XCTest
@testable import Thrift

/// Malformed and hostile input: every case must end in a `ThriftError`, never a trap or an
/// allocation sized by the attacker.
final class HostileInputTests: XCTestCase {
    private func parseMessage(_ bytes: [UInt8], maxDepth: Int = ThriftBinaryReader.defaultMaxDepth) throws {
        var reader = ThriftBinaryReader(bytes, maxDepth: maxDepth)
        _ = try reader.readMessageBegin()
        _ = try DynamicValue.read(.struct, from: &reader)
    }

    private func assertThriftError(_ bytes: [UInt8], maxDepth: Int = ThriftBinaryReader.defaultMaxDepth,
                                   file: StaticString = #filePath, line: UInt = #line,
                                   _ check: (ThriftError) -> Bool = { _ in true }) {
        do {
            try parseMessage(bytes, maxDepth: maxDepth)
            XCTFail("expected a ThriftError", file: file, line: line)
        } catch let error as ThriftError {
            XCTAssertTrue(check(error), "unexpected \(error)", file: file, line: line)
        } catch {
            XCTFail("not a ThriftError: \(error)", file: file, line: line)
        }
    }

    /// A message header for a call, then whatever `body` holds.
    private func message(_ body: [UInt8]) -> [UInt8] {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: "m", type: .call, sequenceID: 1)
        return writer.bytes + body
    }

    func testEveryTruncationOfEveryGoldenMessageIsATruncationError() throws {
        for name in goldenNames {
            let body = splitFrame(try goldenFrame(name)).body
            for length in 0..<body.count {
                assertThriftError(Array(body[0..<length])) { error in
                    if case .truncated = error { return true }
                    if case .lengthExceedsRemaining = error { return true }
                    return false
                }
            }
            XCTAssertNoThrow(try parseMessage(body), name)
        }
    }

    func testNegativeStringLength() {
        // field 1: string with length -1
        assertThriftError(message([11, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0])) { error in
            if case .negativeLength(_, _, -1) = error { return true }
            return false
        }
    }

    func testNegativeListCount() {
        assertThriftError(message([15, 0, 1, 8, 0x80, 0, 0, 0, 0])) { error in
            if case .negativeLength(_, _, Int32.min) = error { return true }
            return false
        }
    }

    func testHugeLengthsAreRefusedBeforeAllocating() {
        // A 2 GiB string, a list of 2^31-1 i64s, a map of 2^31-1 entries: only a few bytes follow.
        assertThriftError(message([11, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3])) { error in
            if case .lengthExceedsRemaining(_, _, Int(Int32.max), 3) = error { return true }
            return false
        }
        assertThriftError(message([15, 0, 1, 10, 0x7F, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 16)))
        assertThriftError(message([13, 0, 1, 11, 12, 0x7F, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 16)))
        // A list of structs may hold one element per remaining byte, but not one more.
        assertThriftError(message([15, 0, 1, 12, 0, 0, 0, 3, 0, 0]))
    }

    func testHugeCountsAreRefusedByTypedListDecoding() throws {
        let bytes: [UInt8] = [12, 0x7F, 0xFF, 0xFF, 0xFF, 0]
        var reader = ThriftBinaryReader(bytes)
        XCTAssertThrowsError(try [ThriftApplicationException].read(from: &reader)) { error in
            XCTAssertEqual(error as? ThriftError,
                           .lengthExceedsRemaining(what: "list", offset: 1, length: Int(Int32.max), remaining: 1))
        }
    }

    func testWrongFieldTypesAreTypedErrors() throws {
        // TApplicationException whose message (field 1) arrives as an i32.
        var reader = ThriftBinaryReader([8, 0, 1, 0, 0, 0, 1, 0])
        XCTAssertThrowsError(try ThriftApplicationException.read(from: &reader)) { error in
            XCTAssertEqual(error as? ThriftError,
                           .wrongFieldType(structName: "TApplicationException", fieldID: 1, expected: .string, actual: .i32))
        }
        // A list<string> read where the wire says list<i32>.
        reader = ThriftBinaryReader([8, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertThrowsError(try [String].read(from: &reader)) { error in
            XCTAssertEqual(error as? ThriftError, .wrongElementType(what: "list", expected: .string, actual: .i32))
        }
    }

    func testUndefinedTypeCodes() {
        assertThriftError(message([7, 0, 1, 0])) { error in
            if case .invalidType(code: 7, _) = error { return true }
            return false
        }
        assertThriftError(message([15, 0, 1, 99, 0, 0, 0, 1, 0]))
        // A container of `stop`s is meaningless.
        assertThriftError(message([15, 0, 1, 0, 0, 0, 0, 1, 0, 0]))
    }

    func testDeepNestingHitsTheDepthLimit() throws {
        // 10,000 nested structs, then nested lists: the limit stops both long before the stack.
        let depth = 10_000
        var structs: [UInt8] = []
        for _ in 0..<depth { structs += [12, 0, 1] }
        structs += [UInt8](repeating: 0, count: depth + 1)
        assertThriftError(message(structs)) { error in
            if case .depthExceeded(limit: 64, _) = error { return true }
            return false
        }
        var reader = ThriftBinaryReader(message(structs))
        _ = try reader.readMessageBegin()
        XCTAssertThrowsError(try reader.skip(.struct)) { error in
            guard case .depthExceeded? = error as? ThriftError else { return XCTFail("\(error)") }
        }

        var lists: [UInt8] = [15, 0, 1]
        for _ in 0..<depth { lists += [15, 0, 0, 0, 1] }
        lists += [8, 0, 0, 0, 0, 0]
        reader = ThriftBinaryReader(message(lists))
        _ = try reader.readMessageBegin()
        XCTAssertThrowsError(try reader.skip(.struct)) { error in
            guard case .depthExceeded? = error as? ThriftError else { return XCTFail("\(error)") }
        }
        // Within the limit the same shape is fine.
        var shallow: [UInt8] = []
        for _ in 0..<10 { shallow += [12, 0, 1] }
        shallow += [UInt8](repeating: 0, count: 11)
        XCTAssertNoThrow(try parseMessage(message(shallow)))
    }

    func testBadVersionBytes() {
        for first: [UInt8] in [[0x80, 0x02, 0, 1], [0x00, 0x00, 0x00, 0x04], [0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0, 1]] {
            assertThriftError(first + [0, 0, 0, 1, 0x6D, 0, 0, 0, 0, 0]) { error in
                if case .badVersion = error { return true }
                return false
            }
        }
        assertThriftError([0x80, 0x01, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0]) { error in
            error == .invalidMessageType(9)
        }
    }

    func testOversizedAndNegativeFrameHeaders() throws {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        decoder.append([0, 0, 4, 1])
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? ThriftError, .frameTooLarge(length: 1025, limit: 1024))
        }
        decoder = FrameDecoder()
        decoder.append([0x7F, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? ThriftError, .frameTooLarge(length: Int(Int32.max), limit: 16 * 1024 * 1024))
        }
        decoder = FrameDecoder()
        decoder.append([0xFF, 0xFF, 0xFF, 0xFE])
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? ThriftError, .negativeFrameLength(-2))
        }
        decoder = FrameDecoder(maxFrameSize: 1024)
        decoder.append([0, 0, 4, 0])
        XCTAssertNil(try decoder.nextFrame(), "a legal header waits for its body")
    }

    func testRandomGarbageNeverTraps() {
        var generator = XorShiftGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var bytes = [0x80, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0] as [UInt8]
            for _ in 0..<count { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
            do { try parseMessage(bytes) } catch is ThriftError {} catch { XCTFail("\(error)") }
        }
    }
}

/// A fixed-seed generator, so a failing garbage input can be reproduced.
struct XorShiftGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
