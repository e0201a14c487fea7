import Foundation
import HTTPServer
import HypertableClient
import Logging
import Prometheus
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
    ///   - logger: the access log (one `info` record per request, when `configuration.accessLog`)
    ///     and what every layer could not do; each layer gets it with its own `component`.
    ///   - accessLogLines: when given, access records are written straight to it as the JSON
    ///     lines `JSONLogHandler` makes (the executable passes the sink its handler writes to),
    ///     at the logger's level, instead of through `logger` (see `AccessLog`).
    ///   - registry: where every layer's metrics are recorded and what `/metrics` renders; a
    ///     fresh one by default (the executable passes the one `MetricsSystem` was bootstrapped with).
    ///   - tracer: receives a span around each broker call; by default the tracer bootstrapped
    ///     in `InstrumentationSystem`, if any (the no-op tracer installs nothing).
    public init(configuration: GatewayConfiguration, connector: BrokerConnector? = nil,
                logger: Logger, accessLogLines: (any LogLineSink)? = nil,
                registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                tracer: (any Tracer)? = nil) throws {
        self.configuration = configuration
        let connector = connector ?? BrokerConnector.thrift(brokers: configuration.brokers,
                                                            timeoutMilliseconds: configuration.brokerTimeoutMilliseconds,
                                                            maxFrameSize: configuration.maxFrameBytes,
                                                            logger: logger.component("broker"))
        self.connector = connector
        let installedTracer = tracer ?? InstrumentationSystem.tracer
        let tracer = installedTracer is NoOpTracer ? nil : installedTracer
        let metrics = Metrics(registry: registry)
        self.metrics = metrics
        let pool = ConnectionPool(configuration: configuration.effectivePool,
                                  connect: { try connector.connect() },
                                  close: { service in (service as? HypertableConnection)?.close() },
                                  instrumentation: tracer.map { BrokerCallTracing(tracer: $0) },
                                  logger: logger.component("pool"), metricsFactory: metrics.factory)
        self.pool = pool

        let handling = RouteHandling(metrics: metrics, logger: logger.component("gateway"))
        var router = HTTPRouter()
        router.logger = logger.component("http")
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
            accessLog: !configuration.accessLog ? nil
                : accessLogLines.map { AccessLog(lines: $0, level: logger.logLevel) } ?? AccessLog(logger: logger),
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
        serverConfiguration.workerStayTime = configuration.workerStaySeconds
        serverConfiguration.maxConnectionsPerClient = configuration.maxConnectionsPerClient
        // Behind a proxy every client arrives from the proxy's address.
        serverConfiguration.unlimitedClients = Set(configuration.trustedProxies)
        server = HTTPServer(configuration: serverConfiguration,
                            logger: logger.component("http"), metricsFactory: metrics.factory,
                            admit: { head in pipeline.admit(&head) },
                            serverProblem: { status, detail, request in
                                pipeline.serverProblem(status: status, detail: detail, request: request)
                            },
                            onCompletion: { exchange in pipeline.completed(exchange) },
                            handler: { request in pipeline.respond(to: request) })
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

extension Logger {
    /// This logger with `component` in its metadata: which layer a record comes from.
    func component(_ name: String) -> Logger {
        var logger = self
        logger[metadataKey: "component"] = .string(name)
        return logger
    }
}
