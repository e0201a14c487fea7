/// Reads the strict Thrift binary protocol from a byte array, bounds-checked at every step.
///
/// Nothing here can trap on input: every read checks the bytes left first, lengths are checked
/// for sign and against what remains before any allocation, container counts are checked as
/// `count * minimum element size <= remaining`, and nesting is limited by `maxDepth`.
/// Failures are `ThriftError`s that say what was read at which offset.
public struct ThriftBinaryReader: Sendable {
    /// Default nesting limit for structs and containers (Hypertable's deepest type, `Schema`,
    /// nests four levels).
    public static let defaultMaxDepth = 64

    // The hot reads below are inlinable, so that a reply's cells are decoded in the caller's
    // loop rather than through a call per field across the module boundary; what they touch
    // is therefore usable from inline code. Only the reader itself moves `cursor`.
    @usableFromInline let storage: [UInt8]
    @usableFromInline var cursor: Int
    @usableFromInline let end: Int

    /// Offset of the next byte to read.
    public var position: Int { cursor }
    /// Current struct/container nesting.
    public private(set) var depth = 0
    public let maxDepth: Int

    public init(_ bytes: [UInt8], maxDepth: Int = ThriftBinaryReader.defaultMaxDepth) {
        self.init(bytes, range: 0..<bytes.count, maxDepth: maxDepth)
    }

