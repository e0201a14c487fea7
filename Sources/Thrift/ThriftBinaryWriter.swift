/// Writes the strict Thrift binary protocol (`TBinaryProtocol` with `strictWrite`) into a
/// growing byte array. Integers are big-endian; strings and binaries are an i32 length then the
/// bytes; containers are a header then their elements; structs end with a stop byte.
///
/// With `reservingFrameHeader`, the first four bytes are kept for the frame length so that
/// `FramedTransport` can send header and body in one write without copying.
public struct ThriftBinaryWriter: Sendable {
    /// Everything written so far (including the reserved frame header, if any).
    public private(set) var bytes: [UInt8]
    /// Bytes reserved in front of the message for the frame length (0 or 4).
    public let reservedHeaderSize: Int

    /// The strict-protocol version word: `VERSION_1` in the high half.
    public static let version1: UInt32 = 0x8001_0000

    public init(capacity: Int = 256, reservingFrameHeader: Bool = false) {
        self.init(reusing: [], minimumCapacity: capacity, reservingFrameHeader: reservingFrameHeader)
    }

    /// A writer over `storage`'s memory, emptied (a frame sent earlier, say): no allocation
    /// when it is uniquely referenced and has `minimumCapacity`.
    public init(reusing storage: [UInt8], minimumCapacity: Int = 256, reservingFrameHeader: Bool = false) {
        reservedHeaderSize = reservingFrameHeader ? 4 : 0
        bytes = storage
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(max(minimumCapacity, 16))
        if reservingFrameHeader { writeI32(0) }
    }

    /// The bytes after the reserved frame header: the message body.
    public var body: ArraySlice<UInt8> { bytes[reservedHeaderSize...] }

    /// Number of body bytes written.
    public var bodyCount: Int { bytes.count - reservedHeaderSize }

    /// The whole frame, taken out of the writer, which is left without bytes (`reset()` it
    /// before writing again): with a reserved header the length goes into the writer's own
    /// buffer, not into a copy of it.
    public mutating func takeFramedBytes() -> [UInt8] {
        guard reservedHeaderSize == 4 else { return framedBytes() }
        var frame: [UInt8] = []
        swap(&frame, &bytes)
        Self.storeLength(frame.count - 4, at: &frame)
        return frame
    }

    /// The whole frame (4-byte big-endian length + body). Requires `reservingFrameHeader`;
    /// otherwise it builds the frame by copying.
    public func framedBytes() -> [UInt8] {
        if reservedHeaderSize == 4 {
            var copy = self
            return copy.takeFramedBytes()
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(bytes.count + 4)
        frame.append(contentsOf: repeatElement(0, count: 4))
        frame.append(contentsOf: bytes)
        Self.storeLength(bytes.count, at: &frame)
        return frame
    }

    /// Writes `length` big-endian into the frame's first four bytes.
    private static func storeLength(_ length: Int, at frame: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: length)
        frame[0] = UInt8(truncatingIfNeeded: length >> 24)
        frame[1] = UInt8(truncatingIfNeeded: length >> 16)
        frame[2] = UInt8(truncatingIfNeeded: length >> 8)
        frame[3] = UInt8(truncatingIfNeeded: length)
    }

    /// Drops everything written, keeping the capacity (and the reserved header).
    public mutating func reset() {
        // The header is written again, as `init(reusing:)` does: after `takeFramedBytes` it
        // went with the frame.
        bytes.removeAll(keepingCapacity: true)
        if reservedHeaderSize == 4 { writeI32(0) }
    }

    // MARK: envelope

    /// `writeMessageBegin`: i32 `0x80010000 | type`, the name, the sequence id.
    public mutating func writeMessageBegin(name: String, type: ThriftMessageType, sequenceID: Int32) {
        writeI32(Int32(bitPattern: Self.version1 | UInt32(type.rawValue)))
        writeString(name)
        writeI32(sequenceID)
    }

    // MARK: structs

    public mutating func writeFieldBegin(_ type: ThriftType, id: Int16) {
        writeRawByte(type.rawValue)
        writeI16(id)
    }

    /// Ends a struct.
    public mutating func writeFieldStop() {
        writeRawByte(ThriftType.stop.rawValue)
    }

    // MARK: containers

    /// Counts above `Int32.max` cannot be represented; they are clamped (such a list could not
    /// fit any frame anyway, and the transport rejects the frame).
    public mutating func writeListBegin(elementType: ThriftType, count: Int) {
        writeRawByte(elementType.rawValue)
        writeI32(Int32(clamping: count))
    }

    public mutating func writeSetBegin(elementType: ThriftType, count: Int) {
        writeListBegin(elementType: elementType, count: count)
    }

    public mutating func writeMapBegin(keyType: ThriftType, valueType: ThriftType, count: Int) {
        writeRawByte(keyType.rawValue)
        writeRawByte(valueType.rawValue)
        writeI32(Int32(clamping: count))
    }

    // MARK: scalars

    public mutating func writeBool(_ value: Bool) { writeRawByte(value ? 1 : 0) }

    public mutating func writeByte(_ value: Int8) { writeRawByte(UInt8(bitPattern: value)) }

    public mutating func writeI16(_ value: Int16) {
        let v = UInt16(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    // Byte by byte: appending the value's raw bytes as a collection went through the generic
    // `append(contentsOf:)`, several times the work for four or eight bytes.
    public mutating func writeI32(_ value: Int32) {
        let v = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func writeI64(_ value: Int64) {
        let v = UInt64(bitPattern: value)
        writeI32(Int32(truncatingIfNeeded: v >> 32))
        writeI32(Int32(truncatingIfNeeded: v))
    }

    /// IEEE 754 bits, big-endian, as `TBinaryProtocol` writes them.
    public mutating func writeDouble(_ value: Double) {
        writeI64(Int64(bitPattern: value.bitPattern))
    }

    /// UTF-8 bytes with an i32 length.
    public mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeI32(Int32(clamping: utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw bytes with an i32 length (the IDL's `binary`; also `string` fields that carry bytes).
    public mutating func writeBinary(_ value: [UInt8]) {
        writeI32(Int32(clamping: value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func writeBinary(_ value: UnsafeRawBufferPointer) {
        writeI32(Int32(clamping: value.count))
        bytes.append(contentsOf: value)
    }


    mutating func writeRawByte(_ value: UInt8) {
        bytes.append(value)
    }
}
