import Foundation
@testable import Gateway
import HypertableClient
import XCTest

final class ConfigurationTests: XCTestCase {
    func testDefaultsAreSafe() throws {
        let configuration = try GatewayConfiguration(environment: [:])
        XCTAssertEqual(configuration.listenHost, "127.0.0.1")
        XCTAssertEqual(configuration.listenPort, 8080)
        XCTAssertEqual(configuration.brokers, [.init(host: "localhost", port: 15867)])
        // Out of the box the pool keeps one connection per worker and never overflows: no
        // request opens or closes a broker connection.
        XCTAssertEqual(configuration.poolSize, configuration.workers)
        XCTAssertEqual(configuration.maxOverflow, 0)
        XCTAssertEqual(configuration.effectivePool.capacity, configuration.workers)
    }

    func testAGivenPoolSizeKeepsFlaskHypertablesMeaning() throws {
        let sized = try GatewayConfiguration(environment: ["HYPERTABLE_POOL_SIZE": "5"])
        XCTAssertEqual(sized.poolSize, 5)
        XCTAssertEqual(sized.maxOverflow, 10)
        let perRequest = try GatewayConfiguration(environment: ["HYPERTABLE_POOL_SIZE": "0"])
        XCTAssertTrue(perRequest.effectivePool.isPerRequest)
        let overflowOnly = try GatewayConfiguration(environment: ["HYPERTABLE_MAX_OVERFLOW": "3", "GATEWAY_WORKERS": "8"])
        XCTAssertEqual(overflowOnly.poolSize, 8)
        XCTAssertEqual(overflowOnly.maxOverflow, 3)
        var programmatic = GatewayConfiguration()
        programmatic.workers = 12
        XCTAssertEqual(programmatic.effectivePool.size, 12)
        programmatic.poolSize = 2
        XCTAssertEqual(programmatic.effectivePool.size, 2)
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

    func testLoopbackAddresses() {
        for host in ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "localhost", "LocalHost"] {
            XCTAssertTrue(GatewayConfiguration.isLoopback(host), host)
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "126.0.0.1", "::2", "::ffff:127.0.0.1", "example.org",
                     "localhost.example.org", "127.1", ""] {
            XCTAssertFalse(GatewayConfiguration.isLoopback(host), host)
        }
    }

