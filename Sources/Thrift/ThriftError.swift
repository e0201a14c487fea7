import Sockets

/// Every failure of the Thrift layer: malformed or hostile input, frame limits, and transport
/// failures (wrapping the `SocketError` that caused them). Each case says what was being read
/// and where, so a log line is enough to find the bad byte.
public enum ThriftError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended `needed` bytes short while reading `what` at byte `offset`.
    case truncated(what: String, offset: Int, needed: Int, remaining: Int)
    /// A string, binary or container length was negative.
    case negativeLength(what: String, offset: Int, length: Int32)
    /// A length (or container count times its element's minimum size) exceeds what is left.
    case lengthExceedsRemaining(what: String, offset: Int, length: Int, remaining: Int)
    /// The first word of a message is not `0x8001_00xx` (strict binary protocol, version 1).
    case badVersion(UInt32)
    /// The message type byte is not call, reply, exception or oneway.
    case invalidMessageType(Int32)
    /// A type code that the binary protocol does not define.
    case invalidType(code: UInt8, offset: Int)
    /// A known field arrived with another wire type than the IDL declares.
    case wrongFieldType(structName: String, fieldID: Int16, expected: ThriftType, actual: ThriftType)
    /// A container's element (or key/value) type differs from the declared one.
    case wrongElementType(what: String, expected: ThriftType, actual: ThriftType)
    /// Structs and containers nest deeper than the reader's limit.
    case depthExceeded(limit: Int, offset: Int)
    /// A frame header announced more than the transport's maximum frame size.
    case frameTooLarge(length: Int, limit: Int)
    /// A frame header announced a negative length.
    case negativeFrameLength(Int32)
    /// A field declared `required` in the IDL was absent.
    case missingRequiredField(structName: String, field: String)
    /// A value that cannot be right, e.g. an undefined enum value.
    case invalidValue(what: String, value: String)
    /// A reply that does not answer the call that was sent (name, sequence id or type).
    case unexpectedReply(String)
    /// The socket failed; `context` says during what.
    case transport(SocketError, context: String)
    /// The connection was already broken or closed before this call.
    case connectionUnusable(String)

    /// True when a deadline passed (the transport's `SocketError.timedOut`).
    public var isTimeout: Bool {
        if case .transport(.timedOut, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .truncated(what, offset, needed, remaining):
            return "truncated input: \(what) at offset \(offset) needs \(needed) bytes, \(remaining) left"
        case let .negativeLength(what, offset, length):
            return "negative length \(length) for \(what) at offset \(offset)"
        case let .lengthExceedsRemaining(what, offset, length, remaining):
            return "length \(length) for \(what) at offset \(offset) exceeds the \(remaining) bytes left"
        case let .badVersion(word):
            return "bad protocol version word 0x\(String(word, radix: 16)) (expected 0x8001xxxx)"
        case let .invalidMessageType(type):
            return "invalid message type \(type)"
        case let .invalidType(code, offset):
            return "invalid type code \(code) at offset \(offset)"
        case let .wrongFieldType(name, id, expected, actual):
            return "\(name) field \(id): expected \(expected), got \(actual)"
        case let .wrongElementType(what, expected, actual):
            return "\(what): expected elements of type \(expected), got \(actual)"
        case let .depthExceeded(limit, offset):
            return "nesting deeper than \(limit) at offset \(offset)"
        case let .frameTooLarge(length, limit):
            return "frame of \(length) bytes exceeds the limit of \(limit)"
        case let .negativeFrameLength(length):
            return "negative frame length \(length)"
        case let .missingRequiredField(name, field):
            return "\(name): required field \(field) missing"
        case let .invalidValue(what, value):
            return "invalid \(what): \(value)"
        case let .unexpectedReply(message):
            return "unexpected reply: \(message)"
        case let .transport(error, context):
            return "\(context): \(error)"
        case let .connectionUnusable(message):
            return "connection unusable: \(message)"
        }
    }
}
