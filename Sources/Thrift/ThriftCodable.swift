/// A value with a fixed Thrift wire type that can write itself and read itself back.
/// Scalars, `String`, `ThriftBinary`, lists of codables and generated-style structs conform.
public protocol ThriftCodable {
    /// The wire type this value is written as (a field header carries it).
    static var thriftType: ThriftType { get }
    static func read(from reader: inout ThriftBinaryReader) throws -> Self
    func write(to writer: inout ThriftBinaryWriter)
}

/// A Thrift struct (or exception): fields then a stop byte.
public protocol ThriftStruct: ThriftCodable {}

extension ThriftStruct {
    public static var thriftType: ThriftType { .struct }
}

extension Bool: ThriftCodable {
    public static var thriftType: ThriftType { .bool }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Bool { try reader.readBool() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeBool(self) }
}

extension Int8: ThriftCodable {
    public static var thriftType: ThriftType { .byte }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Int8 { try reader.readByte() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeByte(self) }
}

extension Int16: ThriftCodable {
    public static var thriftType: ThriftType { .i16 }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Int16 { try reader.readI16() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeI16(self) }
}

extension Int32: ThriftCodable {
    public static var thriftType: ThriftType { .i32 }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Int32 { try reader.readI32() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeI32(self) }
}

extension Int64: ThriftCodable {
    public static var thriftType: ThriftType { .i64 }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Int64 { try reader.readI64() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeI64(self) }
}

extension Double: ThriftCodable {
    public static var thriftType: ThriftType { .double }
    public static func read(from reader: inout ThriftBinaryReader) throws -> Double { try reader.readDouble() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeDouble(self) }
}

extension String: ThriftCodable {
    public static var thriftType: ThriftType { .string }
    public static func read(from reader: inout ThriftBinaryReader) throws -> String { try reader.readString() }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeString(self) }
}

/// The IDL's `binary` as a codable value (a bare `[UInt8]` would read as `list<byte>`).
public struct ThriftBinary: ThriftCodable, Sendable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static var thriftType: ThriftType { .string }
    public static func read(from reader: inout ThriftBinaryReader) throws -> ThriftBinary {
        ThriftBinary(try reader.readBinary())
    }
    public func write(to writer: inout ThriftBinaryWriter) { writer.writeBinary(bytes) }
}

/// `list<T>`. Reading is inlinable so that a caller's list is read with its element type
/// known (no generic dispatch per element).
extension Array: ThriftCodable where Element: ThriftCodable {
    public static var thriftType: ThriftType { .list }

    @inlinable
    public static func read(from reader: inout ThriftBinaryReader) throws -> [Element] {
        let (elementType, count) = try reader.readListBegin()
        guard elementType == Element.thriftType || count == 0 else {
            throw ThriftError.wrongElementType(what: "list", expected: Element.thriftType, actual: elementType)
        }
        try reader.enter()
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element.read(from: &reader)) }
        reader.leave()
        return elements
    }

    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeListBegin(elementType: Element.thriftType, count: count)
        for element in self { element.write(to: &writer) }
    }
}

extension ThriftBinaryReader {
    /// Reads a field's value after checking that the wire type is the one the IDL declares.
    /// (`structName` is only evaluated for the error.) Inlinable, to be specialised for `T`.
    @inlinable
    public mutating func read<T: ThriftCodable>(
        _: T.Type, for field: ThriftFieldHeader, in structName: @autoclosure () -> String
    ) throws -> T {
        guard field.type == T.thriftType else {
            throw ThriftError.wrongFieldType(structName: structName(), fieldID: field.id,
                                             expected: T.thriftType, actual: field.type)
        }
        return try T.read(from: &self)
    }

    /// Reads a `binary` (or bytes-carrying `string`) field after checking its wire type.
    @inlinable
    public mutating func readBinary(for field: ThriftFieldHeader, in structName: @autoclosure () -> String) throws -> [UInt8] {
        guard field.type == .string else {
            throw ThriftError.wrongFieldType(structName: structName(), fieldID: field.id,
                                             expected: .string, actual: field.type)
        }
        return try readBinary()
    }

    /// Reads a `map<K, V>` as key/value pairs in wire order, checking the declared types.
    public mutating func readMap<K: ThriftCodable, V: ThriftCodable>(
        _: K.Type, _: V.Type, for field: ThriftFieldHeader, in structName: @autoclosure () -> String
    ) throws -> [(K, V)] {
        guard field.type == .map else {
            throw ThriftError.wrongFieldType(structName: structName(), fieldID: field.id,
                                             expected: .map, actual: field.type)
        }
        let (keyType, valueType, count) = try readMapBegin()
        guard count == 0 || (keyType == K.thriftType && valueType == V.thriftType) else {
            throw ThriftError.wrongElementType(what: "\(structName()) field \(field.id) map",
                                               expected: keyType == K.thriftType ? V.thriftType : K.thriftType,
                                               actual: keyType == K.thriftType ? valueType : keyType)
        }
        try enter()
        var pairs: [(K, V)] = []
        pairs.reserveCapacity(count)
        for _ in 0..<count {
            let key = try K.read(from: &self)
            let value = try V.read(from: &self)
            pairs.append((key, value))
        }
        leave()
        return pairs
    }
}

extension ThriftBinaryWriter {
    /// Writes field `id` holding `value`. Inlinable, so that a caller in another module gets
    /// it specialized for its `T` instead of the generic version's witness-table calls.
    @inlinable
    public mutating func writeField<T: ThriftCodable>(_ id: Int16, _ value: T) {
        writeFieldBegin(T.thriftType, id: id)
        value.write(to: &self)
    }

    /// Writes field `id` when `value` is not nil (an unset `optional` field).
    @inlinable
    public mutating func writeField<T: ThriftCodable>(_ id: Int16, _ value: T?) {
        if let value { writeField(id, value) }
    }

    /// Writes a `binary` (or bytes-carrying `string`) field.
    public mutating func writeBinaryField(_ id: Int16, _ value: [UInt8]) {
        writeFieldBegin(.string, id: id)
        writeBinary(value)
    }

    public mutating func writeBinaryField(_ id: Int16, _ value: [UInt8]?) {
        if let value { writeBinaryField(id, value) }
    }

    /// Writes a `map<K, V>` field from pairs in the given order.
    public mutating func writeMapField<K: ThriftCodable, V: ThriftCodable>(_ id: Int16, _ pairs: [(K, V)]) {
        writeFieldBegin(.map, id: id)
        writeMapBegin(keyType: K.thriftType, valueType: V.thriftType, count: pairs.count)
        for (key, value) in pairs {
            key.write(to: &self)
            value.write(to: &self)
        }
    }
}
