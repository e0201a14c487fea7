import Foundation
import Gateway
import HypertableEmulator

/// Writes one line to stderr (logs never go to stdout).
@Sendable func logLine(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Wires the gateway (and, with `embedded`, the in-process broker), serves until SIGTERM or
/// SIGINT, then shuts down gracefully and returns (exit status 0).
func serve(configuration: GatewayConfiguration, embedded: Bool, embeddedThriftPort: Int?) throws {
    signal(SIGPIPE, SIG_IGN)
    let signals = TerminationSignals()
    var configuration = configuration
    var emulator: EmulatorServer?
    if embedded {
        let server = EmulatorServer(broker: EmulatedBroker(), host: "127.0.0.1", port: embeddedThriftPort ?? 0)
        try server.start()
        emulator = server
        configuration.brokers = [GatewayConfiguration.BrokerAddress(host: "127.0.0.1", port: server.port)]
        logLine("""
        {"msg":"EMBEDDED BROKER: data lives in memory only and is lost when the process exits",\
        "thrift_port":\(server.port)}
        """)
    }
    let accessLog = BufferedLogWriter()
    let gateway = try Gateway(configuration: configuration, log: { accessLog.append($0) })
    try gateway.start()
    logLine("""
    {"msg":"listening","address":"\(configuration.listenHost):\(gateway.port)",\
    "scheme":"\(configuration.tls == nil ? "http" : "https")",\
    "auth":"\(configuration.accessPolicy.isEnabled ? "tokens:\(configuration.accessPolicy.tokenCount)" : "off")",\
    "brokers":"\(configuration.brokers.map(\.description).joined(separator: ","))",\
    "pool_size":\(configuration.poolSize),"max_overflow":\(configuration.maxOverflow)}
    """)
    signals.wait()
    accessLog.flush()
    logLine("{\"msg\":\"shutting down\",\"grace_seconds\":\(configuration.gracePeriodSeconds)}")
    gateway.shutdown()
    emulator?.stop()
    accessLog.flush()
    logLine("{\"msg\":\"stopped\"}")
}

/// SIGTERM and SIGINT, caught from the moment it is made (so a signal that arrives while the
/// process is still starting is not lost), delivered to whoever calls `wait()`.
final class TerminationSignals: @unchecked Sendable {
    private let received = DispatchSemaphore(value: 0)
    private let queue = DispatchQueue(label: "signals")
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let received = received
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { @Sendable in received.signal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until the first SIGTERM or SIGINT.
    func wait() {
        received.wait()
        for source in sources { source.cancel() }
    }
}
