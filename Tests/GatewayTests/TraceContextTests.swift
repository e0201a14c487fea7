import Foundation
@testable import Gateway
import GatewayTestKit
import HTTPServer
import Tracing
import XCTest

/// W3C Trace Context over real HTTP: an incoming `traceparent` joins its trace, anything else
/// starts one; the trace id reaches the response's `traceparent`, problem bodies and the
/// access log; a tracer given to the gateway sees a span around each broker call.
final class TraceContextTests: XCTestCase {
    static let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let incomingTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"

    private var stack: GatewayTestStack!

    override func tearDown() {
        stack = nil
    }

    private func outgoing(_ response: HTTPTestResponse, file: StaticString = #filePath,
                          line: UInt = #line) throws -> W3CTraceContext.Parent {
        let value = try XCTUnwrap(response.header("traceparent"), "no traceparent", file: file, line: line)
        XCTAssertTrue(value.hasPrefix("00-"), value, file: file, line: line)
        return try XCTUnwrap(W3CTraceContext.parseTraceparent(value), "invalid traceparent \(value)", file: file, line: line)
    }

    private func traceID(_ parent: W3CTraceContext.Parent) -> String {
        W3CTraceContext(traceIDHigh: parent.traceIDHigh, traceIDLow: parent.traceIDLow, parentSpanID: nil,
                        spanID: parent.spanID, flags: parent.flags).traceID
    }

    func testIncomingTraceparentKeepsTheTraceWithANewSpan() throws {
        stack = try GatewayTestStack()
        let response = try stack.client().request("GET", "/ns", headers: [("traceparent", Self.incoming),
                                                                        ("tracestate", "rojo=00f067aa0ba902b7")])
        XCTAssertEqual(response.status, 200)
        let parent = try outgoing(response)
        XCTAssertEqual(traceID(parent), Self.incomingTraceID)
        XCTAssertNotEqual(parent.spanID, 0x00f0_67aa_0ba9_02b7, "the gateway's own span id")
        XCTAssertEqual(parent.flags, 1, "the caller's sampling decision is kept")
        // Each request gets its own span in the same trace.
        let again = try outgoing(try stack.client().request("GET", "/ns", headers: [("traceparent", Self.incoming)]))
        XCTAssertEqual(traceID(again), Self.incomingTraceID)
        XCTAssertNotEqual(again.spanID, parent.spanID)
    }

    func testMissingOrInvalidTraceparentStartsANewTrace() throws {
        stack = try GatewayTestStack()
        let invalid = [
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        ]
        var seen: Set<String> = []
        for value in invalid {
            let parent = try outgoing(try stack.client().request("GET", "/ns", headers: [("traceparent", value)]))
            XCTAssertNotEqual(traceID(parent), Self.incomingTraceID, value)
            XCTAssertEqual(parent.flags, 0, value)
            seen.insert(traceID(parent))
        }
        // Two `traceparent` fields are ambiguous: a new trace too.
        let twice = try outgoing(try stack.client().request("GET", "/ns", headers: [("traceparent", Self.incoming),
                                                                                  ("traceparent", Self.incoming)]))
        XCTAssertNotEqual(traceID(twice), Self.incomingTraceID)
        seen.insert(traceID(twice))
        let none = try outgoing(try stack.client().request("GET", "/ns"))
        seen.insert(traceID(none))
        XCTAssertEqual(seen.count, invalid.count + 2, "every new trace has its own id")
    }

    func testTraceIDInTheAccessLogAndProblemBodies() throws {
        stack = try GatewayTestStack()
        let client = try stack.client()
        // A broker error mapped by ErrorMapping, and the router's own 404.
        for path in ["/ns/missing/tables/none", "/no/such/route"] {
            let response = try client.request("GET", path, headers: [("traceparent", Self.incoming),
                                                                     ("X-Request-ID", "trace-test-\(path.count)")])
            XCTAssertEqual(response.status, 404, response.bodyText)
            XCTAssertEqual(json(response)["trace_id"] as? String, Self.incomingTraceID, path)
            XCTAssertEqual(traceID(try outgoing(response)), Self.incomingTraceID)
            let requestID = "trace-test-\(path.count)"
            XCTAssertTrue(eventually {
                stack.logLines.all.contains { $0.contains("\"request_id\":\"\(requestID)\"") }
            })
            let line = try XCTUnwrap(stack.logLines.all.first { $0.contains("\"request_id\":\"\(requestID)\"") })
            let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(record["trace_id"] as? String, Self.incomingTraceID, line)
        }
        // A server reply (a malformed head's 400 has no trace); a started trace's id is logged too.
        let fresh = try client.request("GET", "/ns", headers: [("X-Request-ID", "fresh-trace")])
        let freshID = traceID(try outgoing(fresh))
        XCTAssertTrue(eventually {
            stack.logLines.all.contains { $0.contains("\"request_id\":\"fresh-trace\"") && $0.contains("\"trace_id\":\"\(freshID)\"") }
        })
    }

    func testBrokerCallSpanIsAChildOfTheGatewaysSpan() throws {
        let tracer = TestTracer()
        stack = try GatewayTestStack(tracer: tracer)
        let response = try stack.client().request("GET", "/ns", headers: [("traceparent", Self.incoming),
                                                                        ("tracestate", "rojo=00f067aa0ba902b7, Bad")])
        XCTAssertEqual(response.status, 200)
        let gatewaySpan = try outgoing(response).spanID
        XCTAssertEqual(tracer.extractedTraceStates, [], "a malformed tracestate is dropped whole")
        XCTAssertEqual(try stack.client().request("GET", "/ns", headers: [("traceparent", Self.incoming),
                                                                          ("tracestate", "rojo=1"), ("tracestate", "congo=2")]).status, 200)
        XCTAssertEqual(tracer.extractedTraceStates, ["rojo=1,congo=2"], "tracestate fields joined and passed on")
        XCTAssertTrue(eventually { tracer.finishedSpans.contains { $0.operationName == "hypertable.broker" } })
        let span = try XCTUnwrap(tracer.finishedSpans.first { $0.operationName == "hypertable.broker" })
        XCTAssertEqual(span.kind, .client)
        XCTAssertEqual(span.identity.traceID, Self.incomingTraceID)
        XCTAssertEqual(span.parent?.traceID, Self.incomingTraceID)
        XCTAssertEqual(span.parent?.spanID, gatewaySpan, "parent: the span the response's traceparent names")
        XCTAssertNil(span.status)
    }

    func testFailedBrokerCallSpanRecordsTheError() throws {
        let tracer = TestTracer()
        stack = try GatewayTestStack(tracer: tracer)
        let response = try stack.client().request("GET", "/ns/missing/tables/none")
        XCTAssertEqual(response.status, 404)
        let started = try outgoing(response)
        XCTAssertTrue(eventually { tracer.finishedSpans.contains { !$0.errors.isEmpty } })
        let span = try XCTUnwrap(tracer.finishedSpans.first { !$0.errors.isEmpty })
        XCTAssertEqual(span.identity.traceID, traceID(started))
        XCTAssertEqual(span.parent?.spanID, started.spanID)
        XCTAssertEqual(span.status?.code, .error)
    }

    func testNoSpansWithoutATracer() throws {
        stack = try GatewayTestStack()
        XCTAssertEqual(try stack.client().request("GET", "/ns").status, 200)
        // The default tracer is the no-op one: nothing is installed on the pool.
        XCTAssertTrue(InstrumentationSystem.tracer is NoOpTracer)
    }
}
