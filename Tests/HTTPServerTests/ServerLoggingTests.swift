import HTTPTestKit
import Logging
import Prometheus
import Support
import XCTest
@testable import HTTPServer

/// What the server used to swallow is logged, and it counts its own connections.
final class ServerLoggingTests: XCTestCase {
    struct Broken: Error {}

    func testHandlerErrorIsLoggedAtErrorWithTheRequest() throws {
        let records = LogRecords()
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, workerCount: 2),
                                logger: .recording(into: records)) { _ in throw Broken() }
        try server.start()
        defer { server.shutdown(gracePeriod: 1) }
        let response = try HTTPTestClient(port: server.port, timeout: 5).request("GET", "/broken/thing")
        XCTAssertEqual(response.status, 500)
        let record = try XCTUnwrap(records.all.first { $0.message == "the request handler failed" }, "\(records.all)")
        XCTAssertEqual(record.level, .error)
        XCTAssertEqual(record.metadata["path"], "/broken/thing")
        XCTAssertEqual(record.metadata["method"], "GET")
        XCTAssertTrue(record.metadata["error"]?.contains("Broken") == true, "\(record)")
    }

    func testConnectionsAreCountedThroughTheGivenFactory() throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 2)
        configuration.maxConnectionsPerClient = 1
        let server = HTTPServer(configuration: configuration, logger: .discarding,
                                metricsFactory: PrometheusMetricsFactory(registry: registry)) { _ in .text("ok") }
        try server.start()
        defer { server.shutdown(gracePeriod: 1) }
        let client = try HTTPTestClient(port: server.port, timeout: 5)
        XCTAssertEqual(try client.request("GET", "/").status, 200)
        let refused = try HTTPTestClient(port: server.port, timeout: 5)
        _ = try? refused.request("GET", "/")
        XCTAssertTrue(eventually {
            let text = registry.emitToString()
            return text.contains(#"gateway_http_connections_total{outcome="accepted"} 1"#)
                && text.contains(#"gateway_http_connections_total{outcome="refused"} 1"#)
                && text.contains("gateway_http_connections_open 1.0")
        }, registry.emitToString())
    }
}
