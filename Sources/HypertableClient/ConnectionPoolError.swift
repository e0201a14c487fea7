/// Why a `ConnectionPool` could not lend a connection.
public enum ConnectionPoolError: Error, CustomStringConvertible {
    /// Every connection (kept and overflow) stayed busy until the borrower's deadline.
    /// The gateway answers 503 with Retry-After.
    case waitTimeout(waitedMilliseconds: Int, inUse: Int, waiting: Int)
    /// The pool was shut down before or while the borrower waited.
    case poolClosed
    /// Opening a new connection failed; `underlying` is the factory's error (a `BrokerCallError`
    /// when the broker is unreachable). The slot was released. The gateway answers 502/503.
    case connectFailed(underlying: any Error)

    public var description: String {
        switch self {
        case let .waitTimeout(waited, inUse, waiting):
            return "no broker connection free after \(waited) ms (\(inUse) in use, \(waiting) waiting)"
        case .poolClosed:
            return "the connection pool is shut down"
        case let .connectFailed(underlying):
            return "cannot connect to the broker: \(underlying)"
        }
    }
}

/// An error that a `ConnectionPool.withConnection` body may throw without the connection being
/// discarded: it did not come from the transport, so the connection is still in step with
/// the broker. `ClientException` is always treated this way; any other error discards.
public protocol ConnectionPreservingError: Error {}
