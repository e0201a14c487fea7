import Foundation
import HTTPServer
import HypertableClient
import Support
import Tracing

/// The gateway: an `HTTPServer` whose routes reach Hypertable through a `ConnectionPool`.
/// Built once by the executable (or a test), started, and shut down on SIGTERM.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let pool: ConnectionPool
    public let metrics: Metrics
    public let connector: BrokerConnector
    let server: HTTPServer
    /// What a reload replaces (`reload(environment:)`).
    let access: AccessControl

    /// - Parameters:
    ///   - connector: where connections come from; by default Thrift connections to
    ///     `configuration.brokers`.
    ///   - log: receives one line per request (the access log) and operational messages.
    ///   - tracer: receives a span around each broker call; by default the tracer bootstrapped
    ///     in `InstrumentationSystem`, if any (the no-op tracer installs nothing).
    public init(configuration: GatewayConfiguration, connector: BrokerConnector? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }, tracer: (any Tracer)? = nil) throws {
        self.configuration = configuration
        let connector = connector ?? BrokerConnector.thrift(brokers: configuration.brokers,
                                                            timeoutMilliseconds: configuration.brokerTimeoutMilliseconds,
                                                            maxFrameSize: configuration.maxFrameBytes)
        self.connector = connector
        let installedTracer = tracer ?? InstrumentationSystem.tracer
        let tracer = installedTracer is NoOpTracer ? nil : installedTracer
        let pool = ConnectionPool(configuration: configuration.effectivePool,
                                  connect: { try connector.connect() },
                                  close: { service in (service as? HypertableConnection)?.close() },
                                  instrumentation: tracer.map { BrokerCallTracing(tracer: $0) })
        self.pool = pool
        let metrics = Metrics()
        self.metrics = metrics
        Self.registerGauges(metrics: metrics, pool: pool)

        let handling = RouteHandling(metrics: metrics)
        var router = HTTPRouter()
        router.problemResponder = { status, detail, request in
            Problem(status: status.code, title: status.reasonPhrase, detail: detail).response(to: request)
        }
        HealthRoutes(pool: pool, connector: connector, handling: handling,
                     probeWaitMilliseconds: min(1000, max(1, configuration.poolTimeoutMilliseconds)))
            .register(in: &router)
        let paging = PagedScan(signer: CursorSigner(key: configuration.cursorKey ?? HMACSHA256.randomKey(),
                                                    lifetimeSeconds: Int64(configuration.cursorLifetimeSeconds)))
        QueryRoutes(pool: pool, handling: handling, paging: paging).register(in: &router)
        NamespaceRoutes(pool: pool, handling: handling).register(in: &router)
        TableRoutes(pool: pool, handling: handling).register(in: &router)
        RowRoutes(pool: pool, handling: handling).register(in: &router)
        CellRoutes(pool: pool, handling: handling, paging: paging).register(in: &router)
        ResourceRoutes(pool: pool, handling: handling).register(in: &router)
        OpenAPIRoute().register(in: &router)
        router.get("/metrics", runsInline: true) { _, _ in
            HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                         body: Array(metrics.render().utf8))
        }
        let routes = router
        let access = AccessControl(policy: configuration.accessPolicy, cors: configuration.cors, routes: routes)
        self.access = access
        let pipeline = RequestPipeline(
            routes: routes,
            access: access,
            metrics: metrics,
            accessLog: configuration.accessLog ? AccessLog(sink: log) : nil,
            trustedProxies: Set(configuration.trustedProxies),
            rateLimits: RequestRateLimits(perAddress: configuration.rateLimitPerAddress,
                                          perToken: configuration.rateLimitPerToken),
            tracer: tracer)
        var serverConfiguration = HTTPServerConfiguration(
            host: configuration.listenHost, port: configuration.listenPort,
            limits: HTTPParserLimits(maxBodySize: configuration.maxBodyBytes),
            workerCount: configuration.workers, workerQueueCapacity: configuration.queueDepth,
            idleTimeout: configuration.idleTimeoutSeconds, headerReadTimeout: configuration.headerTimeoutSeconds,
            writeTimeout: configuration.writeTimeoutSeconds, maxConnections: configuration.maxConnections,
            tls: configuration.tls)
        serverConfiguration.bodyMinimumRate = configuration.bodyMinimumRate
        serverConfiguration.bodyGracePeriod = configuration.bodyGraceSeconds
        serverConfiguration.bodyReadTimeout = configuration.bodyTimeoutSeconds
        serverConfiguration.maxConnectionsPerClient = configuration.maxConnectionsPerClient
        // Behind a proxy every client arrives from the proxy's address.
        serverConfiguration.unlimitedClients = Set(configuration.trustedProxies)
        server = HTTPServer(configuration: serverConfiguration,
                            admit: { head in pipeline.admit(&head) },
                            serverProblem: { status, detail, request in
                                pipeline.serverProblem(status: status, detail: detail, request: request)
                            },
                            onCompletion: { exchange in pipeline.completed(exchange) },
                            handler: { request in pipeline.respond(to: request) })
    }

    private static func registerGauges(metrics: Metrics, pool: ConnectionPool) {
        metrics.registerGauge(name: "gateway_pool_connections",
                              help: "Broker connections by state (in_use, idle, overflow in use).") {
            let statistics = pool.statistics
            return [("state=\"in_use\"", Double(statistics.inUse)), ("state=\"idle\"", Double(statistics.idle)),
                    ("state=\"overflow\"", Double(statistics.overflowInUse))]
        }
        metrics.registerGauge(name: "gateway_open_scanners",
                              help: "Broker scanners held open by responses being streamed.") {
            [("", Double(ScannerLease.openCount.current))]
        }
        metrics.registerGauge(name: "gateway_pool_waiting", help: "Requests waiting for a broker connection.") {
            [("", Double(pool.statistics.waiting))]
        }
        metrics.registerGauge(name: "gateway_pool_events",
                              help: "Pool events since start (created, closed, discarded, wait timeouts, connect failures).") {
            let statistics = pool.statistics
            return [("event=\"created\"", Double(statistics.totalCreated)),
                    ("event=\"closed\"", Double(statistics.totalClosed)),
                    ("event=\"discarded\"", Double(statistics.totalDiscarded)),
                    ("event=\"wait_timeout\"", Double(statistics.waitTimeouts)),
                    ("event=\"connect_failure\"", Double(statistics.connectFailures))]
        }
    }

    /// Starts listening; `port` tells which port (useful with port 0).
    public func start() throws {
        try server.start()
    }

    public var port: Int { server.port }

    /// Stops accepting, lets in-flight requests finish within the grace period, then closes
    /// the pool's connections (each closes its namespaces on the broker first).
    public func shutdown() {
        server.shutdown(gracePeriod: configuration.gracePeriodSeconds)
        pool.shutdown()
    }
}