    /// Without tokens, only loopback unless GATEWAY_INSECURE_NO_AUTH says otherwise.
    func testExposureCheck() throws {
        XCTAssertNoThrow(try GatewayConfiguration(environment: [:]).checkExposure())
        XCTAssertNoThrow(try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "[::1]:80"]).checkExposure())
        let open = try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "0.0.0.0:8080"])
        XCTAssertFalse(open.insecureNoAuth)
        XCTAssertThrowsError(try open.checkExposure()) { error in
            XCTAssertEqual(error as? UnauthenticatedExposureError,
                           UnauthenticatedExposureError(listenHost: "0.0.0.0", listenPort: 8080))
            let text = String(describing: error)
            for needle in ["0.0.0.0:8080", "no tokens", "GATEWAY_TOKENS_FILE", "GATEWAY_INSECURE_NO_AUTH=1", "--insecure-no-auth"] {
                XCTAssertTrue(text.contains(needle), "\(needle) missing from: \(text)")
            }
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "[::]:8080"]).checkExposure()) {
            XCTAssertTrue(String(describing: $0).contains("[::]:8080"), String(describing: $0))
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "0.0.0.0:8080",
                                                                    "GATEWAY_INSECURE_NO_AUTH": "0"]).checkExposure())
        let insecure = try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "0.0.0.0:8080", "GATEWAY_INSECURE_NO_AUTH": "1"])
        XCTAssertTrue(insecure.insecureNoAuth)
        XCTAssertNoThrow(try insecure.checkExposure())
        let withTokens = try GatewayConfiguration(environment: ["GATEWAY_LISTEN": "0.0.0.0:8080",
                                                                "GATEWAY_TOKENS": "exposure-test-0123456789 ro"])
        XCTAssertNoThrow(try withTokens.checkExposure())
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_INSECURE_NO_AUTH": "perhaps"])) {
            XCTAssertEqual(($0 as? ConfigurationError)?.variable, "GATEWAY_INSECURE_NO_AUTH")
        }
    }

    func testWorkerStayIsSecondsAndZeroTurnsItOff() throws {
        XCTAssertEqual(try GatewayConfiguration(environment: [:]).workerStaySeconds, 0.02)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_WORKER_STAY": "0"]).workerStaySeconds, 0)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_WORKER_STAY": " 0.5 "]).workerStaySeconds, 0.5)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_WORKER_STAY": "11"]))
        // Every duration setting follows one rule: trimmed, blank keeps the default.
        let defaults = try GatewayConfiguration(environment: [:])
        let blank = try GatewayConfiguration(environment: ["GATEWAY_WORKER_STAY": " ", "GATEWAY_GRACE_SECONDS": "",
                                                           "GATEWAY_IDLE_TIMEOUT": "\t"])
        XCTAssertEqual(blank.workerStaySeconds, defaults.workerStaySeconds)
        XCTAssertEqual(blank.gracePeriodSeconds, defaults.gracePeriodSeconds)
        XCTAssertEqual(blank.idleTimeoutSeconds, defaults.idleTimeoutSeconds)
        XCTAssertEqual(try GatewayConfiguration(environment: ["GATEWAY_GRACE_SECONDS": " 0 "]).gracePeriodSeconds, 0)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_IDLE_TIMEOUT": "0"]))
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_GRACE_SECONDS": "nan"]))
    }

    func testMalformedValuesNameTheVariable() {
        let bad: [String: String] = [
            "HYPERTABLE_PORT": "eighty", "HYPERTABLE_POOL_SIZE": "-1", "HYPERTABLE_MAX_OVERFLOW": "1e3",
            "GATEWAY_LISTEN": "nowhere", "GATEWAY_GRACE_SECONDS": "soon", "GATEWAY_ACCESS_LOG": "maybe",
            "HYPERTABLE_HOST": " , ", "GATEWAY_WORKER_STAY": "-0.1",
        ]
        for (name, value) in bad {
            XCTAssertThrowsError(try GatewayConfiguration(environment: [name: value]), name) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, name)
            }
        }
    }
}

/// `GATEWAY_TOKENS_FILE`, `GATEWAY_TOKENS` and `GATEWAY_METRICS_PUBLIC` (AuthTests covers the requests).
final class AccessPolicyConfigurationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func tokensFile(_ text: String) throws -> String {
        let url = directory.appendingPathComponent("tokens")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testNoTokensMeansAuthenticationIsOff() throws {
        let configuration = try GatewayConfiguration(environment: [:])
        XCTAssertFalse(configuration.accessPolicy.isEnabled)
        XCTAssertFalse(configuration.accessPolicy.metricsPublic)
    }

    func testTokensFileWithCommentsAndBlankLines() throws {
        let path = try tokensFile("""
        # gateway tokens
        admin-token-0123456789abcdef rw

        \treader-token-0123456789abcdef   ro   # the dashboards
        ci-token-0123456789abcdef== RO\r
        """)
        let policy = try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": path]).accessPolicy
        XCTAssertTrue(policy.isEnabled)
        XCTAssertEqual(policy.tokenCount, 3)
        XCTAssertEqual(policy.grant(forToken: Array("admin-token-0123456789abcdef".utf8)), .readWrite)
        XCTAssertEqual(policy.grant(forToken: Array("reader-token-0123456789abcdef".utf8)), .readOnly)
        XCTAssertEqual(policy.grant(forToken: Array("ci-token-0123456789abcdef==".utf8)), .readOnly)
        XCTAssertNil(policy.grant(forToken: Array("admin-token-0123456789abcde".utf8)))
        XCTAssertNil(policy.grant(forToken: []))
        // Neither the policy nor the configuration ever prints a token.
        for text in [String(describing: policy), String(reflecting: policy),
                     String(describing: try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": path]))] {
            XCTAssertFalse(text.contains("token-0123456789"), text)
        }
    }

    func testTokenListAndPublicMetrics() throws {
        let configuration = try GatewayConfiguration(environment: [
            "GATEWAY_TOKENS": "admin-token-0123456789abcdef rw, reader-token-0123456789abcdef ro,",
            "GATEWAY_METRICS_PUBLIC": "1",
        ])
        XCTAssertEqual(configuration.accessPolicy.tokenCount, 2)
        XCTAssertEqual(configuration.accessPolicy.grant(forToken: Array("reader-token-0123456789abcdef".utf8)), .readOnly)
        XCTAssertTrue(configuration.accessPolicy.metricsPublic)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_METRICS_PUBLIC": "sometimes"])) {
            XCTAssertEqual(($0 as? ConfigurationError)?.variable, "GATEWAY_METRICS_PUBLIC")
        }
    }

