@testable import Gateway
import HypertableClient
import XCTest

final class ConfigurationTests: XCTestCase {
    func testDefaultsAreSafe() throws {
        let configuration = try GatewayConfiguration(environment: [:])
        XCTAssertEqual(configuration.listenHost, "127.0.0.1")
        XCTAssertEqual(configuration.listenPort, 8080)
        XCTAssertEqual(configuration.brokers, [.init(host: "localhost", port: 15867)])
        XCTAssertEqual(configuration.poolSize, 5)
        XCTAssertEqual(configuration.maxOverflow, 10)
    }

    func testFlaskHypertableVariablesKeepTheirMeaning() throws {
        let configuration = try GatewayConfiguration(environment: [
            "HYPERTABLE_HOST": "broker-a, broker-b:15868,[::1]:9000",
            "HYPERTABLE_PORT": "38080",
            "HYPERTABLE_TIMEOUT_MSECS": "2500",
            "HYPERTABLE_POOL_SIZE": "0",
            "HYPERTABLE_MAX_OVERFLOW": "3",
            "GATEWAY_LISTEN": "0.0.0.0:9090",
            "GATEWAY_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
            "GATEWAY_GRACE_SECONDS": "2.5",
        ])
        XCTAssertEqual(configuration.brokers, [.init(host: "broker-a", port: 38080), .init(host: "broker-b", port: 15868),
                                               .init(host: "::1", port: 9000)])
        XCTAssertEqual(configuration.brokerTimeoutMilliseconds, 2500)
        XCTAssertEqual(configuration.poolSize, 0)
        XCTAssertEqual(configuration.maxOverflow, 3)
        XCTAssertEqual(configuration.listenHost, "0.0.0.0")
        XCTAssertEqual(configuration.listenPort, 9090)
        XCTAssertEqual(configuration.trustedProxies, ["10.0.0.1", "10.0.0.2"])
        XCTAssertEqual(configuration.gracePeriodSeconds, 2.5)
    }

    func testMalformedValuesNameTheVariable() {
        let bad: [String: String] = [
            "HYPERTABLE_PORT": "eighty", "HYPERTABLE_POOL_SIZE": "-1", "HYPERTABLE_MAX_OVERFLOW": "1e3",
            "GATEWAY_LISTEN": "nowhere", "GATEWAY_GRACE_SECONDS": "soon", "GATEWAY_ACCESS_LOG": "maybe",
            "HYPERTABLE_HOST": " , ",
        ]
        for (name, value) in bad {
            XCTAssertThrowsError(try GatewayConfiguration(environment: [name: value]), name) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, name)
            }
        }
    }
}

final class BrokerConnectorTests: XCTestCase {
    struct Refused: Error {}

    func testSpreadsConnectionsAndSkipsADownBroker() throws {
        let brokers: [GatewayConfiguration.BrokerAddress] = [.init(host: "a", port: 1), .init(host: "b", port: 2)]
        let attempts = LockedLog()
        let connector = BrokerConnector(brokers: brokers, cooldownMilliseconds: 60_000) { address in
            attempts.append(address.host)
            if address.host == "a" { throw Refused() }
            return FakeServiceForConnector()
        }
        for _ in 0..<4 { _ = try connector.connect() }
        // "a" failed once and is skipped during its cool-down; every connection went to "b".
        XCTAssertEqual(attempts.entries.filter { $0 == "a" }.count, 1)
        XCTAssertEqual(attempts.entries.filter { $0 == "b" }.count, 4)
        XCTAssertEqual(connector.brokersDown.map(\.host), ["a"])
    }

    func testAllDownThrowsTheLastError() {
        let connector = BrokerConnector(brokers: [.init(host: "a", port: 1)]) { _ in throw Refused() }
        XCTAssertThrowsError(try connector.connect()) { XCTAssertTrue($0 is Refused) }
        // Even while cooling down, a lone broker is still tried (it may be back).
        XCTAssertThrowsError(try connector.connect())
    }
}
