/// What the server and the application learn about a request once, when its head is complete,
/// and carry with it to the handler, the access log and the metrics: nothing downstream works
/// it out again.
public struct HTTPRequestContext: Sendable {
    /// The request's id (the application picks it: a sane `X-Request-ID`, or a fresh one).
    public var requestID = ""
    /// The client as the application sees it: the server sets the peer's address, the
    /// application may replace it (with what a trusted proxy forwarded).
    public var clientAddress = "-"
    /// The route the head reached, matched once (`HTTPRouter.resolve`); nil when unrouted.
    public var route: HTTPRouter.Resolution?
    /// Who the request acts as, for logs (`rw`, `ro`, `read@ns`, `jwt:write`, `none`, `denied`, ...).
    public var principal = "none"
    /// False when the credential may not do everything (a level below admin, or a namespace
    /// limit): a handler whose effect depends on the body (a statement) checks `grant` there.
    public var mayWrite = true
    /// What the application's guard granted, for a handler that decides more from the body
    /// (the server never looks at it).
    public var grant: (any Sendable)?
    /// Answer on the connection's I/O thread instead of a worker: only for handlers that
    /// never block (set from the matched route).
    public var runsInline = false
    /// False when the application checks credentials and this request carried none it
    /// accepted (a public route such as a health check): the worker that answers it does not
    /// stay with the connection (`HTTPServerConfiguration.workerStayTime`), so that no
    /// unauthenticated client keeps a thread between its requests.
    public var mayKeepWorker = true
    /// The W3C trace the request belongs to (the application accepts the caller's
    /// `traceparent` or starts one); nil until it does.
    public var trace: W3CTraceContext?

    public init() {}

    /// The matched route's pattern: a low-cardinality label for metrics and logs.
    public var routePattern: String? {
        if case .found(let match)? = route { return match.pattern }
        return nil
    }
}
