import XCTest
@testable import Thrift

/// The golden frames come from the Thrift compiler's Python code; our reader must parse them
/// and our writer must reproduce them byte for byte.
final class GoldenFrameTests: XCTestCase {
    func testEveryGoldenFrameHasAConsistentLengthAndParsesToItsEnd() throws {
        for name in goldenNames {
            let frame = try goldenFrame(name)
            let (length, body) = splitFrame(frame)
            XCTAssertEqual(length, body.count, name)
            var reader = ThriftBinaryReader(body)
            let header = try reader.readMessageBegin()
            try reader.skip(.struct)
            XCTAssertTrue(reader.isAtEnd, "\(name): \(reader.remaining) bytes left")
            XCTAssertEqual(header.type, name.hasSuffix("_call") ? .call
                           : name == "application_exception_reply" ? .exception : .reply, name)
        }
    }

    func testMessageHeadersMatchWhatPythonSent() throws {
        var reader = ThriftBinaryReader(splitFrame(try goldenFrame("namespace_open_call")).body)
        XCTAssertEqual(try reader.readMessageBegin(),
                       ThriftMessageHeader(name: "namespace_open", type: .call, sequenceID: 0))
        reader = ThriftBinaryReader(splitFrame(try goldenFrame("unknown_method_call")).body)
        XCTAssertEqual(try reader.readMessageBegin(),
                       ThriftMessageHeader(name: "no_such_method", type: .call, sequenceID: 7))
    }

    func testDecodingThenReencodingEveryGoldenMessageGivesIdenticalBytes() throws {
        for name in goldenNames {
            let frame = try goldenFrame(name)
            var reader = ThriftBinaryReader(splitFrame(frame).body)
            let header = try reader.readMessageBegin()
            let value = try DynamicValue.read(.struct, from: &reader)
            var writer = ThriftBinaryWriter(reservingFrameHeader: true)
            writer.writeMessageBegin(name: header.name, type: header.type, sequenceID: header.sequenceID)
            value.write(to: &writer)
            XCTAssertEqual(writer.framedBytes(), frame, name)
        }
    }

    func testApplicationExceptionDecodesAndEncodesLikePython() throws {
        let frame = try goldenFrame("application_exception_reply")
        var reader = ThriftBinaryReader(splitFrame(frame).body)
        let header = try reader.readMessageBegin()
        XCTAssertEqual(header, ThriftMessageHeader(name: "no_such_method", type: .exception, sequenceID: 7))
        let exception = try ThriftApplicationException.read(from: &reader)
        XCTAssertEqual(exception.kind, .unknownMethod)
        XCTAssertEqual(exception.message, "Unknown function no_such_method")
        XCTAssertTrue(reader.isAtEnd)

        let encoded = ThriftApplicationException(.unknownMethod, "Unknown function no_such_method")
            .messageBytes(name: "no_such_method", sequenceID: 7, reservingFrameHeader: true)
        XCTAssertEqual(encoded.framedBytes(), frame)
    }

    func testGoldenFramesComeOutOfTheFrameDecoderWhateverTheChunking() throws {
        var stream: [UInt8] = []
        for name in goldenNames { stream += try goldenFrame(name) }
        for chunkSize in [1, 3, 7, 64, stream.count] {
            var decoder = FrameDecoder()
            var bodies: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + chunkSize)
                decoder.append(stream[offset..<end])
                offset = end
                while let body = try decoder.nextFrame() { bodies.append(body) }
            }
            XCTAssertEqual(bodies.count, goldenNames.count, "chunk \(chunkSize)")
            XCTAssertEqual(bodies, try goldenNames.map { splitFrame(try goldenFrame($0)).body })
            XCTAssertEqual(decoder.bufferedCount, 0)
        }
    }
}
