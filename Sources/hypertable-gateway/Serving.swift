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
    let gateway = try Gateway(configuration: configuration, log: logLine)
    try gateway.start()
    logLine("""
    {"msg":"listening","address":"\(configuration.listenHost):\(gateway.port)",\
    "brokers":"\(configuration.brokers.map(\.description).joined(separator: ","))",\
    "pool_size":\(configuration.poolSize),"max_overflow":\(configuration.maxOverflow)}
    """)
    waitForTerminationSignal()
    logLine("{\"msg\":\"shutting down\",\"grace_seconds\":\(configuration.gracePeriodSeconds)}")
    gateway.shutdown()
    emulator?.stop()
    logLine("{\"msg\":\"stopped\"}")
}

/// Blocks the calling thread until SIGTERM or SIGINT arrives.
func waitForTerminationSignal() {
    let received = DispatchSemaphore(value: 0)
    let queue = DispatchQueue(label: "signals")
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGTERM, SIGINT] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
        source.setEventHandler { @Sendable in received.signal() }
        source.resume()
        sources.append(source)
    }
    received.wait()
    for source in sources { source.cancel() }
}
