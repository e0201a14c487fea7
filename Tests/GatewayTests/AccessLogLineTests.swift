@testable import Gateway
@testable import HTTPServer
import GatewayTestKit
import Logging
import XCTest

/// `AccessLogLine` writes the common access-log line in one pass; it must make the line the
/// writer and the swift-log path make, byte for byte, or decline.
final class AccessLogLineTests: XCTestCase {
    /// The common line is written in one pass (`AccessLogLine`), anything else through the
    /// writer; both must make the line the swift-log path makes, byte for byte.
    func testTheOnePassLineMatchesTheWriterLineOrDeclines() throws {
        struct Variant {
            var target = "/health/live", requestID = "0123456789abcdef", client = "192.0.2.7"
            var route: String? = "/health/live", auth = "none", status = 200, bytes = 15
            var duration = Duration.microseconds(87), trace = true, error: (any Error)? = nil
            var onePass = true
        }
        var variants = [Variant(), Variant(route: nil, trace: false), Variant(requestID: ""),
                        Variant(status: 503, bytes: 0, duration: .zero),
                        Variant(duration: .seconds(86_400 * 365) + .microseconds(999)),
                        // The longest numbers and strings the one pass takes: its measured room holds them.
                        Variant(target: "/" + String(repeating: "p", count: AccessLogLine.longestPath - 1),
                                requestID: String(repeating: "i", count: 128), client: String(repeating: "c", count: 64),
                                route: String(repeating: "r", count: 100), auth: "jwt:admin@some/namespace",
                                status: 999, bytes: .max, duration: .seconds(Int64.max / 1_000_000)),
                        Variant(target: "/ns/a/tables/t/rows/" + String(repeating: "k", count: 490)),
                        Variant(requestID: #"id-"1""#, onePass: false),
                        Variant(requestID: "a\\b", onePass: false),
                        Variant(client: "zoë", onePass: false),
                        Variant(route: "/ns/{ns...}/query", auth: "ro\u{7}", onePass: false),
                        Variant(target: "/" + String(repeating: "x", count: AccessLogLine.longestPath), onePass: false),
                        Variant(error: HTTPServerError.writeTimedOut, onePass: false)]
        variants += (0..<5).map { index in Variant(target: "/x/" + String(repeating: "p", count: index), bytes: index * 1_000_003) }
        for variant in variants {
            var request = HTTPRequest(method: .get, target: variant.target, headers: ["Host": "h"])
            request.context.requestID = variant.requestID
            request.context.clientAddress = variant.client
            if variant.trace {
                request.context.trace = W3CTraceContext(traceIDHigh: 0x0123_4567_89ab_cdef, traceIDLow: 0xfedc_ba98_7654_3210,
                                                        parentSpanID: nil, spanID: 3, flags: 1)
            }
            let exchange = HTTPExchangeRecord(
                request: request, status: HTTPStatus(code: variant.status), responseHeaders: HTTPHeaders(),
                bytesSent: variant.bytes, duration: variant.duration, remoteAddress: nil, routePattern: variant.route,
                error: variant.error)
            let viaLogger = LogLineCollector(), direct = LogLineCollector()
            AccessLog(logger: Logger.json(into: viaLogger)).record(exchange, auth: variant.auth)
            AccessLog(lines: direct, level: .info).record(exchange, auth: variant.auth)
            let withoutTime = { (line: String) in line.replacing(/"ts":"[0-9]+\.[0-9]{3}"/, with: #""ts":"T""#) }
            XCTAssertEqual(direct.all.map(withoutTime), viaLogger.all.map(withoutTime), variant.target)
            XCTAssertEqual(direct.all.count, 1)
            var onePass: String?
            let wrote = AccessLogLine.write(exchange, auth: variant.auth) {
                onePass = String(decoding: $0, as: UTF8.self)
            }
            XCTAssertEqual(wrote, variant.onePass, "\(variant.requestID) \(variant.client) \(variant.auth)")
            XCTAssertEqual(wrote, onePass != nil)
            if let onePass { XCTAssertEqual(withoutTime(onePass), withoutTime(direct.all[0])) }
        }
    }
}
