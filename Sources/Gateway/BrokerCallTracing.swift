import HTTPServer
import HypertableClient
import Tracing

/// Spans around broker calls for a tracer someone bootstrapped (or gave the `Gateway`): each
/// borrowing of a broker connection (`ConnectionPool`) becomes a client span
/// `hypertable.broker`, child of the request's span. The gateway builds no exporter; without
/// a tracer none of this is installed and the request path does not change.
struct BrokerCallTracing: BrokerCallInstrumentation {
    let tracer: any Tracer

    /// Borrowings outside a request (none today) have no context and get no span.
    func around<T>(_ call: () throws -> T) throws -> T {
        guard let context = InstrumentationContext.current else { return try call() }
        return try Self.span(tracer, context: context, call)
    }

    private static func span<T, SomeTracer: Tracer>(_ tracer: SomeTracer, context: InstrumentationContext,
                                                     _ call: () throws -> T) throws -> T {
        let span = tracer.startSpan("hypertable.broker", context: context, ofKind: .client)
        defer { span.end() }
        span.attributes["db.system.name"] = "hypertable"
        do {
            return try call()
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// The request's context for the tracer: the tracer reads the gateway's own `traceparent`
    /// (the request's trace, the gateway's span id) and the caller's `tracestate` through its
    /// `extract`, as it would from any request, so a broker span's parent is the span the
    /// response's `traceparent` names.
    static func context(for trace: W3CTraceContext, tracer: any Tracer) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        tracer.extract(TraceCarrier(trace: trace), into: &context, using: TraceCarrierExtractor())
        return context
    }
}

/// The two W3C fields a tracer's `extract` asks for, by lowercase name.
struct TraceCarrier: Sendable {
    let trace: W3CTraceContext
}

struct TraceCarrierExtractor: Extractor {
    func extract(key: String, from carrier: TraceCarrier) -> String? {
        switch key.lowercased() {
        case "traceparent": return carrier.trace.traceparent
        case "tracestate": return carrier.trace.traceState
        default: return nil
        }
    }
}
