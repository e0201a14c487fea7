import CoreMetrics

/// The server's own metrics, made once per server from the factory it was given: connections
/// open, accepted, refused at a limit, closed to make room, and accept pauses (out of
/// descriptors). Each changes once per connection, never per request.
struct HTTPServerMetrics: Sendable {
    /// Names and HELP texts, for a factory that writes HELP lines (Prometheus).
    static let descriptions: [String: String] = [
        "gateway_http_connections_open": "Open client connections.",
        "gateway_http_connections_total": "Client connections, by outcome (accepted, refused at a limit, evicted idle to make room).",
        "gateway_http_accept_pauses_total": "Times accepting paused because the process ran out of file descriptors.",
    ]

    let open: Meter
    let accepted: Counter
    let refused: Counter
    let evicted: Counter
    let acceptPauses: Counter

    init(factory: any MetricsFactory) {
        open = Meter(label: "gateway_http_connections_open", dimensions: [], factory: factory)
        accepted = Counter(label: "gateway_http_connections_total", dimensions: [("outcome", "accepted")], factory: factory)
        refused = Counter(label: "gateway_http_connections_total", dimensions: [("outcome", "refused")], factory: factory)
        evicted = Counter(label: "gateway_http_connections_total", dimensions: [("outcome", "evicted")], factory: factory)
        acceptPauses = Counter(label: "gateway_http_accept_pauses_total", dimensions: [], factory: factory)
    }
}

extension HTTPServer {
    /// The names and HELP texts of the metrics every server makes.
    public static var metricDescriptions: [String: String] { HTTPServerMetrics.descriptions }
}
