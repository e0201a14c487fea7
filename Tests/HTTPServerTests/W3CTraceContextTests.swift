import HTTPServer
import XCTest

/// `traceparent` and `tracestate` as W3C Trace Context Level 1 §3.2 and §3.3 read them.
final class W3CTraceContextTests: XCTestCase {
    static let example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func testVersionZeroIsParsed() throws {
        let parent = try XCTUnwrap(W3CTraceContext.parseTraceparent(Self.example))
        XCTAssertEqual(parent.traceIDHigh, 0x4bf9_2f35_77b3_4da6)
        XCTAssertEqual(parent.traceIDLow, 0xa3ce_929d_0e0e_4736)
        XCTAssertEqual(parent.spanID, 0x00f0_67aa_0ba9_02b7)
        XCTAssertEqual(parent.flags, 1)
    }

    func testFormattingRoundTrips() throws {
        let trace = W3CTraceContext(traceIDHigh: 0x4bf9_2f35_77b3_4da6, traceIDLow: 0xa3ce_929d_0e0e_4736,
                                    parentSpanID: nil, spanID: 0x00f0_67aa_0ba9_02b7, flags: 1)
        XCTAssertEqual(trace.traceparent, Self.example)
        XCTAssertEqual(trace.traceID, "4bf92f3577b34da6a3ce929d0e0e4736")
        let small = W3CTraceContext(traceIDHigh: 0, traceIDLow: 1, parentSpanID: nil, spanID: 2, flags: 0)
        XCTAssertEqual(small.traceparent, "00-00000000000000000000000000000001-0000000000000002-00")
        XCTAssertNotNil(W3CTraceContext.parseTraceparent(small.traceparent))
    }

    func testInvalidValuesAreRefused() {
        let invalid = [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",         // no flags
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",      // upper case
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // all-zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",     // version 00 longer than 55
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // separator
            "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version not hex
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",      // trace id not hex
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",      // flags not hex
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",     // later version, no dash after 55
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{e9}",
        ]
        for value in invalid {
            XCTAssertNil(W3CTraceContext.parseTraceparent(value), value)
        }
    }

    func testLaterVersionsAreReadAsVersionZeroKeepingOnlySampled() throws {
        let longer = try XCTUnwrap(W3CTraceContext.parseTraceparent(
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what-the-future-holds"))
        XCTAssertEqual(longer.traceIDLow, 0xa3ce_929d_0e0e_4736)
        XCTAssertEqual(longer.flags, 1)
        let exact = try XCTUnwrap(W3CTraceContext.parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"))
        XCTAssertEqual(exact.flags, 0)
    }

    func testTraceStateIsCheckedJoinedAndBounded() {
        XCTAssertEqual(W3CTraceContext.parseTraceState(["rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"]),
                       "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        XCTAssertEqual(W3CTraceContext.parseTraceState(["rojo=1", "tenant@vendor=2,,"]), "rojo=1,tenant@vendor=2")
        XCTAssertNil(W3CTraceContext.parseTraceState(["Rojo=1"]), "upper-case key")
        XCTAssertNil(W3CTraceContext.parseTraceState(["rojo"]), "no value")
        XCTAssertNil(W3CTraceContext.parseTraceState(["rojo=a=b"]), "= in the value")
        XCTAssertNil(W3CTraceContext.parseTraceState([""]))
        let tooMany = (0...32).map { "k\($0)=v" }.joined(separator: ",")
        XCTAssertNil(W3CTraceContext.parseTraceState([tooMany]), "33 members")
        let thirtyTwo = (0..<32).map { "k\($0)=v" }.joined(separator: ",")
        XCTAssertEqual(W3CTraceContext.parseTraceState([thirtyTwo]), thirtyTwo)

        // Longer than 512: members over 128 characters go first, then from the right.
        let long = "big=" + String(repeating: "x", count: 200)
        let medium = (0..<5).map { "m\($0)=" + String(repeating: "y", count: 100) }
        let state = W3CTraceContext.parseTraceState([([long] + medium).joined(separator: ",")])
        XCTAssertEqual(state, medium.prefix(4).joined(separator: ","))
        XCTAssertLessThanOrEqual(state?.utf8.count ?? 0, W3CTraceContext.maximumTraceStateLength)
    }
}
