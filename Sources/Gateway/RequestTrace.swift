import HTTPServer
import Support

/// How a request joins a distributed trace (W3C Trace Context, Level 1): a valid
/// `traceparent` keeps its trace id and becomes the parent of a new span id, the gateway's;
/// anything else (none, malformed, several fields) starts a new trace. A `tracestate` is
/// kept only beside a valid `traceparent` (§3.3.1.1), checked and bounded.
enum RequestTrace {
    static func context(of request: HTTPRequest, ids: TraceIDGenerator = .shared) -> W3CTraceContext {
        let parents = request.headers.values(for: "traceparent")
        // `traceparent` is not a list: several fields are malformed, and the trace restarts.
        if parents.count == 1, let parent = W3CTraceContext.parseTraceparent(parents[0]) {
            let states = request.headers.values(for: "tracestate")
            return W3CTraceContext(traceIDHigh: parent.traceIDHigh, traceIDLow: parent.traceIDLow,
                                   parentSpanID: parent.spanID, spanID: ids.nextSpanID(), flags: parent.flags,
                                   traceState: states.isEmpty ? nil : W3CTraceContext.parseTraceState(states))
        }
        let (high, low, span) = ids.nextTrace()
        return W3CTraceContext(traceIDHigh: high, traceIDLow: low, parentSpanID: nil, spanID: span, flags: 0)
    }
}

/// Trace and span ids without a system call each, as `RequestIDGenerator` makes request ids: a
/// number unique in the process (`ThreadSequence`) through SplitMix64's finalizer (a
/// bijection) under keys drawn once from the system's generator. Ids look random and never
/// repeat within a process (§3.2.2.3 asks for uniqueness and randomness, not secrecy); zero,
/// which the format forbids, is never given.
final class TraceIDGenerator: Sendable {
    static let shared = TraceIDGenerator()

    private let keys: (UInt64, UInt64, UInt64)

    init(keys: (UInt64, UInt64, UInt64) = (.random(in: .min ... .max), .random(in: .min ... .max),
                                           .random(in: .min ... .max))) {
        self.keys = keys
    }

    /// A new trace id and the first span id in it, from one number of the sequence.
    func nextTrace() -> (high: UInt64, low: UInt64, span: UInt64) {
        let sequence = ThreadSequence.next()
        return (Self.mix(sequence &+ keys.0), Self.nonZero(Self.mix(sequence &+ keys.1)),
                Self.nonZero(Self.mix(sequence &+ keys.2)))
    }

    func nextSpanID() -> UInt64 {
        Self.nonZero(Self.mix(ThreadSequence.next() &+ keys.2))
    }

    private static func nonZero(_ value: UInt64) -> UInt64 { value == 0 ? 1 : value }

    private static func mix(_ input: UInt64) -> UInt64 {
        SplitMix64.finalize(input &* SplitMix64.increment)
    }
}
