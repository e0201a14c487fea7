import ArgumentParser
import Foundation
import Gateway
import HypertableEmulator
import Logging

@main
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypertable-gateway",
        abstract: "An HTTP/1.1 + JSON gateway to Hypertable's ThriftBroker.",
        discussion: """
        Settings come from the environment (HYPERTABLE_HOST, HYPERTABLE_PORT, HYPERTABLE_TIMEOUT_MSECS, \
        HYPERTABLE_POOL_SIZE, HYPERTABLE_MAX_OVERFLOW, HYPERTABLE_POOL_TIMEOUT_MSECS, \
        HYPERTABLE_POOL_MAX_IDLE_MSECS, HYPERTABLE_MAX_FRAME_BYTES, GATEWAY_LISTEN, GATEWAY_WORKERS, \
        GATEWAY_QUEUE_DEPTH, GATEWAY_MAX_BODY_BYTES, GATEWAY_GRACE_SECONDS, GATEWAY_TRUSTED_PROXIES, \
        GATEWAY_ACCESS_LOG, GATEWAY_TLS_CERT, GATEWAY_TLS_KEY, GATEWAY_TOKENS_FILE, GATEWAY_TOKENS, \
        GATEWAY_METRICS_PUBLIC, GATEWAY_JWT_SECRET, GATEWAY_JWT_SECRET_FILE, GATEWAY_JWT_KEYS_FILE, \
        GATEWAY_JWT_AUDIENCE, GATEWAY_JWT_SCOPE_CLAIM, GATEWAY_JWT_NAMESPACES_CLAIM, GATEWAY_JWT_LEEWAY, \
        GATEWAY_CORS_ORIGINS, GATEWAY_CORS_ORIGINS_FILE, GATEWAY_INSECURE_NO_AUTH, GATEWAY_CURSOR_KEY, \
        GATEWAY_CURSOR_LIFETIME, GATEWAY_LOG_LEVEL); a flag given on the \
        command line wins.

        Authentication is off unless tokens or JWT keys are configured: then every request but the \
        health probes and /openapi.yaml (and /metrics with GATEWAY_METRICS_PUBLIC=1) needs \
        "Authorization: Bearer <token>"; a token's level (read, write, admin; ro and rw as before) \
        and namespaces limit what it may do. \
        Without tokens the gateway only starts on a loopback address (127.0.0.0/8, ::1, localhost), \
        unless --insecure-no-auth or GATEWAY_INSECURE_NO_AUTH=1 says to serve openly anyway.

        --embedded keeps the broker in this process and opens no Thrift port; \
        --embedded-thrift-port opens one on 127.0.0.1, and that port is unauthenticated: \
        tokens do not apply to it.

        CORS is off unless origins are configured: then browser scripts from those origins (or any, \
        with "*") may call the gateway; preflights are answered without a token.

        Paged scans (?limit=N, ?page_size=N) hand out cursors signed with GATEWAY_CURSOR_KEY (no \
        flag: a secret does not belong in a process listing); unset, each process draws a random \
        key, and its cursors work only on that process until it restarts: give every gateway \
        behind one load balancer the same key.

        SIGHUP rereads the tokens file, the JWT secret and keys, the CORS origins file and the TLS \
        certificate and key; when any of them cannot be used, the old settings stay and the log says why.

        SIGTERM or SIGINT stops accepting, lets in-flight requests finish within \
        GATEWAY_GRACE_SECONDS, closes the broker connections and exits 0.
        """,
        version: "0.1.0",
        subcommands: [EmulatorCommand.self, ConformanceCommand.self])

    @Option(name: .long, help: "Listen on HOST:PORT; port 0 picks a free port (GATEWAY_LISTEN, default 127.0.0.1:8080).")
    var listen: String?

    @Option(name: .long, help: "ThriftBroker host(s), comma-separated, host or host:port (HYPERTABLE_HOST, default localhost).")
    var brokerHost: String?

    @Option(name: .long, help: "ThriftBroker port (HYPERTABLE_PORT, default 15867).")
    var brokerPort: Int?

    @Option(name: .long, help: "Connect and call timeout in ms (HYPERTABLE_TIMEOUT_MSECS, default 30000).")
    var timeoutMsecs: Int?

    @Option(name: .long, help: "Idle connections kept; 0 = one connection per request (HYPERTABLE_POOL_SIZE, default 5).")
    var poolSize: Int?

    @Option(name: .long, help: "Extra connections when all are busy (HYPERTABLE_MAX_OVERFLOW, default 10).")
    var maxOverflow: Int?

    @Option(name: .long, help: "Serve HTTPS with this PEM certificate chain; needs --tls-key (GATEWAY_TLS_CERT).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key of --tls-cert (GATEWAY_TLS_KEY).")
    var tlsKey: String?

    @Option(name: .long, help: "Bearer tokens, one \"<token> read|write|admin [namespace,...]\" per line (ro and rw too), reread on SIGHUP; tokens turn authentication on (GATEWAY_TOKENS_FILE).")
    var tokensFile: String?

    @Option(name: .long, help: "Origins whose browser scripts may call the gateway, comma-separated scheme://host[:port], or \"*\" (GATEWAY_CORS_ORIGINS, default none: CORS off).")
    var corsOrigins: String?

    @Option(name: .long, help: "Seconds a page cursor stays valid (GATEWAY_CURSOR_LIFETIME, default 3600).")
    var cursorLifetime: Int?

    @Option(name: .long, help: "Token bucket per client address, RATE/s,BURST (e.g. 10/s,20); over it 429 (GATEWAY_RATE_LIMIT_PER_ADDRESS, default none).")
    var rateLimitPerAddress: String?

    @Option(name: .long, help: "Token bucket per bearer token, RATE/s,BURST (e.g. 50/s,100); over it 429 (GATEWAY_RATE_LIMIT_PER_TOKEN, default none).")
    var rateLimitPerToken: String?

    @Option(name: .long, help: "Least severe log records written: trace, debug, info, notice, warning, error, critical (GATEWAY_LOG_LEVEL, default info; the access log is info).")
    var logLevel: String?

    @Flag(name: .long, help: "Without tokens, serve on an address that is not loopback anyway: anyone who can reach it may read, write and drop every table (GATEWAY_INSECURE_NO_AUTH=1).")
    var insecureNoAuth = false

    @Flag(name: .long, help: "Run the embedded in-memory broker in this process and use it, without a socket. Data lives in memory only.")
    var embedded = false

    @Option(name: .long, help: "With --embedded: also serve the embedded broker over Thrift on 127.0.0.1:PORT (0 picks one). This port is UNAUTHENTICATED: any local process may read, write and drop every table through it.")
    var embeddedThriftPort: Int?

    func validate() throws {
        if let logLevel, GatewayConfiguration.logLevel(logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if embeddedThriftPort != nil && !embedded {
            throw ValidationError("--embedded-thrift-port serves the embedded broker: it needs --embedded")
        }
        if let embeddedThriftPort, !(0...65535).contains(embeddedThriftPort) {
            throw ValidationError("--embedded-thrift-port must be a port from 0 to 65535")
        }
    }

    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let listen { environment["GATEWAY_LISTEN"] = listen }
        if let brokerHost { environment["HYPERTABLE_HOST"] = brokerHost }
        if let brokerPort { environment["HYPERTABLE_PORT"] = String(brokerPort) }
        if let timeoutMsecs { environment["HYPERTABLE_TIMEOUT_MSECS"] = String(timeoutMsecs) }
        if let poolSize { environment["HYPERTABLE_POOL_SIZE"] = String(poolSize) }
        if let maxOverflow { environment["HYPERTABLE_MAX_OVERFLOW"] = String(maxOverflow) }
        if let tlsCert { environment["GATEWAY_TLS_CERT"] = tlsCert }
        if let tlsKey { environment["GATEWAY_TLS_KEY"] = tlsKey }
        if let tokensFile { environment["GATEWAY_TOKENS_FILE"] = tokensFile }
        if let corsOrigins { environment["GATEWAY_CORS_ORIGINS"] = corsOrigins }
        if let cursorLifetime { environment["GATEWAY_CURSOR_LIFETIME"] = String(cursorLifetime) }
        if insecureNoAuth { environment["GATEWAY_INSECURE_NO_AUTH"] = "1" }
        if let rateLimitPerAddress { environment["GATEWAY_RATE_LIMIT_PER_ADDRESS"] = rateLimitPerAddress }
        if let rateLimitPerToken { environment["GATEWAY_RATE_LIMIT_PER_TOKEN"] = rateLimitPerToken }
        if let logLevel { environment["GATEWAY_LOG_LEVEL"] = logLevel }
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration(environment: environment)
        } catch {
            throw ValidationError("configuration: \(error)")
        }
        try serve(configuration: configuration, environment: environment, embedded: embedded,
                  embeddedThriftPort: embeddedThriftPort)
    }
}

/// `--log-level`, else `GATEWAY_LOG_LEVEL`, else `info`.
func resolveLogLevel(_ option: String?) throws -> Logger.Level {
    guard let text = option ?? ProcessInfo.processInfo.environment["GATEWAY_LOG_LEVEL"] else { return .info }
    guard let level = GatewayConfiguration.logLevel(text) else {
        throw ValidationError("log level \"\(text)\": expected trace, debug, info, notice, warning, error or critical")
    }
    return level
}
