import CoreMetrics
import HTTPServer
import HypertableClient
import class Prometheus.PrometheusCollectorRegistry
import Support

/// The gateway's own metrics, through swift-metrics into a `PrometheusCollectorRegistry`, and
/// `/metrics`, which renders that registry (the pool's and the server's metrics included:
/// those layers record their own through the same factory).
///
/// Every handle is made once: the fixed ones here, the ones keyed by route, method and status
/// on first use, cached per thread (one lock per shard, a thread always using the same one:
/// with a single lock, every worker queued there). Recording is then an atomic add for a
/// counter, and for the duration histogram the route's own short lock (a bucket scan), which
/// only requests of the same route share.
public final class Metrics: Sendable {
    static let shardCount = 8
    static let requestsName = "gateway_requests_total"
    static let requestDurationName = "gateway_request_duration_seconds"

    /// Upper bounds of the latency histogram buckets (rendered as today: `le="0.0005"` … `le="10.0"`).
    public static let latencyBuckets: [Duration] = [500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000,
                                                    250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000]
        .map { Duration.microseconds($0) }

    /// The gateway's metric names and HELP texts.
    static let descriptions: [String: String] = [
        requestsName: "HTTP requests answered, by route, method and status.",
        requestDurationName: "Time from a parsed request to its last byte written.",
        "gateway_response_bytes_total": "Response bytes written.",
        "gateway_broker_errors_total": "Errors from the broker, by Hypertable error name.",
        "gateway_auth_denied_total": "Requests refused by the bearer-token guard, by status.",
        "gateway_open_scanners": "Broker scanners held open by responses being streamed.",
        "gateway_rate_limited_total": "Requests refused with 429 by a rate limit, by limit (address, token).",
    ]

    /// Every layer's metric names and HELP texts: the gateway's, the pool's, the HTTP server's.
    public static var allDescriptions: [String: String] {
        descriptions.merging(ConnectionPool.metricDescriptions) { own, _ in own }
            .merging(HTTPServer.metricDescriptions) { own, _ in own }
    }

    /// Where every metric of this gateway lands; `/metrics` renders it.
    public let registry: PrometheusCollectorRegistry
    /// The factory the gateway's layers record through.
    public let factory: GatewayMetricsFactory

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int

        /// Lengths and status, not the text: a few dozen routes differ enough in those, and
        /// hashing two strings per request was most of a lookup. Equality still compares all.
        func hash(into hasher: inout Hasher) {
            hasher.combine(route.utf8.count)
            hasher.combine(method.utf8.count)
            hasher.combine(status)
        }
    }
    /// A request series' counter and its route's histogram, found with one lookup.
    private struct Handles {
        var byRequest: [RequestKey: (requests: Counter, durations: Timer)] = [:]
        /// The series this shard used last: a thread serving one route again and again finds
        /// it with two string comparisons (the router's own strings: pointer-equal) instead
        /// of hashing the key.
        var last: (key: RequestKey, handles: (requests: Counter, durations: Timer))?
    }

    private let shards = (0..<Metrics.shardCount).map { _ in Locked(Handles()) }
    private let responseBytes: Counter
    private let authDenied401: Counter
    private let authDenied403: Counter
    private let openScanners: Meter
    private let brokerErrors = Locked<[String: Counter]>([:])
    private let rateLimited = Locked<[String: Counter]>([:])

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let factory = GatewayMetricsFactory(registry: registry)
        self.factory = factory
        responseBytes = Counter(label: "gateway_response_bytes_total", dimensions: [], factory: factory)
        authDenied401 = Counter(label: "gateway_auth_denied_total", dimensions: [("status", "401")], factory: factory)
        authDenied403 = Counter(label: "gateway_auth_denied_total", dimensions: [("status", "403")], factory: factory)
        openScanners = Meter(label: "gateway_open_scanners", dimensions: [], factory: factory)
    }

    /// Records one finished request. `route` is the route's pattern (bounded cardinality),
    /// never the raw path.
    public func recordRequest(route: String, method: String, status: Int, durationNanoseconds: Int64, bytes: Int) {
        let key = RequestKey(route: route, method: method, status: status)
        let (requests, durations) = shards[ThreadShard.index(modulo: Self.shardCount)].withLock { handles in
            if let last = handles.last, last.key == key { return last.handles }
            if let found = handles.byRequest[key] {
                handles.last = (key, found)
                return found
            }
            // The factory returns the series already made for these labels (by another shard).
            let made = (requests: Counter(label: Self.requestsName,
                                          dimensions: [("route", route), ("method", method), ("status", String(status))],
                                          factory: factory),
                        durations: Timer(label: Self.requestDurationName, dimensions: [("route", route)], factory: factory))
            handles.byRequest[key] = made
            return made
        }
        requests.increment()
        durations.recordNanoseconds(durationNanoseconds)
        if bytes > 0 { responseBytes.increment(by: bytes) }
    }

    /// Counts a `ClientException` (or transport failure) from the broker by its name.
    public func recordBrokerError(_ name: String) {
        let counter = brokerErrors.withLock { counters in
            counters[name] ?? {
                let counter = Counter(label: "gateway_broker_errors_total", dimensions: [("error", name)], factory: factory)
                counters[name] = counter
                return counter
            }()
        }
        counter.increment()
    }

    /// Counts a request the authentication guard refused, by status (401 or 403).
    public func recordAuthDenial(status: Int) {
        (status == 401 ? authDenied401 : authDenied403).increment()
    }

    /// Counts a request refused by a rate limit, by the limit's name (`address`, `token`).
    public func recordRateLimited(limit: String) {
        let counter = rateLimited.withLock { counters in
            counters[limit] ?? {
                let counter = Counter(label: "gateway_rate_limited_total", dimensions: [("limit", limit)], factory: factory)
                counters[limit] = counter
                return counter
            }()
        }
        counter.increment()
    }

    /// The Prometheus text exposition format, version 0.0.4.
    public func render() -> String {
        openScanners.set(ScannerLease.openCount.current)
        return registry.emitToString()
    }
}
