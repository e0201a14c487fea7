#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import XCTest
@testable import Thrift

final class FramedTransportTests: XCTestCase {
    /// A connected loopback pair (client, server side), both non-blocking.
    private func socketPair() throws -> (Socket, Socket) {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try Socket.connect(host: "127.0.0.1", port: try listener.localPort(),
                                        deadline: .after(seconds: 5))
        let deadline = Deadline.after(seconds: 5)
        while true {
            if let (server, _) = try listener.accept() { return (client, server) }
            guard try listener.poll(events: Int16(POLLIN), deadline: deadline) else {
                throw SocketError.timedOut(operation: "accept")
            }
        }
    }

    func testFramesRoundTripIncludingSeveralInOneRead() throws {
        let (a, b) = try socketPair()
        let sender = FramedTransport(socket: a)
        let receiver = FramedTransport(socket: b)
        defer { sender.close(); receiver.close() }
        // Three frames in one write: the receiver must keep the leftovers for the next reads.
        var stream: [UInt8] = []
        for body: [UInt8] in [[1, 2, 3], [], [9]] {
            stream += [0, 0, 0, UInt8(body.count)] + body
        }
        try a.writeAll(stream, deadline: .after(seconds: 5))
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), [1, 2, 3])
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), [])
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), [9])

        var writer = ThriftBinaryWriter(reservingFrameHeader: true)
        writer.writeString("framed")
        try sender.writeFrame(writer, deadline: .after(seconds: 5))
        try sender.writeFrame([7, 7], deadline: .after(seconds: 5))
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), Array(writer.body))
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), [7, 7])
    }

    func testFramesReadInPlaceAreTheirBodiesAndOutliveTheNextRead() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b, readBufferSize: 64)
        defer { a.close(); receiver.close() }
        func body(_ frame: FramedTransport.Frame) -> [UInt8] { Array(frame.bytes[frame.range]) }
        // Two small frames in one write (read from the buffer, in place), then one larger
        // than the buffer (an array of its own) with a small one behind it.
        var stream: [UInt8] = [0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 2, 4, 5]
        let large = (0..<200).map { UInt8(truncatingIfNeeded: $0) }
        stream += [0, 0, 0, 200] + large + [0, 0, 0, 1, 6]
        try a.writeAll(stream, deadline: .after(seconds: 5))
        let first = try receiver.readFrameInPlace(deadline: .after(seconds: 5))
        let second = try receiver.readFrameInPlace(deadline: .after(seconds: 5))
        XCTAssertEqual(body(first), [1, 2, 3])
        XCTAssertEqual(body(second), [4, 5])
        XCTAssertEqual(first.range.lowerBound, 4, "the first frame is read where it lies in the buffer")
        // Held across the reads that refill the buffer: the frames keep their bytes.
        let third = try receiver.readFrameInPlace(deadline: .after(seconds: 5))
        XCTAssertEqual(body(third), large)
        XCTAssertEqual(third.range, 0..<200)
        XCTAssertEqual(body(try receiver.readFrameInPlace(deadline: .after(seconds: 5))), [6])
        XCTAssertEqual(body(first), [1, 2, 3])
        XCTAssertEqual(body(second), [4, 5])
    }

    func testLargeFrameLargerThanTheReadBuffer() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b, readBufferSize: 64)
        defer { a.close(); receiver.close() }
        let body = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frame: [UInt8] = [0, 0x30, 0, 0] + body
        let thread = Thread { try? a.writeAll(frame, deadline: .after(seconds: 20)) }
        thread.start()
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 20)), body)
    }

    func testOversizedFrameHeaderIsRefusedBeforeTheBody() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b, maxFrameSize: 100)
        defer { a.close(); receiver.close() }
        try a.writeAll([0, 0, 0, 101], deadline: .after(seconds: 5))
        XCTAssertThrowsError(try receiver.readFrame(deadline: .after(seconds: 5))) { error in
            XCTAssertEqual(error as? ThriftError, .frameTooLarge(length: 101, limit: 100))
        }
    }

    func testNegativeFrameHeader() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b)
        defer { a.close(); receiver.close() }
        try a.writeAll([0x80, 0, 0, 0], deadline: .after(seconds: 5))
        XCTAssertThrowsError(try receiver.readFrame(deadline: .after(seconds: 5))) { error in
            XCTAssertEqual(error as? ThriftError, .negativeFrameLength(Int32.min))
        }
    }

    func testPeerClosingMidFrameIsATransportError() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b)
        defer { receiver.close() }
        try a.writeAll([0, 0, 0, 10, 1, 2, 3], deadline: .after(seconds: 5))
        a.close()
        XCTAssertThrowsError(try receiver.readFrame(deadline: .after(seconds: 5))) { error in
            guard case .transport(.connectionClosed, let context)? = error as? ThriftError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(context.contains("3 of 10"), context)
        }
    }

    func testDeadlinePassingIsATypedTimeout() throws {
        let (a, b) = try socketPair()
        let receiver = FramedTransport(socket: b)
        defer { a.close(); receiver.close() }
        try a.writeAll([0, 0], deadline: .after(seconds: 5))
        XCTAssertThrowsError(try receiver.readFrame(deadline: .after(milliseconds: 50))) { error in
            XCTAssertEqual((error as? ThriftError)?.isTimeout, true, "\(error)")
        }
    }

    func testOutgoingFrameOverTheLimitIsRefusedWithoutSending() throws {
        let (a, b) = try socketPair()
        let sender = FramedTransport(socket: a, maxFrameSize: 8)
        let receiver = FramedTransport(socket: b)
        defer { sender.close(); receiver.close() }
        XCTAssertThrowsError(try sender.writeFrame([UInt8](repeating: 0, count: 9), deadline: .after(seconds: 5))) { error in
            XCTAssertEqual(error as? ThriftError, .frameTooLarge(length: 9, limit: 8))
        }
        try sender.writeFrame([1], deadline: .after(seconds: 5))
        XCTAssertEqual(try receiver.readFrame(deadline: .after(seconds: 5)), [1], "nothing of the refused frame was sent")
    }
}
