import Sockets

/// Failures the server reports to handlers (through `ResponseBodyWriter`) and to `start()`.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The client closed the connection or reset it while the response was being written.
    case clientDisconnected(SocketError)
    /// The client did not take bytes for the whole write timeout.
    case writeTimedOut
    /// `start()` was called twice, or after `shutdown`.
    case invalidState(String)
    /// Binding or listening failed.
    case listenFailed(SocketError)
    /// `configuration.tls` names a certificate or key the server cannot use.
    case tls(TLSConfigurationError)

    public var description: String {
        switch self {
        case .clientDisconnected(let error): return "client disconnected: \(error)"
        case .writeTimedOut: return "write timed out: client is not reading"
        case .invalidState(let message): return message
        case .listenFailed(let error): return "cannot listen: \(error)"
        case .tls(let error): return "cannot start TLS: \(error)"
        }
    }
}