    /// Reads `bytes[range]` only (a frame inside a transport's buffer,
    /// `FramedTransport.readFrameInPlace`). Positions, offsets in errors, and the ranges
    /// `readBinaryRange` returns count from the start of `bytes`, not of `range`.
    public init(_ bytes: [UInt8], range: Range<Int>, maxDepth: Int = ThriftBinaryReader.defaultMaxDepth) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "the range lies outside the bytes")
        storage = bytes
        cursor = range.lowerBound
        end = range.upperBound
        self.maxDepth = maxDepth
    }

    /// Bytes not yet read.
    @inlinable public var remaining: Int { end - cursor }

    public var isAtEnd: Bool { position >= end }

    // MARK: raw access

    @inlinable @inline(__always)
    mutating func require(_ count: Int, _ what: @autoclosure () -> String) throws {
        if end - cursor < count { throw truncated(count, what()) }
    }

    @usableFromInline
    func truncated(_ count: Int, _ what: String) -> ThriftError {
        .truncated(what: what, offset: cursor, needed: count, remaining: end - cursor)
    }

    @inline(__always)
    private mutating func readRawByte(_ what: @autoclosure () -> String) throws -> UInt8 {
        try require(1, what())
        let value = storage.withUnsafeBufferPointer { $0[cursor] }
        cursor += 1
        return value
    }

    @inlinable @inline(__always)
    mutating func readBigEndian<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size, what())
        let value = storage.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: cursor, as: T.self) }
        cursor += size
        return T(bigEndian: value)
    }

    /// Reads a length prefix and checks it: not negative, not beyond the bytes left.
    @inlinable
    mutating func readLength(_ what: @autoclosure () -> String, elementSize: Int = 1) throws -> Int {
        let start = cursor
        let length = try readBigEndian(Int32.self, what() + " length")
        let count = Int(length)
        let (needed, overflow) = count.multipliedReportingOverflow(by: elementSize)
        if length < 0 || overflow || needed > remaining { throw badLength(what(), at: start, length) }
        return count
    }

    @usableFromInline
    func badLength(_ what: String, at start: Int, _ length: Int32) -> ThriftError {
        if length < 0 { return .negativeLength(what: what, offset: start, length: length) }
        return .lengthExceedsRemaining(what: what, offset: start, length: Int(length), remaining: remaining)
    }

    private mutating func readType(_ what: String) throws -> ThriftType {
        let offset = position
        let code = try readRawByte(what)
        guard let type = ThriftType(rawValue: code) else { throw ThriftError.invalidType(code: code, offset: offset) }
        return type
    }

    // MARK: envelope

    /// Reads a strict message header. A non-strict (old, unversioned) header is refused.
    public mutating func readMessageBegin() throws -> ThriftMessageHeader {
        let type = try readMessageVersionAndType()
        let name = try readString()
        let sequenceID = try readI32()
        return ThriftMessageHeader(name: name, type: type, sequenceID: sequenceID)
    }

    /// `readMessageBegin` for a reply whose method name the caller knows: the name's bytes are
    /// compared in place, and a header that matches carries `expected` itself, so a reply
    /// makes no string of its own; one that differs carries the name it read.
    public mutating func readMessageBegin(expecting expected: String) throws -> ThriftMessageHeader {
        let type = try readMessageVersionAndType()
        let range = try readRange("string")
        let matches = storage.withUnsafeBufferPointer { bytes in
            var expected = expected
            return expected.withUTF8 { $0.elementsEqual(UnsafeBufferPointer(rebasing: bytes[range])) }
        }
        let name = matches ? expected : string(in: range)
        let sequenceID = try readI32()
        return ThriftMessageHeader(name: name, type: type, sequenceID: sequenceID)
    }

    private mutating func readMessageVersionAndType() throws -> ThriftMessageType {
        let word = UInt32(bitPattern: try readBigEndian(Int32.self, "message version"))
        guard word & 0xFFFF_0000 == ThriftBinaryWriter.version1 else { throw ThriftError.badVersion(word) }
        let typeCode = Int32(word & 0xFF)
        guard let type = ThriftMessageType(rawValue: typeCode) else { throw ThriftError.invalidMessageType(typeCode) }
        return type
    }

    // MARK: structs

    /// Reads a field header; `type == .stop` (id 0) ends the struct.
    @inlinable
    public mutating func readFieldBegin() throws -> ThriftFieldHeader {
        // Every field of every reply cell comes through here: one bounds check and one buffer
        // access for the three header bytes; the checked path below for the rest (a stop
        // within the last two bytes, an unknown type, a truncated header).
        if end - cursor >= 3 {
            let (code, id) = storage.withUnsafeBufferPointer { bytes in
                (bytes[cursor], Int16(bitPattern: UInt16(bytes[cursor + 1]) << 8 | UInt16(bytes[cursor + 2])))
            }
            if code == ThriftType.stop.rawValue {
                cursor += 1
                return ThriftFieldHeader(type: .stop, id: 0)
            }
            if let type = ThriftType(rawValue: code) {
                cursor += 3
                return ThriftFieldHeader(type: type, id: id)
            }
        }
        return try readFieldBeginChecked()
    }

    @usableFromInline
    mutating func readFieldBeginChecked() throws -> ThriftFieldHeader {
        let type = try readType("field type")
        if type == .stop { return ThriftFieldHeader(type: .stop, id: 0) }
        let id = try readBigEndian(Int16.self, "field id")
        return ThriftFieldHeader(type: type, id: id)
    }

    /// Reads one struct: calls `field` for each field header, which reads the value and
    /// returns true, or returns false to have the field skipped (unknown ids). Counts one
    /// nesting level. Inlinable, so that each caller's `field` closure is inlined into its loop
    /// instead of being called once per field across the module boundary.
    @inlinable
    public mutating func readStruct(
        _ field: (inout ThriftBinaryReader, ThriftFieldHeader) throws -> Bool
    ) throws {
        try enter()
        while true {
            let header = try readFieldBegin()
            if header.type == .stop { break }
            if try !field(&self, header) {
                try skip(header.type)
            }
        }
        leave()
    }

    /// Enters one nesting level (struct or container); throws past `maxDepth`.
    public mutating func enter() throws {
        if depth >= maxDepth { throw ThriftError.depthExceeded(limit: maxDepth, offset: cursor) }
        depth += 1
    }

    /// Leaves a level entered with `enter()`.
    public mutating func leave() {
        if depth > 0 { depth -= 1 }
    }

    // MARK: containers

    /// A list header; the count is checked against the bytes left before it is returned.
    public mutating func readListBegin() throws -> (elementType: ThriftType, count: Int) {
        let elementType = try readType("list element type")
        let count = try readLength("list", elementSize: max(1, elementType.minimumEncodedSize))
        return (elementType, count)
    }

    public mutating func readSetBegin() throws -> (elementType: ThriftType, count: Int) {
        let elementType = try readType("set element type")
        let count = try readLength("set", elementSize: max(1, elementType.minimumEncodedSize))
        return (elementType, count)
    }

    public mutating func readMapBegin() throws -> (keyType: ThriftType, valueType: ThriftType, count: Int) {
        let keyType = try readType("map key type")
        let valueType = try readType("map value type")
        let size = max(1, keyType.minimumEncodedSize + valueType.minimumEncodedSize)
        let count = try readLength("map", elementSize: size)
        return (keyType, valueType, count)
    }

    // MARK: scalars

    /// Any non-zero byte is true, as in every Thrift implementation.
    public mutating func readBool() throws -> Bool {
        try readRawByte("bool") != 0
    }

    public mutating func readByte() throws -> Int8 {
        Int8(bitPattern: try readRawByte("byte"))
    }

    @inlinable
    public mutating func readI16() throws -> Int16 {
        try readBigEndian(Int16.self, "i16")
    }

    @inlinable
    public mutating func readI32() throws -> Int32 {
        try readBigEndian(Int32.self, "i32")
    }

    @inlinable
    public mutating func readI64() throws -> Int64 {
        try readBigEndian(Int64.self, "i64")
    }

    public mutating func readDouble() throws -> Double {
        Double(bitPattern: UInt64(bitPattern: try readBigEndian(Int64.self, "double")))
    }

    /// A `string`: its bytes decoded as UTF-8 (ill-formed sequences become U+FFFD, as the
    /// generated Python and Java readers do; use `readBinary` for bytes).
    public mutating func readString() throws -> String {
        string(in: try readRange("string"))
    }

    /// The bytes in `range` as text, ill-formed UTF-8 repaired (what an IDL `string` reads as).
    private func string(in range: Range<Int>) -> String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// A `binary` (or a `string` field read as bytes).
    public mutating func readBinary() throws -> [UInt8] {
        let range = try readRange("binary")
        return storage.withUnsafeBytes { source in [UInt8](UnsafeRawBufferPointer(rebasing: source[range])) }
    }

    /// A `binary` (or `string`) read in place: where its bytes lie in `bytes`, nothing copied.
    /// Reply cells are read this way and written out straight from the frame.
    @inlinable
    public mutating func readBinaryRange() throws -> Range<Int> {
        try readRange("binary")
    }

    /// A `string` read in place, as `readBinaryRange`; its bytes are not checked as UTF-8 here.
    @inlinable
    public mutating func readStringRange() throws -> Range<Int> {
        try readRange("string")
    }

    /// A length prefix, checked, and the bytes it covers, passed over.
    @inlinable @inline(__always)
    mutating func readRange(_ what: @autoclosure () -> String) throws -> Range<Int> {
        let count = try readLength(what())
        let start = cursor
        cursor += count
        return start..<cursor
    }

    /// The whole input the reader was made with (shared, not copied): what the ranges from
    /// `readBinaryRange` index.
    public var bytes: [UInt8] { storage }

    // MARK: skipping

    /// Skips one value of `type`, however nested, within `maxDepth`.
    public mutating func skip(_ type: ThriftType) throws {
        switch type {
        case .stop, .void:
            throw ThriftError.invalidType(code: type.rawValue, offset: position)
        case .bool, .byte:
            try require(1, "skipped \(type)"); cursor += 1
        case .i16:
            try require(2, "skipped i16"); cursor += 2
        case .i32:
            try require(4, "skipped i32"); cursor += 4
        case .i64, .double:
            try require(8, "skipped \(type)"); cursor += 8
        case .string:
            cursor += try readLength("skipped string")
        case .struct:
            try readStruct { _, _ in false }
        case .list, .set:
            let (elementType, count) = try readListBegin()
            try enter()
            for _ in 0..<count { try skip(elementType) }
            leave()
        case .map:
            let (keyType, valueType, count) = try readMapBegin()
            try enter()
            for _ in 0..<count {
                try skip(keyType)
                try skip(valueType)
            }
            leave()
        }
    }
}
