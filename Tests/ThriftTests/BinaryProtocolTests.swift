import XCTest
@testable import Thrift

final class BinaryProtocolTests: XCTestCase {
    func testScalarsRoundTripBigEndian() throws {
        var writer = ThriftBinaryWriter()
        writer.writeBool(true)
        writer.writeBool(false)
        writer.writeByte(-2)
        writer.writeI16(-300)
        writer.writeI32(0x0102_0304)
        writer.writeI64(Int64.min)
        writer.writeDouble(-1.5)
        writer.writeString("héllo")
        writer.writeBinary([0xFF, 0x00])
        XCTAssertEqual(Array(writer.bytes[0..<9]), [1, 0, 0xFE, 0xFE, 0xD4, 1, 2, 3, 4])

        var reader = ThriftBinaryReader(writer.bytes)
        XCTAssertEqual(try reader.readBool(), true)
        XCTAssertEqual(try reader.readBool(), false)
        XCTAssertEqual(try reader.readByte(), -2)
        XCTAssertEqual(try reader.readI16(), -300)
        XCTAssertEqual(try reader.readI32(), 0x0102_0304)
        XCTAssertEqual(try reader.readI64(), Int64.min)
        XCTAssertEqual(try reader.readDouble(), -1.5)
        XCTAssertEqual(try reader.readString(), "héllo")
        XCTAssertEqual(try reader.readBinary(), [0xFF, 0x00])
        XCTAssertTrue(reader.isAtEnd)
    }

    func testAReaderOfARangeReadsOnlyThoseBytes() throws {
        // A frame inside a larger buffer (`FramedTransport.readFrameInPlace`): bytes before and
        // after it are never read, and a value running past its end is truncated there.
        var writer = ThriftBinaryWriter()
        writer.writeI32(7)
        writer.writeBinary([1, 2, 3])
        let buffer: [UInt8] = [0xEE, 0xEE] + writer.bytes + [0x00, 0x00, 0x00, 0x09]
        var reader = ThriftBinaryReader(buffer, range: 2..<(2 + writer.bytes.count))
        XCTAssertEqual(reader.position, 2)
        XCTAssertEqual(reader.remaining, writer.bytes.count)
        XCTAssertEqual(try reader.readI32(), 7)
        XCTAssertEqual(try reader.readBinaryRange(), 10..<13, "ranges index the whole buffer")
        XCTAssertTrue(reader.isAtEnd)
        XCTAssertThrowsError(try reader.readI32()) { error in
            guard case ThriftError.truncated = error else { return XCTFail("\(error)") }
        }
        var short = ThriftBinaryReader(buffer, range: 2..<8)
        XCTAssertEqual(try short.readI32(), 7)
        XCTAssertThrowsError(try short.readBinaryRange(), "the length runs past the range's end")
    }