    func testShortTokenIsRefused() throws {
        let path = try tokensFile("fine-token-0123456789abcdef rw\nshort-secret ro\n")
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": path])) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.variable, "GATEWAY_TOKENS_FILE")
            XCTAssertEqual(error?.value, path)
            XCTAssertTrue(error?.reason.contains("line 2") == true, "\(String(describing: error))")
            XCTAssertTrue(error?.reason.contains("at least 16 characters") == true, "\(String(describing: error))")
            XCTAssertFalse(error?.description.contains("short-secret") == true, "\(String(describing: error))")
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TOKENS": "short-secret rw"])) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.variable, "GATEWAY_TOKENS")
            XCTAssertTrue(error?.reason.contains("at least 16 characters") == true, "\(String(describing: error))")
            XCTAssertFalse(error?.description.contains("short-secret") == true, "\(String(describing: error))")
        }
    }

    func testMalformedLinesNameTheFileAndLine() throws {
        let cases: [(String, String)] = [
            ("# header\nadmin-token-0123456789abcdef\n", "line 2"),
            ("admin-token-0123456789abcdef rw ../extra\n", "line 1"),
            ("\n\nadmin-token-0123456789abcdef superuser\n", "line 3"),
            ("admin-token-0123456789abcdef read ,\n", "line 1"),
            ("admin-token-0123456789abcdef rw\nadmin-token-0123456789abcdef ro\n", "line 2"),
            ("admin:token:0123456789abcdef rw\n", "line 1"),
        ]
        for (text, line) in cases {
            let path = try tokensFile(text)
            XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": path]), text) { error in
                let error = error as? ConfigurationError
                XCTAssertEqual(error?.variable, "GATEWAY_TOKENS_FILE")
                XCTAssertEqual(error?.value, path)
                XCTAssertTrue(error?.reason.hasPrefix("expected at \(line):") == true, "\(String(describing: error))")
                XCTAssertFalse(error?.description.contains("token:0123456789") == true, "\(String(describing: error))")
                XCTAssertFalse(error?.description.contains("token-0123456789") == true, "\(String(describing: error))")
            }
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: [
            "GATEWAY_TOKENS": "admin-token-0123456789abcdef rw,reader-token-0123456789abcdef",
        ])) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.variable, "GATEWAY_TOKENS")
            XCTAssertEqual(error?.value, "entry 2 (not shown)")
        }
    }

    func testUnreadableTokensFileNamesIt() throws {
        let missing = directory.appendingPathComponent("no-such-file").path
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": missing])) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.variable, "GATEWAY_TOKENS_FILE")
            XCTAssertEqual(error?.value, missing)
            XCTAssertTrue(error?.reason.contains("readable") == true, "\(String(describing: error))")
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TOKENS_FILE": directory.path])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.value, self.directory.path)
        }
    }
}

final class BrokerConnectorTests: XCTestCase {
    struct Refused: Error {}

    func testSpreadsConnectionsAndSkipsADownBroker() throws {
        let brokers: [GatewayConfiguration.BrokerAddress] = [.init(host: "a", port: 1), .init(host: "b", port: 2)]
        let attempts = LockedLog()
        let connector = BrokerConnector(brokers: brokers, cooldownMilliseconds: 60_000, logger: .discarding) { address in
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
        let connector = BrokerConnector(brokers: [.init(host: "a", port: 1)], logger: .discarding) { _ in throw Refused() }
        XCTAssertThrowsError(try connector.connect()) { XCTAssertTrue($0 is Refused) }
        // Even while cooling down, a lone broker is still tried (it may be back).
        XCTAssertThrowsError(try connector.connect())
    }
}
