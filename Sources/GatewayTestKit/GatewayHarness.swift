import Gateway
import HypertableEmulator
import Logging
import Prometheus
import Tracing

/// The whole stack on loopback, as `hypertable-gateway --embedded` runs it: an in-memory
/// broker served over Thrift by an `EmulatorServer` on a free port, and a `Gateway` on another
/// free port pointed at it. Tests talk to it over real HTTP with `client()`.
public final class GatewayHarness {
    public let broker: EmulatedBroker
    public let emulator: EmulatorServer
    public let gateway: Gateway

    /// - Parameters:
    ///   - nextCellsThreshold: cell bytes per `next_cells` batch (small values give many chunks).
    ///   - configure: adjusts the gateway's configuration (pool size, limits, ...); the listen
    ///     address and broker are set by the harness.
    ///   - logger: the gateway's logger (access log on when configured); `Logger.json(into:)`
    ///     collects the lines the executable would write.
    ///   - registry: where the gateway's metrics go (a fresh one: tests never share counts).
    ///   - tracer: receives the gateway's spans (a `TestTracer`); none by default.
    public init(nextCellsThreshold: Int = 512 * 1024,
                configure: (inout GatewayConfiguration) -> Void = { _ in },
                logger: Logger = .discarding,
                registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                tracer: (any Tracer)? = nil) throws {
        broker = EmulatedBroker(nextCellsThreshold: nextCellsThreshold)
        emulator = EmulatorServer(broker: broker, host: "127.0.0.1", port: 0)
        try emulator.start()
        var configuration = GatewayConfiguration()
        configuration.accessLog = false
        configuration.poolSize = 4
        configuration.maxOverflow = 4
        configuration.brokerTimeoutMilliseconds = 10_000
        configuration.gracePeriodSeconds = 2
        configure(&configuration)
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = 0
        configuration.brokers = [GatewayConfiguration.BrokerAddress(host: "127.0.0.1", port: emulator.port)]
        do {
            gateway = try Gateway(configuration: configuration, logger: logger, registry: registry, tracer: tracer)
            try gateway.start()
        } catch {
            emulator.stop()
            throw error
        }
    }

    public var port: Int { gateway.port }

    /// A new keep-alive HTTP connection to the gateway.
    public func client(timeout: Double = 10) throws -> HTTPTestClient {
        try HTTPTestClient(port: gateway.port, timeout: timeout)
    }

    /// Stops the gateway (closing its pool) and then the broker.
    public func stop() {
        gateway.shutdown()
        emulator.stop()
    }
}
