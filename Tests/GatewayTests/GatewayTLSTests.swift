@testable import Gateway
import GatewayTestKit
import HTTPServer
import XCTest

/// `GATEWAY_TLS_CERT` / `GATEWAY_TLS_KEY`: both or neither, and the gateway then speaks HTTPS.
final class GatewayTLSTests: XCTestCase {
    func testNeitherVariableMeansPlainHTTP() throws {
        XCTAssertNil(try GatewayConfiguration(environment: [:]).tls)
    }

    func testBothVariablesConfigureTLS() throws {
        let configuration = try GatewayConfiguration(environment: [
            "GATEWAY_TLS_CERT": "/etc/gateway/chain.pem", "GATEWAY_TLS_KEY": "/etc/gateway/key.pem",
        ])
        XCTAssertEqual(configuration.tls, TLSConfiguration(certificateChainPath: "/etc/gateway/chain.pem",
                                                           privateKeyPath: "/etc/gateway/key.pem"))
    }

    func testOneVariableAloneIsAnError() {
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TLS_CERT": "/c.pem"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_TLS_KEY")
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_TLS_KEY": "/k.pem"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_TLS_CERT")
        }
    }

    func testGatewayServesHTTPSWithTheConfiguredCertificate() throws {
        let certificate = try HTTPSTestCertificate.generate()
        defer { certificate.remove() }
        let harness = try GatewayHarness { configuration in
            configuration.tls = TLSConfiguration(certificateChainPath: certificate.certificatePath,
                                                 privateKeyPath: certificate.privateKeyPath)
        }
        defer { harness.stop() }
        let client = try HTTPSTestClient(port: harness.port, trustedCertificatePath: certificate.certificatePath)
        XCTAssertEqual(try client.request("GET", "/health/live").status, 200)
        XCTAssertEqual(try client.request("GET", "/health/ready").status, 200)
    }

    func testGatewayWithAMissingKeyDoesNotStart() throws {
        let certificate = try HTTPSTestCertificate.generate()
        defer { certificate.remove() }
        let missing = certificate.directory + "/absent.pem"
        XCTAssertThrowsError(try GatewayHarness { configuration in
            configuration.tls = TLSConfiguration(certificateChainPath: certificate.certificatePath, privateKeyPath: missing)
        }) { error in
            guard case HTTPServerError.tls(.privateKeyFileUnreadable(let path, _)) = error else {
                return XCTFail("expected privateKeyFileUnreadable, got \(error)")
            }
            XCTAssertEqual(path, missing)
        }
    }
}