    func testMessageHeaderIsStrictVersionOne() throws {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: "status", type: .reply, sequenceID: -5)
        XCTAssertEqual(Array(writer.bytes[0..<4]), [0x80, 0x01, 0x00, 0x02])
        var reader = ThriftBinaryReader(writer.bytes)
        XCTAssertEqual(try reader.readMessageBegin(), ThriftMessageHeader(name: "status", type: .reply, sequenceID: -5))
    }

    func testMessageHeaderReadExpectingANameCarriesTheNameItRead() throws {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: "hql_query", type: .reply, sequenceID: 7)
        for (expected, named) in [("hql_query", "hql_query"), ("hql_querz", "hql_query"), ("hql", "hql_query"),
                                  ("a_much_longer_method_name", "hql_query")] {
            var reader = ThriftBinaryReader(writer.bytes)
            XCTAssertEqual(try reader.readMessageBegin(expecting: expected),
                           ThriftMessageHeader(name: named, type: .reply, sequenceID: 7), "expecting \(expected)")
            XCTAssertTrue(reader.isAtEnd)
        }
        var truncated = ThriftBinaryReader(Array(writer.bytes.dropLast(6)))
        XCTAssertThrowsError(try truncated.readMessageBegin(expecting: "hql_query"))
    }

    func testContainersAndUnknownFieldsAreSkipped() throws {
        var writer = ThriftBinaryWriter()
        writer.writeFieldBegin(.map, id: 9)
        writer.writeMapBegin(keyType: .string, valueType: .list, count: 1)
        writer.writeString("k")
        writer.writeListBegin(elementType: .double, count: 2)
        writer.writeDouble(1)
        writer.writeDouble(2)
        writer.writeField(2, Int32(77))
        writer.writeFieldBegin(.set, id: 3)
        writer.writeSetBegin(elementType: .i16, count: 1)
        writer.writeI16(5)
        writer.writeFieldStop()

        var reader = ThriftBinaryReader(writer.bytes)
        var seen: Int32?
        try reader.readStruct { reader, field in
            guard field.id == 2 else { return false }
            seen = try reader.read(Int32.self, for: field, in: "Test")
            return true
        }
        XCTAssertEqual(seen, 77)
        XCTAssertTrue(reader.isAtEnd)
        XCTAssertEqual(reader.depth, 0)
    }

    func testListsOfCodablesRoundTrip() throws {
        var writer = ThriftBinaryWriter()
        writer.writeField(1, ["a", "", "ç"])
        writer.writeField(2, [[Int64(1)], [], [Int64.max]])
        writer.writeField(3, ThriftBinary([0, 1, 255]))
        writer.writeField(4, Int32?.none)
        writer.writeFieldStop()
        var reader = ThriftBinaryReader(writer.bytes)
        var strings: [String] = [], nested: [[Int64]] = [], binary: [UInt8] = []
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: strings = try reader.read([String].self, for: field, in: "T")
            case 2: nested = try reader.read([[Int64]].self, for: field, in: "T")
            case 3: binary = try reader.readBinary(for: field, in: "T")
            default: XCTFail("unexpected field \(field.id)"); return false
            }
            return true
        }
        XCTAssertEqual(strings, ["a", "", "ç"])
        XCTAssertEqual(nested, [[1], [], [Int64.max]])
        XCTAssertEqual(binary, [0, 1, 255])
    }

    func testInvalidUTF8InAStringIsReplacedNotFatal() throws {
        var writer = ThriftBinaryWriter()
        writer.writeBinary([0x61, 0xFF, 0x62])
        var reader = ThriftBinaryReader(writer.bytes)
        XCTAssertEqual(try reader.readString(), "a\u{FFFD}b")
    }

    func testFramedBytesWithAndWithoutReservedHeaderAgree() {
        var reserved = ThriftBinaryWriter(reservingFrameHeader: true)
        var plain = ThriftBinaryWriter()
        reserved.writeString("abc")
        plain.writeString("abc")
        XCTAssertEqual(reserved.framedBytes(), [0, 0, 0, 7, 0, 0, 0, 3, 0x61, 0x62, 0x63])
        XCTAssertEqual(plain.framedBytes(), reserved.framedBytes())
        // Taken out, the frame is the same, and a copy of the writer made before keeps its bytes.
        var taken = reserved, unframed = plain
        let kept = taken
        XCTAssertEqual(taken.takeFramedBytes(), reserved.framedBytes())
        XCTAssertEqual(unframed.takeFramedBytes(), reserved.framedBytes())
        XCTAssertEqual(kept.bytes, reserved.bytes)
        XCTAssertEqual(taken.bytes, [], "the writer is left empty")
        taken.reset()
        taken.writeString("z")
        XCTAssertEqual(taken.framedBytes(), [0, 0, 0, 5, 0, 0, 0, 1, 0x7A])
        XCTAssertEqual(Array(reserved.body), plain.bytes)
        reserved.reset()
        XCTAssertEqual(reserved.bodyCount, 0)
    }

    func testAWriterReusingASentFrameWritesTheSameFrameAsANewOne() {
        var first = ThriftBinaryWriter(reservingFrameHeader: true)
        first.writeMessageBegin(name: "a_longer_method_name", type: .call, sequenceID: 1)
        first.writeString(String(repeating: "x", count: 300))
        let sent = first.takeFramedBytes()
        var kept = sent  // a copy still held elsewhere: reusing must not write into it
        var reused = ThriftBinaryWriter(reusing: sent, minimumCapacity: 16, reservingFrameHeader: true)
        var fresh = ThriftBinaryWriter(reservingFrameHeader: true)
        for writer in [0, 1] {
            func write(_ writer: inout ThriftBinaryWriter) {
                writer.writeMessageBegin(name: "hql_query", type: .call, sequenceID: 2)
                writer.writeI64(-2)
                writer.writeFieldStop()
            }
            if writer == 0 { write(&reused) } else { write(&fresh) }
        }
        XCTAssertEqual(reused.takeFramedBytes(), fresh.takeFramedBytes())
        XCTAssertEqual(kept, sent)
        kept.removeAll()
        var unframed = ThriftBinaryWriter(reusing: [1, 2, 3])
        unframed.writeByte(9)
        XCTAssertEqual(unframed.bytes, [9])
    }
}
