import CoreMetrics

/// The pool's gauges, made once per pool from the factory it was given and written under the
/// pool's lock whenever its counts change (so the last write is always the latest state); a
/// value is written only when it changed, so a checkout or a checkin costs two stores.
struct ConnectionPoolMetrics: Sendable {
    /// Names and HELP texts, for a factory that writes HELP lines (Prometheus).
    static let descriptions: [String: String] = [
        "gateway_pool_connections": "Broker connections by state (in_use, idle, overflow in use).",
        "gateway_pool_waiting": "Requests waiting for a broker connection.",
        "gateway_pool_events": "Pool events since start (created, closed, discarded, wait timeouts, connect failures).",
    ]

    /// The values last written, kept in the pool's state: inline, so comparing them on every
    /// checkout and checkin reads the state's own memory (an array here cost a uniqueness
    /// check and bounds checks per series, twice per request).
    struct Published {
        var values = InlineArray<9, Int>(repeating: -1)
    }

    enum Series: Int, CaseIterable {
        case inUse, idle, overflow, waiting, created, closed, discarded, waitTimeouts, connectFailures
    }

    private let meters: [Meter]

    init(factory: any MetricsFactory) {
        precondition(Series.allCases.count == Published().values.count, "a series without a published value")
        func connections(_ state: String) -> Meter {
            Meter(label: "gateway_pool_connections", dimensions: [("state", state)], factory: factory)
        }
        func events(_ event: String) -> Meter {
            Meter(label: "gateway_pool_events", dimensions: [("event", event)], factory: factory)
        }
        meters = Series.allCases.map { gauge in
            switch gauge {
            case .inUse: connections("in_use")
            case .idle: connections("idle")
            case .overflow: connections("overflow")
            case .waiting: Meter(label: "gateway_pool_waiting", dimensions: [], factory: factory)
            case .created: events("created")
            case .closed: events("closed")
            case .discarded: events("discarded")
            case .waitTimeouts: events("wait_timeout")
            case .connectFailures: events("connect_failure")
            }
        }
    }

    /// Writes `value` if it changed since the last call. Call with the pool's lock held.
    /// Inlined: nine of these run per checkout and per checkin, and most only compare.
    @inline(__always)
    func publish(_ gauge: Series, _ value: Int, into published: inout Published) {
        guard published.values[gauge.rawValue] != value else { return }
        published.values[gauge.rawValue] = value
        meters[gauge.rawValue].set(value)
    }
}

extension ConnectionPool {
    /// The names and HELP texts of the metrics every pool makes.
    public static var metricDescriptions: [String: String] { ConnectionPoolMetrics.descriptions }
}
