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
    /// From the complete request's arrival to the last byte of its response.
    public let duration: Duration
    public let remoteAddress: SocketAddress?
    /// The router's pattern for the matched route, when a router produced the response.
    public let routePattern: String?
    /// Set when writing the response failed (client gone, write timeout, aborted stream).
    public let error: (any Error)?

    public var method: HTTPMethod? { request?.method }
    /// The raw request path, or nil for an unparseable request.
    public var path: String? { request?.path }
}
