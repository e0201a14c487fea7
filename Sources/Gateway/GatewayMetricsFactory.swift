import CoreMetrics
import Prometheus

/// swift-metrics onto a `PrometheusCollectorRegistry`, as swift-prometheus's own factory does,
/// but with a HELP text for every family it knows (`descriptions`) and the request-duration
/// histogram's buckets. swift-prometheus refuses two different HELP texts for one name, so
/// everything that records into one registry goes through one such factory: the gateway's
/// layers get it as a parameter, and the executable bootstraps `MetricsSystem` with it.
public struct GatewayMetricsFactory: MetricsFactory {
    public let registry: PrometheusCollectorRegistry
    private let descriptions: [String: String]
    private let durationBuckets: [String: [Duration]]

    /// - Parameter descriptions: HELP texts by metric name; by default every layer's.
    public init(registry: PrometheusCollectorRegistry,
                descriptions: [String: String] = Metrics.allDescriptions) {
        self.registry = registry
        self.descriptions = descriptions
        self.durationBuckets = [Metrics.requestDurationName: Metrics.latencyBuckets]
    }

    /// The name as it is (an empty unit adds nothing to it) with its HELP text.
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: descriptions[label] ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions,
                                           buckets: Metrics.latencyBuckets.map(\.seconds))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions,
                                       buckets: durationBuckets[label] ?? Metrics.latencyBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

extension Duration {
    /// Seconds as a `Double` (bucket bounds of a value histogram).
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
