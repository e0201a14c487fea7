import Foundation
import Gateway
import HypertableEmulator

/// Writes one line to stderr (logs never go to stdout).
@Sendable func logLine(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Wires the gateway (and, with `embedded`, the in-process broker), serves until SIGTERM or
/// SIGINT, then shuts down gracefully and returns (exit status 0). SIGHUP rereads the settings
/// `Gateway.reload` names from `environment` (the one `configuration` was read from).
func serve(configuration: GatewayConfiguration, environment: [String: String], embedded: Bool,
           embeddedThriftPort: Int?) throws {
    // Before any thread starts: every thread must inherit the blocked signals.
    let signals = ProcessSignals.start()
    // Before anything listens: an open gateway on a reachable address is refused outright.
    try configuration.checkExposure()
    signal(SIGPIPE, SIG_IGN)
    var configuration = configuration
    var connector: BrokerConnector?
    var emulator: EmulatorServer?
    if embedded {
        let broker = EmulatedBroker()
        connector = EmbeddedBroker.connector(broker)
        configuration.brokers = [EmbeddedBroker.address]
        logLine("""
        {"msg":"EMBEDDED BROKER: data lives in memory only and is lost when the process exits",\
        "broker":"in-process"}
        """)
        if let embeddedThriftPort {
            let server = EmulatorServer(broker: broker, host: "127.0.0.1", port: embeddedThriftPort)
            try server.start()
            emulator = server
            logLine("""
            {"msg":"EMBEDDED BROKER THRIFT PORT IS UNAUTHENTICATED: any local process can read, write and drop \
            every table through it, whatever the gateway's tokens","thrift_address":"127.0.0.1:\(server.port)"}
            """)
        }
    }
    let accessLog = BufferedLogWriter()
    let gateway = try Gateway(configuration: configuration, connector: connector, log: { accessLog.append($0) })
    try gateway.start()
    signals.onReload { reload(gateway, environment: environment) }
    logLine("""
    {"msg":"listening","address":"\(configuration.listenHost):\(gateway.port)",\
    "scheme":"\(configuration.tls == nil ? "http" : "https")",\
    "auth":"\(authSummary(configuration))",\
    "brokers":"\(configuration.brokers.map(\.description).joined(separator: ","))",\
    "pool_size":\(configuration.poolSize),"max_overflow":\(configuration.maxOverflow),\
    "rate_limit_per_address":"\(configuration.rateLimitPerAddress?.description ?? "off")",\
    "rate_limit_per_token":"\(configuration.rateLimitPerToken?.description ?? "off")"}
    """)
    if configuration.rateLimitPerToken != nil && !configuration.accessPolicy.isEnabled {
        logLine(#"{"msg":"GATEWAY_RATE_LIMIT_PER_TOKEN has no effect: no tokens are configured"}"#)
    }
    signals.waitForStop()
    accessLog.flush()
    logLine("{\"msg\":\"shutting down\",\"grace_seconds\":\(configuration.gracePeriodSeconds)}")
    gateway.shutdown()
    emulator?.stop()
    accessLog.flush()
    logLine("{\"msg\":\"stopped\"}")
}

private func authSummary(_ configuration: GatewayConfiguration) -> String {
    if configuration.accessPolicy.isEnabled {
        return "tokens:\(configuration.accessPolicy.tokenCount)" + (configuration.accessPolicy.jwt == nil ? "" : ",jwt")
    }
    return configuration.insecureNoAuth && !GatewayConfiguration.isLoopback(configuration.listenHost)
        ? "off (insecure-no-auth)" : "off"
}

/// The broker `--embedded` runs in this process. The gateway reaches it by calls, not over a
/// socket: nothing else can reach it unless `--embedded-thrift-port` serves it over Thrift too.
enum EmbeddedBroker {
    /// What the log, readiness and metrics name as the broker.
    static let address = GatewayConfiguration.BrokerAddress(host: "in-process", port: 0)

    /// Each pooled connection is a session of its own, as each Thrift client connection would
    /// be; a session the pool drops closes its scanners and mutators when it is freed.
    static func connector(_ broker: EmulatedBroker) -> BrokerConnector {
        BrokerConnector(brokers: [address]) { _ in broker.makeSession() }
    }
}
