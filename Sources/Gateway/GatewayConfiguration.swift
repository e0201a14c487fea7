import HTTPServer
import HypertableClient
import Logging
import Support

/// Everything the gateway reads from its environment. Names keep flask-hypertable's meaning
/// (`HYPERTABLE_HOST`, `HYPERTABLE_PORT`, `HYPERTABLE_TIMEOUT_MSECS`, `HYPERTABLE_POOL_SIZE`,
/// `HYPERTABLE_MAX_OVERFLOW`); the gateway's own settings start with `GATEWAY_`.
/// Defaults are safe: listen on loopback, broker on localhost:15867.
public struct GatewayConfiguration: Sendable, Equatable {
    /// One ThriftBroker address. Several brokers may be named; connections spread over them.
    public struct BrokerAddress: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) { self.host = host; self.port = port }
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public var listenHost = "127.0.0.1"
    public var listenPort = 8080
    public var brokers = [BrokerAddress(host: "localhost", port: 15867)]
    /// `HYPERTABLE_TIMEOUT_MSECS`: connect timeout and the deadline of each broker call.
    public var brokerTimeoutMilliseconds = 30_000
    /// `HYPERTABLE_MAX_FRAME_BYTES`: the largest Thrift reply accepted from the broker; a
    /// larger one is refused before any allocation (and a point SELECT falls back to a scan).
    public var maxFrameBytes = 16 * 1024 * 1024
    /// The pool's settings (`HYPERTABLE_POOL_SIZE`, `HYPERTABLE_MAX_OVERFLOW`,
    /// `HYPERTABLE_POOL_TIMEOUT_MSECS`, `HYPERTABLE_POOL_MAX_IDLE_MSECS`), read by
    /// `PoolConfiguration(environment:)`, the one place that knows them. Its size and overflow
    /// apply only where they were set (`poolSizedByWorkers` false): see `effectivePool`.
    public var pool = PoolConfiguration()
    /// True until a pool size is given (`HYPERTABLE_POOL_SIZE`, `--pool-size`, `poolSize`):
    /// then the pool keeps one connection per worker and makes no overflow connections.
    public var poolSizedByWorkers = true
    /// `HYPERTABLE_POOL_SIZE`: idle connections kept; 0 opens one per request.
    public var poolSize: Int {
        get { effectivePool.size }
        set {
            pool.size = newValue
            poolSizedByWorkers = false
        }
    }
    /// `HYPERTABLE_MAX_OVERFLOW`: extra connections when all are busy, closed on return.
    public var maxOverflow: Int {
        get { effectivePool.maxOverflow }
        set {
            pool.maxOverflow = newValue
            overflowGiven = true
        }
    }
    /// Whether an overflow was given; without one, a pool sized by workers makes none.
    var overflowGiven = false

    /// The pool the gateway runs. A worker holds at most one broker connection at a time, so
    /// with no size given the pool keeps exactly `workers` connections: no request ever opens,
    /// namespace-opens, namespace-closes or closes one (flask-hypertable's 5 + 10 with 32
    /// workers churned overflow connections on every busy request). A size that was given keeps
    /// flask-hypertable's meaning, overflow included.
    public var effectivePool: PoolConfiguration {
        guard poolSizedByWorkers else { return pool }
        var sized = pool
        sized.size = min(workers, PoolConfiguration.maximumConnections)
        if !overflowGiven { sized.maxOverflow = 0 }
        return sized
    }
    /// `HYPERTABLE_POOL_TIMEOUT_MSECS`: how long a request waits for a connection before 503.
    public var poolTimeoutMilliseconds: Int {
        get { pool.waitTimeoutMilliseconds }
        set { pool.waitTimeoutMilliseconds = newValue }
    }
    /// `GATEWAY_WORKERS`: threads running handlers (each holds at most one broker connection).
    public var workers = 32
    /// `GATEWAY_QUEUE_DEPTH`: parsed requests waiting for a worker before 503s start.
    public var queueDepth = 1024
    /// `GATEWAY_MAX_BODY_BYTES`: the largest request body accepted (413 above it).
    public var maxBodyBytes = 8 * 1024 * 1024
    /// `GATEWAY_GRACE_SECONDS`: how long shutdown waits for in-flight requests.
    public var gracePeriodSeconds = 10.0
    /// Every phase of a request has a bound (seconds unless named otherwise):
    /// `GATEWAY_HEADER_TIMEOUT` from a request's first byte to its complete head,
    /// `GATEWAY_IDLE_TIMEOUT` for a keep-alive connection between requests,
    /// `GATEWAY_BODY_MIN_RATE` (bytes per second, after `GATEWAY_BODY_GRACE` seconds) for every
    /// body, `GATEWAY_BODY_TIMEOUT` for a whole (not streamed) body, `GATEWAY_WRITE_TIMEOUT`
    /// for a response write that makes no progress (a client that stopped reading).
    public var headerTimeoutSeconds = 10.0
    public var idleTimeoutSeconds = 60.0
    public var bodyMinimumRate = 500
    public var bodyGraceSeconds = 20.0
    public var bodyTimeoutSeconds = 300.0
    public var writeTimeoutSeconds = 30.0
    /// `GATEWAY_WORKER_STAY`: seconds a worker that answered a plain keep-alive connection
    /// stays with it for the next request (0: never), see `HTTPServerConfiguration.workerStayTime`.
    public var workerStaySeconds = 0.02
    /// `GATEWAY_MAX_CONNECTIONS`: open client connections; at the limit idle keep-alive ones
    /// are closed to make room, else new ones get 503.
    public var maxConnections = 4096
    /// `GATEWAY_MAX_CONNECTIONS_PER_CLIENT`: open connections from one client address (the TCP
    /// peer; trusted proxies are exempt); 0: no limit.
    public var maxConnectionsPerClient = 1024
    /// `GATEWAY_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the real client.
    public var trustedProxies: [String] = []
    /// `GATEWAY_ACCESS_LOG`: one structured line per request on stderr (default on).
    public var accessLog = true
    /// `GATEWAY_LOG_LEVEL` (`--log-level`): the least severe records written, `trace` to
    /// `critical` (default `info`; the access log's records are `info`).
    public var logLevel = Logger.Level.info
    /// `GATEWAY_TLS_CERT` and `GATEWAY_TLS_KEY` (PEM paths, both or neither): serve HTTPS only.
    /// The files are loaded when the gateway starts; unusable ones stop it.
    public var tls: TLSConfiguration?
    /// `GATEWAY_TOKENS_FILE`, `GATEWAY_TOKENS`, `GATEWAY_METRICS_PUBLIC` and `GATEWAY_JWT_*`:
    /// bearer tokens with their grants, and signed tokens. None configured, the default, means
    /// no authentication.
    public var accessPolicy = AccessPolicy()
    /// `GATEWAY_INSECURE_NO_AUTH` (`--insecure-no-auth`): start without tokens on an address
    /// that is not loopback anyway (see `checkExposure()`). Off by default.
    public var insecureNoAuth = false
    /// `GATEWAY_CORS_ORIGINS` (or `GATEWAY_CORS_ORIGINS_FILE`, reread on SIGHUP): `*` or
    /// comma-separated origins (`https://app.example.com`) whose browser scripts may call the
    /// gateway (CORS). Unset, the default, sends no CORS headers.
    public var cors = CORSPolicy()
    /// `GATEWAY_CURSOR_KEY`: the HMAC-SHA256 key that signs page cursors, shared by every
    /// gateway behind one load balancer so that any of them continues another's cursor.
    /// Unset (nil), each process draws a random key at start: its cursors work only on that
    /// process and only until it restarts.
    public var cursorKey: [UInt8]?
    /// `GATEWAY_CURSOR_LIFETIME`: seconds a page cursor stays valid after it is issued.
    public var cursorLifetimeSeconds = 3600
    /// `GATEWAY_RATE_LIMIT_PER_ADDRESS` and `GATEWAY_RATE_LIMIT_PER_TOKEN` (`RATE/s,BURST`, e.g.
    /// `10/s,20`): token buckets per client address (the forwarded one behind a trusted proxy)
    /// and per valid token; over either, 429. Unset, the default: no limit. Health probes are
    /// never limited.
    public var rateLimitPerAddress: RateLimit?
    public var rateLimitPerToken: RateLimit?

    public init() {}

    /// Reads the variables above; a malformed value is an error naming the variable.
    public init(environment: [String: String]) throws {
        self.init()
        if let listen = environment["GATEWAY_LISTEN"] {
            (listenHost, listenPort) = try Self.hostPort(listen, variable: "GATEWAY_LISTEN")
        }
        let port = try Self.integer(environment, "HYPERTABLE_PORT", range: 1...65535) ?? 15867
        if let hosts = environment["HYPERTABLE_HOST"] {
            brokers = try Self.brokerList(hosts, defaultPort: port)
        } else {
            brokers = [BrokerAddress(host: "localhost", port: port)]
        }
        brokerTimeoutMilliseconds = try Self.integer(environment, "HYPERTABLE_TIMEOUT_MSECS", range: 1...86_400_000)
            ?? brokerTimeoutMilliseconds
        maxFrameBytes = try Self.integer(environment, "HYPERTABLE_MAX_FRAME_BYTES", range: 4096...(1 << 30))
            ?? maxFrameBytes
        do {
            pool = try PoolConfiguration(environment: environment)
            poolSizedByWorkers = environment["HYPERTABLE_POOL_SIZE"].map { $0.trimmingWhitespace().isEmpty } ?? true
            overflowGiven = environment["HYPERTABLE_MAX_OVERFLOW"].map { !$0.trimmingWhitespace().isEmpty } ?? false
        } catch {
            throw ConfigurationError(variable: error.variable, value: error.value, expected: error.reason)
        }
        workers = try Self.integer(environment, "GATEWAY_WORKERS", range: 1...4096) ?? workers
        queueDepth = try Self.integer(environment, "GATEWAY_QUEUE_DEPTH", range: 1...1_000_000) ?? queueDepth
        maxBodyBytes = try Self.integer(environment, "GATEWAY_MAX_BODY_BYTES", range: 0...(1 << 32)) ?? maxBodyBytes
        gracePeriodSeconds = try Self.seconds(environment, "GATEWAY_GRACE_SECONDS", atMost: 3600, allowingZero: true)
            ?? gracePeriodSeconds
        headerTimeoutSeconds = try Self.seconds(environment, "GATEWAY_HEADER_TIMEOUT") ?? headerTimeoutSeconds
        idleTimeoutSeconds = try Self.seconds(environment, "GATEWAY_IDLE_TIMEOUT") ?? idleTimeoutSeconds
        bodyGraceSeconds = try Self.seconds(environment, "GATEWAY_BODY_GRACE") ?? bodyGraceSeconds
        bodyTimeoutSeconds = try Self.seconds(environment, "GATEWAY_BODY_TIMEOUT") ?? bodyTimeoutSeconds
        writeTimeoutSeconds = try Self.seconds(environment, "GATEWAY_WRITE_TIMEOUT") ?? writeTimeoutSeconds
        workerStaySeconds = try Self.seconds(environment, "GATEWAY_WORKER_STAY", atMost: 10, allowingZero: true)
            ?? workerStaySeconds
        bodyMinimumRate = try Self.integer(environment, "GATEWAY_BODY_MIN_RATE", range: 0...(1 << 30)) ?? bodyMinimumRate
        maxConnections = try Self.integer(environment, "GATEWAY_MAX_CONNECTIONS", range: 1...1_000_000) ?? maxConnections
        maxConnectionsPerClient = try Self.integer(environment, "GATEWAY_MAX_CONNECTIONS_PER_CLIENT",
                                                   range: 0...1_000_000) ?? maxConnectionsPerClient
        if let proxies = environment["GATEWAY_TRUSTED_PROXIES"] {
            trustedProxies = proxies.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        accessLog = try Self.boolean(environment, "GATEWAY_ACCESS_LOG") ?? accessLog
        if let text = environment["GATEWAY_LOG_LEVEL"] {
            guard let level = Self.logLevel(text) else {
                throw ConfigurationError(variable: "GATEWAY_LOG_LEVEL", value: text,
                                         expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            logLevel = level
        }
        tls = try Self.tlsFiles(environment)
        if let path = environment["GATEWAY_TOKENS_FILE"], !path.isEmpty {
            try accessPolicy.load(tokensFile: path)
        }
        if let list = environment["GATEWAY_TOKENS"] {
            try accessPolicy.load(tokenList: list)
        }
        accessPolicy.jwt = try JWTVerifier.fromEnvironment(environment)
        accessPolicy.metricsPublic = try Self.boolean(environment, "GATEWAY_METRICS_PUBLIC") ?? false
        insecureNoAuth = try Self.boolean(environment, "GATEWAY_INSECURE_NO_AUTH") ?? false
        if let origins = environment["GATEWAY_CORS_ORIGINS"] {
            cors = try CORSPolicy(origins: origins, variable: "GATEWAY_CORS_ORIGINS")
        }
        if let key = environment["GATEWAY_CURSOR_KEY"], !key.isEmpty {
            // A short key could be guessed offline from one signed cursor.
            guard key.utf8.count >= Self.minimumCursorKeyBytes else {
                throw ConfigurationError(variable: "GATEWAY_CURSOR_KEY", value: "(\(key.utf8.count) bytes, not shown)",
                                         expected: "a secret of at least \(Self.minimumCursorKeyBytes) bytes, "
                                            + "e.g. from `openssl rand -base64 32`")
            }
            cursorKey = Array(key.utf8)
        }
        cursorLifetimeSeconds = try Self.integer(environment, "GATEWAY_CURSOR_LIFETIME", range: 1...604_800)
            ?? cursorLifetimeSeconds
        rateLimitPerAddress = try Self.rateLimit(environment, "GATEWAY_RATE_LIMIT_PER_ADDRESS")
        rateLimitPerToken = try Self.rateLimit(environment, "GATEWAY_RATE_LIMIT_PER_TOKEN")
        if let path = environment["GATEWAY_CORS_ORIGINS_FILE"], !path.isEmpty {
            guard environment["GATEWAY_CORS_ORIGINS"].map({ $0.trimmingWhitespace().isEmpty }) ?? true else {
                throw ConfigurationError(variable: "GATEWAY_CORS_ORIGINS_FILE", value: path,
                                         expected: "unset, since GATEWAY_CORS_ORIGINS is set (origins from one place)")
            }
            cors = try CORSPolicy(originsFile: path)
        }
    }

    /// `RATE/s,BURST` or `RATE/m,BURST`; empty or `off` means no limit.
    static func rateLimit(_ environment: [String: String], _ name: String) throws -> RateLimit? {
        guard let text = environment[name] else { return nil }
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty || trimmed.lowercased() == "off" { return nil }
        guard let limit = RateLimit(setting: trimmed) else {
            throw ConfigurationError(variable: name, value: text,
                                     expected: "RATE/s,BURST or RATE/m,BURST (e.g. 10/s,20), rate more than 0, burst 1 to 1000000, or off")
        }
        return limit
    }

    /// The shortest `GATEWAY_CURSOR_KEY` accepted.
    public static let minimumCursorKeyBytes = 32

    /// A level by its swift-log name (`trace` … `critical`), any case; `warn` for `warning`.
    public static func logLevel(_ text: String) -> Logger.Level? {
        let name = text.trimmingWhitespace().lowercased()
        return Logger.Level(rawValue: name == "warn" ? "warning" : name)
    }

    static func boolean(_ environment: [String: String], _ name: String) throws -> Bool? {
        guard let text = environment[name] else { return nil }
        switch text.trimmingWhitespace().lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, value: text, expected: "on or off")
        }
    }

    /// HTTPS needs both files; one without the other is a mistake, never a silent plaintext start.
    static func tlsFiles(_ environment: [String: String]) throws -> TLSConfiguration? {
        let certificate = environment["GATEWAY_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let key = environment["GATEWAY_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            return TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        case (let certificate?, nil):
            throw ConfigurationError(variable: "GATEWAY_TLS_KEY", value: "",
                                     expected: "the private key's PEM path, since GATEWAY_TLS_CERT=\"\(certificate)\" is set")
        case (nil, let key?):
            throw ConfigurationError(variable: "GATEWAY_TLS_CERT", value: "",
                                     expected: "the certificate chain's PEM path, since GATEWAY_TLS_KEY=\"\(key)\" is set")
        }
    }

    static func integer(_ environment: [String: String], _ name: String, range: ClosedRange<Int>) throws -> Int? {
        do {
            return try EnvironmentSetting.integer(environment, name, range: range)
        } catch {
            throw ConfigurationError(variable: error.variable, value: error.value,
                                     expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Seconds, fractions allowed, more than 0 and at most a day.
    /// Seconds, one rule for every duration setting (as `EnvironmentSetting` has for counts):
    /// unset or blank keeps the default (nil); else a decimal number up to `limit`, more than
    /// zero unless `allowingZero`.
    static func seconds(_ environment: [String: String], _ name: String, atMost limit: Int = 86_400,
                        allowingZero: Bool = false) throws -> Double? {
        guard let text = environment[name] else { return nil }
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return nil }
        guard let value = Double(trimmed), allowingZero ? value >= 0 : value > 0, value <= Double(limit) else {
            throw ConfigurationError(variable: name, value: text, expected: allowingZero
                                     ? "seconds, 0 to \(limit)" : "seconds, more than 0 and at most \(limit)")
        }
        return value
    }

    /// `HOST:PORT`, `[v6]:PORT` or `:PORT`.
    public static func hostPort(_ text: String, variable: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ConfigurationError(variable: variable, value: text, expected: "HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// `host1,host2:15868`: hosts without a port take `defaultPort`.
    static func brokerList(_ text: String, defaultPort: Int) throws -> [BrokerAddress] {
        var brokers: [BrokerAddress] = []
        for item in text.split(separator: ",").map({ $0.trimmingWhitespace() }) where !item.isEmpty {
            let colons = item.filter { $0 == ":" }.count
            if colons == 1 || (item.hasPrefix("[") && item.contains("]:")) {
                let (host, port) = try hostPort(item, variable: "HYPERTABLE_HOST")
                brokers.append(BrokerAddress(host: host, port: port))
            } else {
                brokers.append(BrokerAddress(host: item, port: defaultPort))
            }
        }
        guard !brokers.isEmpty else {
            throw ConfigurationError(variable: "HYPERTABLE_HOST", value: text, expected: "one or more host names")
        }
        return brokers
    }
}

/// A setting that could not be read: which one, what it held, what was expected. One type
/// for every layer's settings (`Support.EnvironmentSettingError`).
public typealias ConfigurationError = EnvironmentSettingError
