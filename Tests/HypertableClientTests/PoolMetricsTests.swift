import BrokerTestKit
import TestSupport
import HypertableClient
import Prometheus
import XCTest

/// The pool records its own gauges through the factory it is given (here one over a registry
/// of the test's own: nothing global is bootstrapped).
final class PoolMetricsTests: XCTestCase {
    func testPoolGaugesFollowCheckoutAndCheckin() throws {
        let registry = PrometheusCollectorRegistry()
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 1, waitTimeoutMilliseconds: 1000),
                                    metricsFactory: PrometheusMetricsFactory(registry: registry))
        defer { pool.shutdown() }
        func line(_ series: String) -> String? {
            registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }.map(String.init)
        }
        XCTAssertEqual(line(#"gateway_pool_connections{state="idle"}"#), #"gateway_pool_connections{state="idle"} 0.0"#)
        let first = try pool.checkout()
        let second = try pool.checkout()
        XCTAssertEqual(line(#"gateway_pool_connections{state="in_use"}"#), #"gateway_pool_connections{state="in_use"} 2.0"#)
        XCTAssertEqual(line(#"gateway_pool_connections{state="overflow"}"#), #"gateway_pool_connections{state="overflow"} 1.0"#)
        XCTAssertEqual(line(#"gateway_pool_events{event="created"}"#), #"gateway_pool_events{event="created"} 2.0"#)
        pool.checkin(first)
        pool.checkin(second)
        XCTAssertEqual(line(#"gateway_pool_connections{state="in_use"}"#), #"gateway_pool_connections{state="in_use"} 0.0"#)
        XCTAssertEqual(line(#"gateway_pool_connections{state="idle"}"#), #"gateway_pool_connections{state="idle"} 1.0"#)
        XCTAssertTrue(eventually { line(#"gateway_pool_events{event="closed"}"#) == #"gateway_pool_events{event="closed"} 1.0"# },
                      "the overflow connection is closed when it comes back")
    }

    func testConnectFailureCountsAndIsLoggedWithTheError() throws {
        struct Refused: Error {}
        let registry = PrometheusCollectorRegistry()
        let records = LogRecords()
        let pool = ConnectionPool(configuration: PoolConfiguration(size: 1, maxOverflow: 0, waitTimeoutMilliseconds: 100),
                                  connect: { throw Refused() }, close: { _ in },
                                  logger: .recording(into: records), metricsFactory: PrometheusMetricsFactory(registry: registry))
        defer { pool.shutdown() }
        XCTAssertThrowsError(try pool.checkout())
        XCTAssertTrue(registry.emitToString().contains(#"gateway_pool_events{event="connect_failure"} 1.0"#))
        let record = try XCTUnwrap(records.all.first, "nothing logged")
        XCTAssertTrue(record.metadata["error"]?.contains("Refused") == true, "\(record)")
    }

    func testAConnectionGivenBackBrokenWithItsFailureIsLogged() throws {
        let records = LogRecords()
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0), logger: .recording(into: records))
        defer { pool.shutdown() }
        pool.checkin(try pool.checkout(), broken: true)
        XCTAssertTrue(records.all.isEmpty, "a broken connection without a failure to report: \(records.all)")
        pool.checkin(try pool.checkout(), broken: true,
                     because: BrokerCallError.connectionFailed(context: "scanner_close", reason: "reset"))
        let record = try XCTUnwrap(records.all.first, "nothing logged")
        XCTAssertEqual(record.level, .notice)
        XCTAssertTrue(record.metadata["error"]?.contains("scanner_close") == true, "\(record)")
        XCTAssertEqual(pool.statistics.totalDiscarded, 2)
    }
}
