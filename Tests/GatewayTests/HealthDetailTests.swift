import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import Sockets
import XCTest

/// `/health/ready` with tokens configured: open to all, but only a caller with a valid token
/// learns more than ready or not and a reason class.
final class HealthDetailTests: XCTestCase {
    static let readWriteToken = "health-rw-0123456789abcdef"
    static let readOnlyToken = "health-ro-0123456789abcdef"

    private static func policy() throws -> AccessPolicy {
        try AccessPolicy(tokens: [(readWriteToken, .readWrite), (readOnlyToken, .readOnly)])
    }

    private func get(_ port: Int, _ path: String, token: String? = nil) throws -> HTTPTestResponse {
        let client = try HTTPTestClient(port: port, timeout: 10)
        defer { client.close() }
        return try client.request("GET", path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// A gateway with tokens whose broker port refuses connections.
    private func gatewayWithUnreachableBroker(tokens: Bool) throws -> Gateway {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let port = try listener.localPort()
        listener.close()
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: port)]
        configuration.brokerTimeoutMilliseconds = 1_000
        configuration.gracePeriodSeconds = 1
        configuration.accessLog = false
        if tokens { configuration.accessPolicy = try Self.policy() }
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        return gateway
    }

    func testReadyWithoutAValidTokenIsOnlyReady() throws {
        let policy = try Self.policy()
        let stack = try GatewayTestStack { $0.accessPolicy = policy }
        for path in ["/health/ready", "/health"] {
            for token in [nil, "not-a-configured-token-at-all"] {
                let brief = try get(stack.gateway.port, path, token: token)
                XCTAssertEqual(brief.status, 200, brief.bodyText)
                XCTAssertEqual(brief.header("Content-Type"), "application/json")
                XCTAssertEqual(brief.bodyText, #"{"status":"ready"}"#)
                XCTAssertEqual(brief.header("Cache-Control"), "no-store")
            }
            for token in [Self.readWriteToken, Self.readOnlyToken] {
                let detailed = try get(stack.gateway.port, path, token: token)
                XCTAssertEqual(detailed.status, 200, detailed.bodyText)
                XCTAssertEqual(json(detailed)["status"] as? String, "ok")
                XCTAssertEqual((json(detailed)["broker"] as? [String: Any])?["code"] as? Int, 0, detailed.bodyText)
                XCTAssertNotNil(json(detailed)["pool"], detailed.bodyText)
            }
        }
    }

    func testNotReadyWithoutAValidTokenIsOnlyTheReasonClass() throws {
        let gateway = try gatewayWithUnreachableBroker(tokens: true)
        defer { gateway.shutdown() }
        for token in [nil, "not-a-configured-token-at-all"] {
            let brief = try get(gateway.port, "/health/ready", token: token)
            XCTAssertEqual(brief.status, 503, brief.bodyText)
            XCTAssertEqual(brief.header("Content-Type"), "application/json")
            XCTAssertEqual(brief.header("Retry-After"), "1")
            XCTAssertEqual(brief.bodyText, #"{"status":"not_ready","reason":"broker_unreachable"}"#)
            XCTAssertFalse(brief.bodyText.contains("127.0.0.1"), brief.bodyText)
        }
        let detailed = try get(gateway.port, "/health/ready", token: Self.readOnlyToken)
        XCTAssertEqual(detailed.status, 503, detailed.bodyText)
        XCTAssertEqual(detailed.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(json(detailed)["reason"] as? String, "broker_unreachable")
        XCTAssertTrue((json(detailed)["detail"] as? String)?.contains("not ready") == true, detailed.bodyText)
        XCTAssertNotNil(json(detailed)["brokers_down"], detailed.bodyText)
    }

    func testWithoutTokensConfiguredReadinessKeepsItsDetail() throws {
        let gateway = try gatewayWithUnreachableBroker(tokens: false)
        defer { gateway.shutdown() }
        let response = try get(gateway.port, "/health/ready")
        XCTAssertEqual(response.status, 503, response.bodyText)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(json(response)["reason"] as? String, "broker_unreachable")
        XCTAssertTrue((json(response)["detail"] as? String)?.contains("cannot connect") == true, response.bodyText)
    }

    func testReasonClasses() {
        let cases: [(HealthRoutes.Readiness, String)] = [
            (.saturated, "ready"),
            (.brokerNotReady(BrokerStatus(code: 1, text: "starting")), "broker_not_ready"),
            (.failed(ConnectionPoolError.connectFailed(underlying: BrokerCallError.connectionFailed(context: "read", reason: "connection closed"))), "broker_unreachable"),
            (.failed(ConnectionPoolError.waitTimeout(waitedMilliseconds: 100, inUse: 1, waiting: 0)), "pool_exhausted"),
            (.failed(ConnectionPoolError.poolClosed), "shutting_down"),
            (.failed(BrokerCallError.timedOut(context: "read")), "broker_timeout"),
            (.failed(BrokerCallError.connectionFailed(context: "read", reason: "connection closed")), "broker_unreachable"),
            (.failed(ClientException(code: 22, message: "table not found")), "broker_error"),
        ]
        for (readiness, reason) in cases {
            XCTAssertEqual(HealthRoutes.reason(readiness), reason, "\(readiness)")
        }
    }
}
