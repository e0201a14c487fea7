/// `TApplicationException {1: string message, 2: i32 type}`: the error a Thrift server sends
/// (message type `exception`) when it cannot answer a call at all: unknown method, undecodable
/// arguments, an internal failure.
public struct ThriftApplicationException: Error, ThriftStruct, Sendable, Hashable, CustomStringConvertible {
    /// The `type` field. Values outside the known set are kept as they came.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let unknown = Kind(rawValue: 0)
        public static let unknownMethod = Kind(rawValue: 1)
        public static let invalidMessageType = Kind(rawValue: 2)
        public static let wrongMethodName = Kind(rawValue: 3)
        public static let badSequenceID = Kind(rawValue: 4)
        public static let missingResult = Kind(rawValue: 5)
        public static let internalError = Kind(rawValue: 6)
        public static let protocolError = Kind(rawValue: 7)

        public var description: String {
            switch rawValue {
            case 0: return "UNKNOWN"
            case 1: return "UNKNOWN_METHOD"
            case 2: return "INVALID_MESSAGE_TYPE"
            case 3: return "WRONG_METHOD_NAME"
            case 4: return "BAD_SEQUENCE_ID"
            case 5: return "MISSING_RESULT"
            case 6: return "INTERNAL_ERROR"
            case 7: return "PROTOCOL_ERROR"
            default: return "TYPE_\(rawValue)"
            }
        }
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "TApplicationException(\(kind), \(message))" }

    public static func read(from reader: inout ThriftBinaryReader) throws -> ThriftApplicationException {
        var result = ThriftApplicationException(.unknown, "")
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: result.message = try reader.read(String.self, for: field, in: "TApplicationException")
            case 2: result.kind = Kind(rawValue: try reader.read(Int32.self, for: field, in: "TApplicationException"))
            default: return false
            }
            return true
        }
        return result
    }

    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, message)
        writer.writeField(2, kind.rawValue)
        writer.writeFieldStop()
    }

    /// A complete `exception` message answering call `name`/`sequenceID`.
    public func messageBytes(name: String, sequenceID: Int32, reservingFrameHeader: Bool = false) -> ThriftBinaryWriter {
        var writer = ThriftBinaryWriter(capacity: 64 + name.utf8.count + message.utf8.count,
                                        reservingFrameHeader: reservingFrameHeader)
        writer.writeMessageBegin(name: name, type: .exception, sequenceID: sequenceID)
        write(to: &writer)
        return writer
    }
}
