/// Wraps the work of each borrowing (`ConnectionPool.withConnection` and `checkout`: waiting
/// for a connection, the broker calls made with it, a read's one retry), on the borrower's
/// thread. The application puts a tracing span around broker calls here; the pool knows
/// nothing of tracing. None is the default and costs one nil check per borrowing.
public protocol BrokerCallInstrumentation: Sendable {
    func around<T>(_ call: () throws -> T) throws -> T
}
