import Sockets

/// What happened to one request, given to `HTTPServer`'s completion callback once its
/// response was written (or failed): the material for access logs and metrics.
public struct HTTPExchangeRecord: Sendable {
    /// The request; nil when it could not be parsed (then `status` is the parse error's).
    public let request: HTTPRequest?
    public let status: HTTPStatus
    public let responseHeaders: HTTPHeaders
    /// Body bytes written to the socket (after compression, without chunk framing).
    public let bytesSent: Int
    /// From the complete request's arrival to the last byte of its response, in nanoseconds:
    /// measured as such, because its readers (the access log, metrics) need a number, and
    /// `Duration.components` divides 128-bit attoseconds for each of them.
    public let durationNanoseconds: Int64
    /// `durationNanoseconds` as a `Duration`.
    public var duration: Duration { .nanoseconds(durationNanoseconds) }
    public let remoteAddress: SocketAddress?
    /// The router's pattern for the matched route, when a router produced the response.
    public let routePattern: String?
    /// Set when writing the response failed (client gone, write timeout, aborted stream).
    public let error: (any Error)?

    public init(request: HTTPRequest?, status: HTTPStatus, responseHeaders: HTTPHeaders, bytesSent: Int,
                durationNanoseconds: Int64, remoteAddress: SocketAddress?, routePattern: String?, error: (any Error)?) {
        self.request = request
        self.status = status
        self.responseHeaders = responseHeaders
        self.bytesSent = bytesSent
        self.durationNanoseconds = durationNanoseconds
        self.remoteAddress = remoteAddress
        self.routePattern = routePattern
        self.error = error
    }

    /// A record from a `Duration`, kept to whole nanoseconds.
    public init(request: HTTPRequest?, status: HTTPStatus, responseHeaders: HTTPHeaders, bytesSent: Int,
                duration: Duration, remoteAddress: SocketAddress?, routePattern: String?, error: (any Error)?) {
        let (seconds, attoseconds) = duration.components
        self.init(request: request, status: status, responseHeaders: responseHeaders, bytesSent: bytesSent,
                  durationNanoseconds: seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000,
                  remoteAddress: remoteAddress, routePattern: routePattern, error: error)
    }

    public var method: HTTPMethod? { request?.method }
    /// The raw request path, or nil for an unparseable request.
    public var path: String? { request?.path }
}
