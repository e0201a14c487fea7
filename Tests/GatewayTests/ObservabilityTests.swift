import Foundation
@testable import Gateway
import GatewayTestKit
import HTTPServer
import HypertableClient
import Logging
import Prometheus
import Sockets
import Support
import TestSupport
import XCTest

/// Logs and metrics: the access log as JSON lines through `JSONLogHandler`, the level filter,
/// errors that used to be swallowed, and `/metrics` names (the Prometheus parser's check is in
/// InteropTests, which has the Python environment).
final class ObservabilityTests: XCTestCase {
    // MARK: access log

    func testAccessLogIsOneJSONObjectPerLineWithTodaysFields() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        _ = try client.request("POST", "/ns/sys/query", headers: [("X-Request-ID", "fields-1")], body: "SHOW TABLES")
        _ = try client.request("GET", "/nowhere", headers: [("X-Request-ID", "fields-2")])
        XCTAssertTrue(eventually { stack.logLines.all.count >= 2 }, "\(stack.logLines.all)")
        let lines = stack.logLines.all
        for line in lines {
            XCTAssertFalse(line.contains("\n"), "one object per line: \(line)")
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
        }
        let records = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let query = try XCTUnwrap(records.first { $0["request_id"] as? String == "fields-1" }, "\(lines)")
        // Today's fields, with today's types: numbers as numbers, ts and duration as
        // fixed-point strings (milliseconds), plus the record's level.
        XCTAssertEqual(Set(query.keys), ["ts", "level", "msg", "method", "path", "client", "route", "status", "bytes",
                                         "duration_ms", "auth", "request_id", "trace_id"])
        XCTAssertEqual(query["msg"] as? String, "request")
        XCTAssertEqual(query["level"] as? String, "info")
        XCTAssertEqual(query["method"] as? String, "POST")
        XCTAssertEqual(query["path"] as? String, "/ns/sys/query")
        XCTAssertEqual(query["route"] as? String, "/ns/{ns...}/query")
        XCTAssertEqual(query["client"] as? String, "127.0.0.1")
        XCTAssertEqual(query["status"] as? Int, 200)
        XCTAssertEqual(query["auth"] as? String, "none")
        XCTAssertGreaterThan(try XCTUnwrap(query["bytes"] as? Int), 0)
        let duration = try XCTUnwrap(query["duration_ms"] as? String)
        XCTAssertNotNil(duration.wholeMatch(of: /[0-9]+\.[0-9]{3}/), duration)
        let ts = try XCTUnwrap(query["ts"] as? String)
        let seconds = try XCTUnwrap(Double(ts), ts)
        XCTAssertNotNil(ts.wholeMatch(of: /[0-9]+\.[0-9]{3}/), ts)
        XCTAssertLessThan(abs(seconds - Date().timeIntervalSince1970), 600, "ts is the wall clock in seconds")
        let missing = try XCTUnwrap(records.first { $0["request_id"] as? String == "fields-2" }, "\(lines)")
        XCTAssertEqual(missing["status"] as? Int, 404)
    }

    func testJSONLogHandlerEscapesAndTypesMetadata() throws {
        let lines = LogLineCollector()
        let logger = Logger.json(into: lines)
        logger.info("a \"quoted\"\nmessage", metadata: [
            "text": "tab\there", "count": .stringConvertible(42), "flag": .stringConvertible(true),
            "fixed": .stringConvertible(LogFixedPoint(-1_234, fractionDigits: 3)),
            "nested": ["inner": "x"], "list": ["a", "b"],
        ])
        let line = try XCTUnwrap(lines.all.first)
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
        XCTAssertEqual(record["msg"] as? String, "a \"quoted\"\nmessage")
        XCTAssertEqual(record["text"] as? String, "tab\there")
        XCTAssertEqual(record["count"] as? Int, 42)
        XCTAssertEqual(record["flag"] as? Bool, true)
        XCTAssertEqual(record["fixed"] as? String, "-1.234")
        XCTAssertEqual((record["nested"] as? [String: String])?["inner"], "x")
        XCTAssertEqual(record["list"] as? [String], ["a", "b"])
        // Fields follow the fixed ones sorted by key, the same way on every line.
        let keys = ["count", "fixed", "flag", "list", "nested", "text"]
        let offsets = keys.compactMap { line.range(of: "\"\($0)\":")?.lowerBound }
        XCTAssertEqual(offsets.count, keys.count, line)
        XCTAssertEqual(offsets, offsets.sorted(), line)
        XCTAssertLessThan(try XCTUnwrap(line.range(of: "\"msg\":")).lowerBound, try XCTUnwrap(offsets.first), line)
    }

    // MARK: level

    func testLogLevelFiltersRecords() throws {
        let lines = LogLineCollector()
        let logger = Logger.json(into: lines, level: .warning)
        logger.info("dropped")
        logger.notice("dropped too")
        logger.warning("kept")
        logger.error("kept too")
        XCTAssertEqual(lines.all.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["msg"] as? String
        }, ["kept", "kept too"])

        // Above info the access log (info records) is dropped as well; at info it is written.
        let quiet = try GatewayTestStack(logLevel: .warning)
        let quietClient = try quiet.client()
        XCTAssertEqual(try quietClient.request("GET", "/health/live").status, 200)
        // On one keep-alive connection the next request is taken only after the previous one
        // completed (metrics and access log): once it is answered, the first's line is due.
        XCTAssertEqual(try quietClient.request("GET", "/health/live").status, 200)
        let loud = try GatewayTestStack(logLevel: .info)
        XCTAssertEqual(try loud.client().request("GET", "/health/live").status, 200)
        XCTAssertTrue(eventually { loud.logLines.all.contains { $0.contains(#""msg":"request""#) } })
        XCTAssertEqual(quiet.logLines.all, [])
    }

    func testLogLevelSetting() throws {
        XCTAssertEqual(try GatewayConfiguration(environment: [:]).logLevel, .info)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_LOG_LEVEL": "debug"]).logLevel, .debug)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_LOG_LEVEL": " WARN "]).logLevel, .warning)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_LOG_LEVEL": "critical"]).logLevel, .critical)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_LOG_LEVEL": "loud"])) { error in
            XCTAssertTrue("\(error)".contains("GATEWAY_LOG_LEVEL"), "\(error)")
        }
    }

    // MARK: errors that were swallowed

    func testBrokerConnectFailureIsLoggedAtWarningWithTheAddressOncePerOutage() throws {
        // A port nothing listens on: bind one, learn its number, close it.
        let probe = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 1)
        let port = try probe.localPort()
        probe.close()
        let records = LogRecords()
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: port)]
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration, logger: .recording(into: records))
        try gateway.start()
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: "SHOW TABLES").status, 502)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: "SHOW TABLES").status, 502)

        let failures = records.all.filter { $0.message == "broker connect failed" }
        XCTAssertEqual(failures.count, 2, "\(records.all)")
        XCTAssertEqual(failures.map(\.level), [.warning, .debug], "a warning when the outage begins, then debug")
        XCTAssertEqual(failures.first?.metadata["broker"], "127.0.0.1:\(port)")
        XCTAssertEqual(failures.first?.metadata["component"], "broker")
        XCTAssertNotNil(failures.first?.metadata["error"])
    }

    func testUnmappedHandlerErrorIsLoggedAtErrorWithTheRequest() throws {
        struct Surprise: Error {}
        let records = LogRecords()
        let handling = RouteHandling(metrics: Metrics(registry: PrometheusCollectorRegistry()),
                                     logger: .recording(into: records))
        var head = HTTPRequest(method: .get, target: "/ns/x/tables")
        head.context.requestID = "req-7"
        let response = handling.respond(head) { throw Surprise() }
        XCTAssertEqual(response.status.code, 500)
        let record = try XCTUnwrap(records.all.first, "nothing logged")
        XCTAssertEqual(record.level, .error)
        XCTAssertEqual(record.metadata["request_id"], "req-7")
        XCTAssertEqual(record.metadata["path"], "/ns/x/tables")
        XCTAssertTrue(record.metadata["error"]?.contains("Surprise") == true, "\(record)")
    }

    // MARK: metrics

    func testMetricsKeepTodaysNamesHelpAndTypes() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        _ = try client.request("POST", "/ns/sys/query", body: "SELECT * FROM missing")
        _ = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        let text = try client.request("GET", "/metrics").bodyText
        let lines = Set(text.split(separator: "\n").map(String.init))
        for (name, type) in [("gateway_requests_total", "counter"), ("gateway_request_duration_seconds", "histogram"),
                             ("gateway_response_bytes_total", "counter"), ("gateway_broker_errors_total", "counter"),
                             ("gateway_auth_denied_total", "counter"), ("gateway_pool_connections", "gauge"),
                             ("gateway_pool_waiting", "gauge"), ("gateway_pool_events", "gauge"),
                             ("gateway_open_scanners", "gauge"), ("gateway_http_connections_open", "gauge"),
                             ("gateway_http_connections_total", "counter")] {
            XCTAssertTrue(lines.contains("# TYPE \(name) \(type)"), "\(name) \(type) in\n\(text)")
            XCTAssertTrue(lines.contains("# HELP \(name) \(Metrics.allDescriptions[name] ?? "?")"), "\(name) in\n\(text)")
        }
        XCTAssertTrue(lines.contains(#"gateway_requests_total{route="/ns/{ns...}/query",method="POST",status="404"} 1"#), text)
        XCTAssertTrue(lines.contains(#"gateway_broker_errors_total{error="TABLE_NOT_FOUND"} 1"#), text)
        // Today's bucket bounds, as today's text writes them.
        for bound in ["0.0005", "0.001", "0.0025", "0.1", "1.0", "2.5", "10.0"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(#"gateway_request_duration_seconds_bucket{route="/ns/{ns...}/query",le=""#
                                                        + bound + #""} "#) }, "\(bound) in\n\(text)")
        }
        XCTAssertTrue(lines.contains(#"gateway_request_duration_seconds_bucket{route="/ns/{ns...}/query",le="+Inf"} 2"#), text)
        XCTAssertTrue(lines.contains(#"gateway_request_duration_seconds_count{route="/ns/{ns...}/query"} 2"#), text)
        XCTAssertTrue(lines.contains(#"gateway_pool_connections{state="idle"} 1.0"#), text)
    }

    /// Each series counts its own requests, however the same thread alternates between them
    /// (a shard remembers the series it used last).
    func testAlternatingSeriesOnOneThreadEachCountTheirOwn() {
        let metrics = Metrics(registry: PrometheusCollectorRegistry())
        let sequence: [(String, String, Int)] = [("/a", "GET", 200), ("/a", "GET", 200), ("/a", "GET", 404),
                                                 ("/b", "GET", 200), ("/a", "GET", 200), ("/a", "POST", 200)]
        for (route, method, status) in sequence {
            metrics.recordRequest(route: route, method: method, status: status, durationNanoseconds: 1_000_000, bytes: 1)
        }
        let text = metrics.render()
        for expected in [#"gateway_requests_total{route="/a",method="GET",status="200"} 3"#,
                         #"gateway_requests_total{route="/a",method="GET",status="404"} 1"#,
                         #"gateway_requests_total{route="/b",method="GET",status="200"} 1"#,
                         #"gateway_requests_total{route="/a",method="POST",status="200"} 1"#] {
            XCTAssertTrue(text.contains(expected), "\(expected)\n\(text)")
        }
    }

    func testTwoGatewaysKeepTheirOwnCounts() throws {
        let first = try GatewayTestStack()
        let second = try GatewayTestStack()
        _ = try first.client().request("GET", "/nowhere")
        let line = #"gateway_requests_total{route="unmatched",method="GET",status="404"} 1"#
        // Requests are counted once written, after the client has the answer: wait for it.
        XCTAssertTrue(eventually { first.gateway.metrics.render().contains(line) })
        XCTAssertFalse(second.gateway.metrics.render().contains("route=\"unmatched\""))
    }
}
