/// Splits a byte stream into Thrift frames, for servers that read with non-blocking I/O:
/// append what arrived, then take whole frames out. Lengths are validated (sign and
/// `maxFrameSize`) as soon as a header is complete, before the body is buffered.
public struct FrameDecoder: Sendable {
    public let maxFrameSize: Int
    private var pending: [UInt8] = []
    private var start = 0

    public init(maxFrameSize: Int = FramedTransport.defaultMaxFrameSize) {
        self.maxFrameSize = max(0, maxFrameSize)
    }

    /// Bytes received but not yet returned in a frame.
    public var bufferedCount: Int { pending.count - start }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
    }

    /// The next whole frame's body, or nil when more bytes are needed. Throws on a bad header
    /// (the stream cannot be resynchronised after that; close the connection).
    public mutating func nextFrame() throws -> [UInt8]? {
        guard bufferedCount >= 4 else { return nil }
        let length = Int32(bitPattern: UInt32(pending[start]) << 24 | UInt32(pending[start + 1]) << 16
            | UInt32(pending[start + 2]) << 8 | UInt32(pending[start + 3]))
        let count = try FramedTransport.validate(length: length, maxFrameSize: maxFrameSize)
        guard bufferedCount - 4 >= count else { return nil }
        let bodyStart = start + 4
        let frame = Array(pending[bodyStart..<(bodyStart + count)])
        start = bodyStart + count
        if start == pending.count {
            pending.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 64 * 1024 && start * 2 > pending.count {
            pending.removeSubrange(0..<start)
            start = 0
        }
        return frame
    }
}
