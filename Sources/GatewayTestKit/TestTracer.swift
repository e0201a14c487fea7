import HTTPServer
import Support
import Tracing

/// A tracer for tests: it reads a W3C `traceparent` in `extract` as a real one would, starts
/// spans whose parent is the span in the context they are started with, and keeps every
/// ended span for assertions. Give it to `GatewayHarness(tracer:)`: nothing is bootstrapped
/// process-wide, so tests stay independent.
public final class TestTracer: Tracer, Sendable {
    /// A span's identity in a context.
    public struct SpanIdentity: Sendable, Equatable {
        public var traceIDHigh: UInt64
        public var traceIDLow: UInt64
        public var spanID: UInt64

        /// The trace id as 32 lowercase hex digits.
        public var traceID: String {
            W3CTraceContext(traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, parentSpanID: nil,
                            spanID: spanID, flags: 0).traceID
        }
    }

    private enum IdentityKey: InstrumentationContextKey {
        typealias Value = SpanIdentity
    }

    /// What an ended span recorded.
    public struct FinishedSpan: Sendable {
        public var operationName: String
        public var kind: SpanKind
        public var identity: SpanIdentity
        /// The span in the context it was started with (from `extract` or a parent span).
        public var parent: SpanIdentity?
        public var attributes: SpanAttributes
        public var status: SpanStatus?
        public var errors: [String]
    }

    private let finished = Locked<[FinishedSpan]>([])
    private let traceStates = Locked<[String]>([])
    private let nextID = Locked<UInt64>(0x1000)

    public init() {}

    /// Spans ended so far, oldest first.
    public var finishedSpans: [FinishedSpan] { finished.current }

    /// The `tracestate` values `extract` was given, oldest first.
    public var extractedTraceStates: [String] { traceStates.current }

    fileprivate func record(_ span: FinishedSpan) { finished.withLock { $0.append(span) } }

    private func newID() -> UInt64 { nextID.withLock { $0 += 1; return $0 } }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> TestSpan {
        var context = context()
        let parent = context[IdentityKey.self]
        let identity = SpanIdentity(traceIDHigh: parent?.traceIDHigh ?? newID(), traceIDLow: parent?.traceIDLow ?? newID(),
                                    spanID: newID())
        context[IdentityKey.self] = identity
        return TestSpan(tracer: self, operationName: operationName, kind: kind, context: context, identity: identity,
                        parent: parent)
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout InstrumentationContext,
                                          using extractor: Extract)
    where Extract: Extractor, Extract.Carrier == Carrier {
        guard let value = extractor.extract(key: "traceparent", from: carrier),
              let parent = W3CTraceContext.parseTraceparent(value) else { return }
        if let state = extractor.extract(key: "tracestate", from: carrier) {
            traceStates.withLock { $0.append(state) }
        }
        context[IdentityKey.self] = SpanIdentity(traceIDHigh: parent.traceIDHigh, traceIDLow: parent.traceIDLow,
                                                 spanID: parent.spanID)
    }

    public func inject<Carrier, Inject>(_ context: InstrumentationContext, into carrier: inout Carrier,
                                        using injector: Inject)
    where Inject: Injector, Inject.Carrier == Carrier {
        guard let identity = context[IdentityKey.self] else { return }
        let trace = W3CTraceContext(traceIDHigh: identity.traceIDHigh, traceIDLow: identity.traceIDLow,
                                    parentSpanID: nil, spanID: identity.spanID, flags: 1)
        injector.inject(trace.traceparent, forKey: "traceparent", into: &carrier)
    }

    /// A span of the `TestTracer`; its mutable parts behind a lock.
    public final class TestSpan: Tracing.Span, Sendable {
        private struct State {
            var operationName: String
            var attributes: SpanAttributes = [:]
            var status: SpanStatus?
            var errors: [String] = []
            var ended = false
        }

        public let context: InstrumentationContext
        private let tracer: TestTracer
        private let kind: SpanKind
        private let identity: SpanIdentity
        private let parent: SpanIdentity?
        private let state: Locked<State>

        fileprivate init(tracer: TestTracer, operationName: String, kind: SpanKind, context: InstrumentationContext,
                         identity: SpanIdentity, parent: SpanIdentity?) {
            self.tracer = tracer
            self.kind = kind
            self.context = context
            self.identity = identity
            self.parent = parent
            state = Locked(State(operationName: operationName))
        }

        public var operationName: String {
            get { state.current.operationName }
            set { state.withLock { $0.operationName = newValue } }
        }

        public var attributes: SpanAttributes {
            get { state.current.attributes }
            set { state.withLock { $0.attributes = newValue } }
        }

        public var isRecording: Bool { !state.current.ended }

        public func setStatus(_ status: SpanStatus) { state.withLock { $0.status = status } }
        public func addEvent(_ event: SpanEvent) {}
        public func addLink(_ link: SpanLink) {}

        public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes,
                                                        at instant: @autoclosure () -> Instant) {
            state.withLock { $0.errors.append(String(describing: error)) }
        }

        public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
            let ended: State? = state.withLock { state in
                if state.ended { return nil }
                state.ended = true
                return state
            }
            guard let ended else { return }
            tracer.record(FinishedSpan(operationName: ended.operationName, kind: kind, identity: identity, parent: parent,
                                       attributes: ended.attributes, status: ended.status, errors: ended.errors))
        }
    }
}
