import Foundation
import Gateway
import HypertableEmulator
import Logging
import Metrics
import Prometheus

/// The process's logging and metrics, set up once before anything logs or counts:
/// `LoggingSystem` writes JSON lines through the batched standard-error writer at `level`, and
/// `MetricsSystem` records into `registry` (so a library that uses the global factory lands in
/// `/metrics` too). Made after `ProcessSignals.start()`: the writer's queue starts threads.
struct Observability {
    let registry = PrometheusCollectorRegistry()
    let output = BufferedLogWriter()
    let logger: Logger

    init(level: Logger.Level) {
        let output = output
        LoggingSystem.bootstrap { _ in JSONLogHandler(sink: output, level: level) }
        MetricsSystem.bootstrap(GatewayMetricsFactory(registry: registry))
        logger = Logger(label: "hypertable-gateway")
    }
}

/// Wires the gateway (and, with `embedded`, the in-process broker), serves until SIGTERM or
/// SIGINT, then shuts down gracefully and returns (exit status 0). SIGHUP rereads the settings
/// `Gateway.reload` names from `environment` (the one `configuration` was read from).
func serve(configuration: GatewayConfiguration, environment: [String: String], embedded: Bool,
           embeddedThriftPort: Int?) throws {
    // Before any thread starts: every thread must inherit the blocked signals.
    let signals = ProcessSignals.start()
    let observability = Observability(level: configuration.logLevel)
    let logger = observability.logger
    defer { observability.output.flush() }
    // Before anything listens: an open gateway on a reachable address is refused outright.
    try configuration.checkExposure()
    signal(SIGPIPE, SIG_IGN)
    var configuration = configuration
    var connector: BrokerConnector?
    var emulator: EmulatorServer?
    if embedded {
        let broker = EmulatedBroker()
        connector = EmbeddedBroker.connector(broker, logger: logger)
        configuration.brokers = [EmbeddedBroker.address]
        logger.warning("EMBEDDED BROKER: data lives in memory only and is lost when the process exits",
                       metadata: ["broker": "in-process"])
        if let embeddedThriftPort {
            let server = EmulatorServer(broker: broker, host: "127.0.0.1", port: embeddedThriftPort)
            try server.start()
            emulator = server
            logger.warning("""
                EMBEDDED BROKER THRIFT PORT IS UNAUTHENTICATED: any local process can read, write and drop \
                every table through it, whatever the gateway's tokens
                """, metadata: ["thrift_address": "127.0.0.1:\(server.port)"])
        }
    }
    let gateway = try Gateway(configuration: configuration, connector: connector, logger: logger,
                              accessLogLines: observability.output, registry: observability.registry)
    try gateway.start()
    signals.onReload { reload(gateway, environment: environment, logger: logger) }
    logger.notice("listening", metadata: [
        "address": "\(configuration.listenHost):\(gateway.port)",
        "scheme": "\(configuration.tls == nil ? "http" : "https")",
        "auth": "\(authSummary(configuration))",
        "brokers": "\(configuration.brokers.map(\.description).joined(separator: ","))",
        "pool_size": .stringConvertible(configuration.poolSize),
        "max_overflow": .stringConvertible(configuration.maxOverflow),
        "rate_limit_per_address": "\(configuration.rateLimitPerAddress?.description ?? "off")",
        "rate_limit_per_token": "\(configuration.rateLimitPerToken?.description ?? "off")",
        "log_level": "\(configuration.logLevel)"])
    if configuration.rateLimitPerToken != nil && !configuration.accessPolicy.isEnabled {
        logger.warning("GATEWAY_RATE_LIMIT_PER_TOKEN has no effect: no tokens are configured")
    }
    signals.waitForStop()
    logger.notice("shutting down", metadata: ["grace_seconds": .stringConvertible(configuration.gracePeriodSeconds)])
    gateway.shutdown()
    emulator?.stop()
    logger.notice("stopped")
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
    static func connector(_ broker: EmulatedBroker, logger: Logger) -> BrokerConnector {
        BrokerConnector(brokers: [address], logger: logger) { _ in broker.makeSession() }
    }
}
