import Foundation
@testable import Gateway
import GatewayTestKit
import XCTest

/// Replies the HTTP server makes on its own look like every other gateway error: RFC 9457
/// problem+json with a request id, in the body and in `X-Request-ID`.
final class ServerRepliesTests: XCTestCase {
    func testAMalformedRequestGetsTheGatewaysProblemWithARequestID() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        defer { client.close() }
        try client.send(raw: "GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        let body = json(response)
        let requestID = try XCTUnwrap(response.header("X-Request-ID"))
        XCTAssertEqual(requestID.count, 16)
        XCTAssertEqual(body["request_id"] as? String, requestID)
        XCTAssertEqual(body["status"] as? Int, 400)
    }

    func testAHeadThatNeverEndsGets408WithARequestID() throws {
        let stack = try GatewayTestStack { $0.headerTimeoutSeconds = 0.3 }
        let client = try stack.client()
        defer { client.close() }
        try client.send(raw: "GET /health/live HTTP/1.1\r\nHost: a\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertNotNil(response.header("X-Request-ID"))
        XCTAssertEqual(json(response)["request_id"] as? String, response.header("X-Request-ID"))
    }
}
