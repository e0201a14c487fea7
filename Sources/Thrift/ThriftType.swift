/// The wire type codes of the Thrift binary protocol (`TType`).
public enum ThriftType: UInt8, Sendable, Hashable, CustomStringConvertible {
    case stop = 0
    case void = 1
    case bool = 2
    case byte = 3
    case double = 4
    case i16 = 6
    case i32 = 8
    case i64 = 10
    case string = 11
    case `struct` = 12
    case map = 13
    case set = 14
    case list = 15

    /// The fewest bytes one value of this type takes on the wire. A container count is checked
    /// against `count * minimumEncodedSize <= remaining` before anything is reserved, so a
    /// hostile count cannot make us allocate more than the input could ever fill.
    public var minimumEncodedSize: Int {
        switch self {
        case .stop, .void: return 0
        case .bool, .byte, .struct: return 1
        case .i16: return 2
        case .i32, .string: return 4
        case .i64, .double: return 8
        case .list, .set: return 5
        case .map: return 6
        }
    }

    public var description: String {
        switch self {
        case .stop: return "stop"
        case .void: return "void"
        case .bool: return "bool"
        case .byte: return "byte"
        case .double: return "double"
        case .i16: return "i16"
        case .i32: return "i32"
        case .i64: return "i64"
        case .string: return "string"
        case .struct: return "struct"
        case .map: return "map"
        case .set: return "set"
        case .list: return "list"
        }
    }
}

/// `TMessageType`: the low byte of a strict message header's first word.
public enum ThriftMessageType: Int32, Sendable, Hashable {
    case call = 1
    case reply = 2
    case exception = 3
    case oneway = 4
}

/// A decoded message envelope: method name, type and sequence id.
public struct ThriftMessageHeader: Sendable, Hashable {
    public var name: String
    public var type: ThriftMessageType
    public var sequenceID: Int32

    public init(name: String, type: ThriftMessageType, sequenceID: Int32) {
        self.name = name
        self.type = type
        self.sequenceID = sequenceID
    }
}

/// A field header inside a struct: wire type and field id (`type == .stop` ends the struct).
public struct ThriftFieldHeader: Sendable, Hashable {
    public var type: ThriftType
    public var id: Int16

    public init(type: ThriftType, id: Int16) {
        self.type = type
        self.id = id
    }
}
