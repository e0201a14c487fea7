import Sockets
import Thrift

/// Why a call to a ThriftBroker failed below Hypertable's own errors (`ClientException`):
/// the transport, the Thrift protocol, or the broker's Thrift layer. `HypertableConnection`
/// throws it in place of the Thrift and socket errors it meets, so that callers above this
/// module (the gateway) decide on what happened without importing `Thrift` or `Sockets`.
///
/// Every case names the call or step (`context`) and keeps the underlying error's text, so
/// one log line says which broker call failed and how.
public enum BrokerCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No reply within the call's deadline (`HYPERTABLE_TIMEOUT_MSECS`). The connection is
    /// broken: a late reply would arrive out of step.
    case timedOut(context: String)
    /// Connecting failed, or the connection was reset or closed mid-call. Nothing of a reply
    /// was understood, so a read may be run again on another connection.
    case connectionFailed(context: String, reason: String)
    /// The reply's frame announced more than the connection's frame limit; the connection is
    /// broken. Callers that can fetch the same data in pieces (a scanner) do so.
    case replyTooLarge(context: String, length: Int, limit: Int)
    /// The call itself would exceed the frame limit; it was refused before a byte was sent,
    /// so the connection is still in step.
    case requestTooLarge(context: String, length: Int, limit: Int)
    /// The reply could not be understood (malformed Thrift, a reply to another call); the
    /// connection is broken.
    case malformedReply(context: String, reason: String)
    /// The broker answered with a Thrift `TApplicationException` (unknown method, internal
    /// error, a missing result): it read the call and the reply was read whole, so the
    /// connection is still in step.
    case applicationException(context: String, kind: Int32, message: String)
    /// The connection had already broken or been closed before this call.
    case connectionUnusable(context: String)

    /// Wraps what the Thrift layer threw during `context` (a method name, or "connecting to
    /// host:port"); anything else (a `ClientException`, an error of the caller's) is returned
    /// unchanged.
    public static func wrapping(_ error: any Error, context: String) -> any Error {
        switch error {
        case let socket as SocketError:
            return fromSocket(socket, context: context)
        case let thrift as ThriftError:
            switch thrift {
            case let .transport(socket, inner):
                return fromSocket(socket, context: "\(context): \(inner)")
            case let .frameTooLarge(length, limit):
                return replyTooLarge(context: context, length: length, limit: limit)
            case let .connectionUnusable(message):
                return connectionUnusable(context: "\(context): \(message)")
            default:
                return malformedReply(context: context, reason: thrift.description)
            }
        case let exception as ThriftApplicationException:
            return applicationException(context: context, kind: exception.kind.rawValue, message: exception.message)
        default:
            return error
        }
    }

    private static func fromSocket(_ error: SocketError, context: String) -> BrokerCallError {
        if case .timedOut(let operation) = error { return .timedOut(context: "\(context) (\(operation))") }
        return .connectionFailed(context: context, reason: error.description)
    }

    /// True when the connection is still in step with the broker after this error, so a pool
    /// may lend it again.
    public var leavesConnectionUsable: Bool {
        switch self {
        case .requestTooLarge, .applicationException: return true
        default: return false
        }
    }

    /// True when a read that failed this way may run again on a fresh connection: the
    /// connection broke before any reply was understood. Not after a timeout (the broker may be
    /// hung: asking again doubles the wait) nor after a reply that was understood badly
    /// (asking again changes nothing).
    public var allowsReadRetry: Bool {
        switch self {
        case .connectionFailed, .connectionUnusable: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .timedOut(context):
            return "\(context): the broker did not answer in time"
        case let .connectionFailed(context, reason):
            return "\(context): \(reason)"
        case let .replyTooLarge(context, length, limit):
            return "\(context): reply of \(length) bytes exceeds the frame limit of \(limit)"
        case let .requestTooLarge(context, length, limit):
            return "\(context): call of \(length) bytes exceeds the frame limit of \(limit)"
        case let .malformedReply(context, reason):
            return "\(context): \(reason)"
        case let .applicationException(context, kind, message):
            return "\(context): TApplicationException \(ThriftApplicationException.Kind(rawValue: kind)): \(message)"
        case let .connectionUnusable(context):
            return "\(context): connection unusable"
        }
    }
}
