@testable import Gateway
import HypertableClient
import XCTest

final class ErrorMappingTests: XCTestCase {
    func testClientExceptionCodesMapToStatuses() {
        let expectations: [(HypertableErrorCode, Int)] = [
            (.hqlParseError, 400), (.syntaxError, 400), (.badScanSpec, 400), (.hqlBadCommand, 400), (.badKey, 400),
            (.tableNotFound, 404), (.namespaceDoesNotExist, 404), (.columnFamilyNotFound, 404),
            (.masterBadColumnFamily, 404), (.rangeserverTableNotFound, 404), (.rangeserverInvalidColumnfamily, 404),
            (.nameAlreadyInUse, 409), (.namespaceExists, 409), (.alreadyExists, 409), (.hyperspaceDirNotEmpty, 409),
            (.requestTimeout, 504), (.thriftBrokerBadNamespaceID, 502), (.thriftBrokerBadScannerID, 502),
        ]
        for (code, status) in expectations {
            let problem = ErrorMapping.problem(for: ClientException(code, "m"))
            XCTAssertEqual(problem.status, status, code.name)
            XCTAssertEqual(problem.hypertableCode, code.rawValue)
            XCTAssertEqual(problem.hypertableName, code.name)
        }
        XCTAssertEqual(ErrorMapping.problem(for: ClientException(code: 123_456, message: "?")).status, 502)
    }

    func testNoUserMistakeIsAServerError() {
        // Every code Hypertable defines maps to something other than 500.
        for code in HypertableErrorCode.allCases {
            XCTAssertNotEqual(ErrorMapping.problem(for: ClientException(code, "")).status, 500, code.name)
        }
    }

    func testTransportAndPoolErrors() {
        XCTAssertEqual(ErrorMapping.problem(for: BrokerCallError.timedOut(context: "x")).status, 504)
        XCTAssertEqual(ErrorMapping.problem(for: BrokerCallError.connectionFailed(context: "x", reason: "refused")).status, 502)
        XCTAssertEqual(ErrorMapping.problem(for: BrokerCallError.malformedReply(context: "x", reason: "bad version")).status, 502)
        XCTAssertEqual(ErrorMapping.problem(for: BrokerCallError.applicationException(context: "x", kind: 1, message: "x")).status, 502)
        XCTAssertEqual(ErrorMapping.problem(for: BrokerCallError.replyTooLarge(context: "x", length: 9, limit: 1)).type,
                       "/problems/broker-protocol")
        struct Unexpected: Error {}
        XCTAssertEqual(ErrorMapping.problem(for: Unexpected()).status, 500)
        let exhausted = ErrorMapping.problem(for: ConnectionPoolError.waitTimeout(waitedMilliseconds: 5, inUse: 1, waiting: 0))
        XCTAssertEqual(exhausted.status, 503)
        XCTAssertEqual(exhausted.retryAfter, 1)
        XCTAssertEqual(ErrorMapping.problem(for: ConnectionPoolError.poolClosed).status, 503)
        XCTAssertEqual(ErrorMapping.problem(for: ConnectionPoolError.connectFailed(
            underlying: BrokerCallError.connectionFailed(context: "connecting", reason: "refused"))).status, 502)
    }

    func testProblemBodyIsRFC9457() throws {
        let problem = ErrorMapping.problem(for: ClientException(.tableNotFound, "demo/nope"))
        let body = problem.jsonBody(instance: "/ns/demo/query", requestID: "r1")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        XCTAssertEqual(object["type"] as? String, "/problems/hypertable/table_not_found")
        XCTAssertEqual(object["title"] as? String, "Not Found")
        XCTAssertEqual(object["status"] as? Int, 404)
        XCTAssertEqual(object["detail"] as? String, "demo/nope")
        XCTAssertEqual(object["instance"] as? String, "/ns/demo/query")
        XCTAssertEqual(object["hypertable_code"] as? Int, 22)
        XCTAssertEqual(object["request_id"] as? String, "r1")
    }
}
