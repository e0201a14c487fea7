import Sockets

/// `TFramedTransport` over a `Socket`: each message is a 4-byte big-endian length, then the
/// message. Every read and write is bounded by a `Deadline`.
///
/// A frame length above `maxFrameSize`, or negative, is refused as soon as the header is read,
/// before anything is allocated for the body. Bytes read past the end of a frame stay buffered
/// for the next one, so small frames usually cost one `read(2)`.
///
/// Not thread-safe: one reader and one writer at a time (the owner serialises calls).
public final class FramedTransport {
    /// 16 MiB, the default maximum frame size (Thrift's `TFramedTransport` default is the same).
    public static let defaultMaxFrameSize = 16 * 1024 * 1024

    /// The `context` of a transport error while waiting for a frame header: a peer closing
    /// here closed between messages, which a server treats as a normal end.
    public static let headerContext = "reading frame header"

    public let socket: Socket
    public let maxFrameSize: Int

    // Unchecked: one owner calls at a time (above), and a dynamic exclusivity check per
    // access to the buffer cost more than reading a small frame from it.
    @exclusivity(unchecked) private var buffer: [UInt8]
    @exclusivity(unchecked) private var bufferStart = 0
    @exclusivity(unchecked) private var bufferEnd = 0

    public init(socket: Socket, maxFrameSize: Int = FramedTransport.defaultMaxFrameSize, readBufferSize: Int = 16 * 1024) {
        self.socket = socket
        self.maxFrameSize = max(0, maxFrameSize)
        self.buffer = [UInt8](repeating: 0, count: max(64, readBufferSize))
    }

    // MARK: writing

    /// Sends one frame: the length header then `body`.
    public func writeFrame(_ body: [UInt8], deadline: Deadline) throws {
        try checkOutgoing(body.count)
        var frame: [UInt8] = []
        frame.reserveCapacity(body.count + 4)
        appendHeader(body.count, to: &frame)
        frame.append(contentsOf: body)
        try send(frame, deadline: deadline)
    }

    /// Sends the message in `writer` as one frame, in a single write when the writer reserved
    /// the frame header.
    public func writeFrame(_ writer: ThriftBinaryWriter, deadline: Deadline) throws {
        var writer = writer
        try writeFramed(writer.takeFramedBytes(), deadline: deadline)
    }

    /// Sends a whole frame, length included (`ThriftBinaryWriter.takeFramedBytes`), in one write.
    public func writeFramed(_ frame: [UInt8], deadline: Deadline) throws {
        try checkOutgoing(frame.count - 4)
        try send(frame, deadline: deadline)
    }

    /// Throws `frameTooLarge` for a body the peer would refuse; nothing is sent.
    public func checkOutgoing(_ bodyCount: Int) throws {
        if bodyCount > maxFrameSize || bodyCount > Int(Int32.max) {
            throw ThriftError.frameTooLarge(length: bodyCount, limit: maxFrameSize)
        }
    }

    private func appendHeader(_ count: Int, to frame: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: count)
        frame.append(UInt8(truncatingIfNeeded: length >> 24))
        frame.append(UInt8(truncatingIfNeeded: length >> 16))
        frame.append(UInt8(truncatingIfNeeded: length >> 8))
        frame.append(UInt8(truncatingIfNeeded: length))
    }

    private func send(_ frame: [UInt8], deadline: Deadline) throws {
        do {
            try socket.writeAll(frame, deadline: deadline)
        } catch let error as SocketError {
            throw ThriftError.transport(error, context: "writing frame")
        }
    }

    // MARK: reading

    /// A frame's body where it lies: `bytes[range]`.
    public struct Frame: Sendable {
        public let bytes: [UInt8]
        public let range: Range<Int>
    }

    /// Reads one whole frame and returns where its body lies. A frame already wholly in the read
    /// buffer (a small reply: nearly every call's) is handed out as the buffer itself, shared,
    /// not copied, and no array is allocated for it; a larger one gets an array of its own.
    /// Let go of the frame before the next read: one still held then costs that read a copy
    /// of the buffer (copy on write), never a wrong byte.
    public func readFrameInPlace(deadline: Deadline) throws -> Frame {
        let count = try readFrameHeader(deadline: deadline)
        guard count <= bufferEnd - bufferStart else {
            let body = try readFrameBody(count: count, deadline: deadline)
            return Frame(bytes: body, range: 0..<body.count)
        }
        let start = bufferStart
        bufferStart += count
        return Frame(bytes: buffer, range: start..<bufferStart)
    }

    /// Reads one whole frame and returns its body.
    public func readFrame(deadline: Deadline) throws -> [UInt8] {
        try readFrameBody(count: try readFrameHeader(deadline: deadline), deadline: deadline)
    }

    /// Reads a frame's length header (waiting for its four bytes) and checks the length; the
    /// body follows at `bufferStart`.
    private func readFrameHeader(deadline: Deadline) throws -> Int {
        while bufferEnd - bufferStart < 4 {
            try fill(deadline: deadline, context: bufferEnd == bufferStart ? Self.headerContext : "reading frame header (partial)")
        }
        let length = buffer.withUnsafeBytes {
            Int32(bigEndian: $0.loadUnaligned(fromByteOffset: bufferStart, as: Int32.self))
        }
        bufferStart += 4
        return try Self.validate(length: length, maxFrameSize: maxFrameSize)
    }

    /// The `count` bytes of a frame's body in an array of their own: what is buffered, then
    /// the rest read straight into the array.
    private func readFrameBody(count: Int, deadline: Deadline) throws -> [UInt8] {
        let buffered = min(count, bufferEnd - bufferStart)
        let start = bufferStart
        bufferStart += buffered
        return try [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            buffer.withUnsafeBufferPointer { source in
                _ = UnsafeMutableBufferPointer(rebasing: target[0..<buffered])
                    .initialize(from: source[start..<(start + buffered)])
            }
            initialized = buffered
            while initialized < count {
                let rest = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: target[initialized..<count]))
                do {
                    initialized += try socket.readSome(into: rest, deadline: deadline)
                } catch let error as SocketError {
                    throw ThriftError.transport(error, context: "reading frame body (\(initialized) of \(count) bytes)")
                }
            }
        }
    }

    /// Checks a frame header's length: not negative, not above `maxFrameSize`.
    public static func validate(length: Int32, maxFrameSize: Int) throws -> Int {
        if length < 0 { throw ThriftError.negativeFrameLength(length) }
        if Int(length) > maxFrameSize { throw ThriftError.frameTooLarge(length: Int(length), limit: maxFrameSize) }
        return Int(length)
    }

    private func fill(deadline: Deadline, context: String) throws {
        if bufferStart == bufferEnd {
            bufferStart = 0
            bufferEnd = 0
        } else if bufferStart > 0 && bufferEnd == buffer.count {
            let pending = bufferEnd - bufferStart
            buffer.withUnsafeMutableBytes { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[bufferStart..<bufferEnd]))
            }
            bufferStart = 0
            bufferEnd = pending
        }
        let end = bufferEnd
        let count = try buffer.withUnsafeMutableBytes { raw -> Int in
            do {
                return try socket.readSome(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]), deadline: deadline)
            } catch let error as SocketError {
                throw ThriftError.transport(error, context: context)
            }
        }
        bufferEnd += count
    }

    // MARK: closing

    /// Shuts the socket down and releases it.
    public func close() {
        socket.shutdown()
        socket.close()
    }
}
