#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every failure of a socket call, with the call and `errno` that caused it.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A POSIX call failed; `call` names it (`connect`, `read`, ...).
    case system(call: String, errno: Int32)
    /// A deadline passed before the operation could finish.
    case timedOut(operation: String)
    /// The peer closed the connection (EOF) where more bytes were needed.
    case connectionClosed
    /// `getaddrinfo` could not resolve the host.
    case addressResolution(host: String, message: String)
    /// An address or argument that cannot name a socket (e.g. a bad port).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .system(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .timedOut(let operation):
            return "\(operation) timed out"
        case .connectionClosed:
            return "connection closed by peer"
        case .addressResolution(let host, let message):
            return "cannot resolve \(host): \(message)"
        case .invalidArgument(let message):
            return message
        }
    }

    static func lastError(_ call: String) -> SocketError {
        .system(call: call, errno: errno)
    }
}
