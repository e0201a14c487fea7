import HypertableClient
import XCTest

final class PoolConfigurationTests: XCTestCase {
    func testDefaultsMatchFlaskHypertable() throws {
        let configuration = try PoolConfiguration(environment: [:])
        XCTAssertEqual(configuration.size, 5)
        XCTAssertEqual(configuration.maxOverflow, 10)
        XCTAssertEqual(configuration.waitTimeoutMilliseconds, 5000)
        XCTAssertNil(configuration.maxIdleMilliseconds)
        XCTAssertEqual(configuration.capacity, 15)
        XCTAssertFalse(configuration.isPerRequest)
    }

    func testReadsEveryVariable() throws {
        let configuration = try PoolConfiguration(environment: [
            "HYPERTABLE_POOL_SIZE": "8",
            "HYPERTABLE_MAX_OVERFLOW": " 0 ",
            "HYPERTABLE_POOL_TIMEOUT_MSECS": "250",
            "HYPERTABLE_POOL_MAX_IDLE_MSECS": "60000",
        ])
        XCTAssertEqual(configuration.size, 8)
        XCTAssertEqual(configuration.maxOverflow, 0)
        XCTAssertEqual(configuration.waitTimeoutMilliseconds, 250)
        XCTAssertEqual(configuration.maxIdleMilliseconds, 60000)
        XCTAssertEqual(configuration.capacity, 8)
    }

    func testEmptyVariableKeepsTheDefault() throws {
        let configuration = try PoolConfiguration(environment: ["HYPERTABLE_POOL_SIZE": ""])
        XCTAssertEqual(configuration.size, 5)
    }

    func testPoolSizeZeroIsPerRequestMode() throws {
        let unbounded = try PoolConfiguration(environment: ["HYPERTABLE_POOL_SIZE": "0",
                                                            "HYPERTABLE_MAX_OVERFLOW": "0"])
        XCTAssertTrue(unbounded.isPerRequest)
        XCTAssertNil(unbounded.capacity)
        let bounded = try PoolConfiguration(environment: ["HYPERTABLE_POOL_SIZE": "0"])
        XCTAssertTrue(bounded.isPerRequest)
        XCTAssertEqual(bounded.capacity, 10)
    }

    func testBadValuesNameTheVariable() {
        let cases: [(String, String)] = [
            ("HYPERTABLE_POOL_SIZE", "five"),
            ("HYPERTABLE_POOL_SIZE", "-1"),
            ("HYPERTABLE_POOL_SIZE", "+5"),
            ("HYPERTABLE_POOL_SIZE", "99999999999999999999999"),
            ("HYPERTABLE_MAX_OVERFLOW", "10001"),
            ("HYPERTABLE_MAX_OVERFLOW", "1.5"),
            ("HYPERTABLE_POOL_TIMEOUT_MSECS", "3600001"),
            ("HYPERTABLE_POOL_MAX_IDLE_MSECS", "x"),
        ]
        for (variable, value) in cases {
            XCTAssertThrowsError(try PoolConfiguration(environment: [variable: value]), "\(variable)=\(value)") { error in
                XCTAssertEqual((error as? PoolConfigurationError)?.variable, variable)
                XCTAssertEqual((error as? PoolConfigurationError)?.value, value)
            }
        }
    }

    func testMemberwiseInitClampsToValidRanges() {
        let configuration = PoolConfiguration(size: -3, maxOverflow: 1_000_000, waitTimeoutMilliseconds: -1)
        XCTAssertEqual(configuration.size, 0)
        XCTAssertEqual(configuration.maxOverflow, PoolConfiguration.maximumConnections)
        XCTAssertEqual(configuration.waitTimeoutMilliseconds, 0)
    }
}
