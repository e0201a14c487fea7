/// Everything an `HTTPServer` needs to know before `start()`. Times are in seconds.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    /// 0 lets the kernel pick; read the choice from `HTTPServer.port` after `start()`.
    public var port: Int
    public var limits: HTTPParserLimits
    /// Threads that run handlers (handlers block on Thrift calls).
    public var workerCount: Int
    /// Complete requests waiting for a worker; beyond this the server answers 503 at once.
    public var workerQueueCapacity: Int
    /// A keep-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Double
    /// A request's head must arrive within this long of its first byte (and a new connection's
    /// first request within this long of accepting): the slowloris guard. While a body is being
    /// received, each read gives it `idleTimeout` more.
    public var headerReadTimeout: Double
    /// A request body must keep up a minimum rate (Apache `mod_reqtimeout`'s `MinRate`): it
    /// gets `bodyGracePeriod` seconds from its head, plus one second per `bodyMinimumRate`
    /// bytes received; falling behind gets 408 (whole bodies) or ends the stream. 0 disables.
    public var bodyMinimumRate: Int = 500
    public var bodyGracePeriod: Double = 20
    /// A whole (not streamed) body must arrive within this long of its head, however fast.
    public var bodyReadTimeout: Double = 300
    /// A write that makes no progress for this long fails (the client is not reading).
    public var writeTimeout: Double
    /// Open connections beyond this: an idle keep-alive connection is closed to make room, or,
    /// with none idle, the new one is accepted and closed at once with a 503.
    public var maxConnections: Int
    /// Open connections from one client address beyond this are refused the same way (0: no
    /// limit); `unlimitedClients` (trusted proxies) are exempt.
    public var maxConnectionsPerClient: Int = 1024
    public var unlimitedClients: Set<String> = []
    /// gzip complete bodies when the client accepts it, the type is textual and the body is at
    /// least `compressionMinimumSize` bytes (adds `Vary: Accept-Encoding`).
    public var compression: Bool
    /// gzip streamed bodies too (each write is flushed with Z_SYNC_FLUSH).
    public var compressStreams: Bool
    public var compressionMinimumSize: Int
    /// Seconds sent in `Retry-After` with the 503 for a full worker queue.
    public var retryAfterSeconds: Int
    public var listenBacklog: Int32
    /// Serve HTTPS only: every connection must complete a TLS handshake first. nil: plain HTTP.
    public var tls: TLSConfiguration?
    /// How long a worker that wrote a response on a plain keep-alive connection stays with it,
    /// reading the next request itself, before handing the connection back to its readiness
    /// source. Staying saves the event loop's system calls and thread wake-ups per request; a
    /// request waiting for a worker ends every stay at once. 0: workers never stay.
    public var workerStayTime: Double = 0.02
    /// Wire bytes left of a streamed body that the server reads and discards after the handler,
    /// to keep the connection; a longer rest closes it instead.
    public var streamedBodyDrainLimit: Int = 256 * 1024

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: HTTPParserLimits = HTTPParserLimits(),
                workerCount: Int = 32, workerQueueCapacity: Int = 1024, idleTimeout: Double = 60,
                headerReadTimeout: Double = 10, writeTimeout: Double = 30, maxConnections: Int = 4096,
                compression: Bool = true, compressStreams: Bool = true, compressionMinimumSize: Int = 1024,
                retryAfterSeconds: Int = 1, listenBacklog: Int32 = 1024, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.workerCount = workerCount
        self.workerQueueCapacity = workerQueueCapacity
        self.idleTimeout = idleTimeout
        self.headerReadTimeout = headerReadTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.compression = compression
        self.compressStreams = compressStreams
        self.compressionMinimumSize = compressionMinimumSize
        self.retryAfterSeconds = retryAfterSeconds
        self.listenBacklog = listenBacklog
        self.tls = tls
    }
}
