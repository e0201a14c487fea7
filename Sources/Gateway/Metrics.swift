import Support

/// The gateway's Prometheus metrics: requests by route and status, latency histograms by
/// route, broker errors by code, authentication denials by status, rate-limit refusals by limit, and gauges read at scrape time (pool, scanners).
/// Counters live in shards, one lock each, a thread always recording into the same one (every
/// worker records every request, and a single lock was where they queued); a scrape copies
/// every shard out, adds them up and formats outside the locks.
public final class Metrics: Sendable {
    static let shardCount = 8

    /// Upper bounds, in seconds, of the latency histogram buckets.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25, 0.5, 1, 2.5, 5, 10]

    private struct RequestKey: Hashable { let route: String; let method: String; let status: Int }
    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: Metrics.latencyBuckets.count)
        var sum = 0.0
        var count: UInt64 = 0
    }
    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var brokerErrors: [String: UInt64] = [:]
        var bytesSent: UInt64 = 0
        var authDenials: [Int: UInt64] = [:]
        var rateLimited: [String: UInt64] = [:]
    }

    private let shards = (0..<Metrics.shardCount).map { _ in Locked(State()) }
    private var state: Locked<State> { shards[ThreadShard.index(modulo: Self.shardCount)] }
    private let gauges = Locked<[(name: String, help: String, read: @Sendable () -> [(labels: String, value: Double)])]>([])

    public init() {}

    /// Records one finished request. `route` is the route's pattern (bounded cardinality),
    /// never the raw path.
    public func recordRequest(route: String, method: String, status: Int, seconds: Double, bytes: Int) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            if let bucket = Metrics.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
                histogram.counts[bucket] += 1
            }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[route] = histogram
            state.bytesSent += UInt64(max(0, bytes))
        }
    }

    /// Counts a `ClientException` (or transport failure) from the broker by its name.
    public func recordBrokerError(_ name: String) {
        state.withLock { $0.brokerErrors[name, default: 0] += 1 }
    }

    /// Counts a request the authentication guard refused, by status (401 or 403).
    public func recordAuthDenial(status: Int) {
        state.withLock { $0.authDenials[status, default: 0] += 1 }
    }

    /// Counts a request refused by a rate limit, by the limit's name (`address`, `token`).
    public func recordRateLimited(limit: String) {
        state.withLock { $0.rateLimited[limit, default: 0] += 1 }
    }

    /// Registers a gauge family read at each scrape (e.g. pool statistics).
    public func registerGauge(name: String, help: String,
                              read: @escaping @Sendable () -> [(labels: String, value: Double)]) {
        gauges.withLock { $0.append((name, help, read)) }
    }

    /// The Prometheus text exposition format, version 0.0.4.
    public func render() -> String {
        let snapshot = shards.map(\.current).reduce(into: State()) { total, shard in
            total.requests.merge(shard.requests, uniquingKeysWith: +)
            total.latency.merge(shard.latency) { a, b in
                Histogram(counts: zip(a.counts, b.counts).map(+), sum: a.sum + b.sum, count: a.count + b.count)
            }
            total.brokerErrors.merge(shard.brokerErrors, uniquingKeysWith: +)
            total.bytesSent += shard.bytesSent
            total.authDenials.merge(shard.authDenials, uniquingKeysWith: +)
            total.rateLimited.merge(shard.rateLimited, uniquingKeysWith: +)
        }
        var out = ""
        out += "# HELP gateway_requests_total HTTP requests answered, by route, method and status.\n"
        out += "# TYPE gateway_requests_total counter\n"
        for (key, value) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "gateway_requests_total{route=\"\(escape(key.route))\",method=\"\(key.method)\",status=\"\(key.status)\"} \(value)\n"
        }
        out += "# HELP gateway_request_duration_seconds Time from a parsed request to its last byte written.\n"
        out += "# TYPE gateway_request_duration_seconds histogram\n"
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (index, bound) in Metrics.latencyBuckets.enumerated() {
                cumulative += histogram.counts[index]
                out += "gateway_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "gateway_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(histogram.count)\n"
            out += "gateway_request_duration_seconds_sum{route=\"\(escape(route))\"} \(histogram.sum)\n"
            out += "gateway_request_duration_seconds_count{route=\"\(escape(route))\"} \(histogram.count)\n"
        }
        out += "# HELP gateway_response_bytes_total Response bytes written.\n"
        out += "# TYPE gateway_response_bytes_total counter\n"
        out += "gateway_response_bytes_total \(snapshot.bytesSent)\n"
        out += "# HELP gateway_broker_errors_total Errors from the broker, by Hypertable error name.\n"
        out += "# TYPE gateway_broker_errors_total counter\n"
        for (name, value) in snapshot.brokerErrors.sorted(by: { $0.key < $1.key }) {
            out += "gateway_broker_errors_total{error=\"\(escape(name))\"} \(value)\n"
        }
        out += "# HELP gateway_auth_denied_total Requests refused by the bearer-token guard, by status.\n"
        out += "# TYPE gateway_auth_denied_total counter\n"
        for (status, value) in snapshot.authDenials.sorted(by: { $0.key < $1.key }) {
            out += "gateway_auth_denied_total{status=\"\(status)\"} \(value)\n"
        }
        out += "# HELP gateway_rate_limited_total Requests refused with 429 by a rate limit, by limit (address, token).\n"
        out += "# TYPE gateway_rate_limited_total counter\n"
        for (limit, value) in snapshot.rateLimited.sorted(by: { $0.key < $1.key }) {
            out += "gateway_rate_limited_total{limit=\"\(limit)\"} \(value)\n"
        }
        for gauge in gauges.current {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            for sample in gauge.read() {
                let labels = sample.labels.isEmpty ? "" : "{\(sample.labels)}"
                out += "\(gauge.name)\(labels) \(formatValue(sample.value))\n"
            }
        }
        return out
    }

    private func formatValue(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func escape(_ label: String) -> String {
        var out = ""
        for char in label {
            switch char {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(char)
            }
        }
        return out
    }
}
