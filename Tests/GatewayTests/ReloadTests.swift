import Foundation
import Gateway
import GatewayTestKit
import HTTPServer
import XCTest

/// `Gateway.reload(environment:)`, the entry point SIGHUP calls: tokens, JWT keys, CORS
/// origins and the TLS identity are reread; a file that does not parse keeps every old
/// setting; connections opened before the reload keep working.
final class ReloadTests: XCTestCase {
    static let first = "first-token-0123456789abcdef"
    static let second = "second-token-0123456789abcdef"

    private var directory = ""
    private var harness: GatewayHarness?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        harness?.stop()
        harness = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func start(_ environment: [String: String]) throws -> GatewayHarness {
        let configuration = try GatewayConfiguration(environment: environment)
        let harness = try GatewayHarness { $0.accessPolicy = configuration.accessPolicy; $0.cors = configuration.cors }
        self.harness = harness
        return harness
    }

    private func get(_ client: HTTPTestClient, _ path: String = "/ns", token: String,
                     headers: [(String, String)] = []) throws -> HTTPTestResponse {
        try client.request("GET", path, headers: [("Authorization", "Bearer \(token)")] + headers)
    }

    func testNewTokensReplaceOldOnesAndOpenConnectionsKeepWorking() throws {
        let tokens = try write("tokens", "\(Self.first) rw\n")
        let environment = ["GATEWAY_TOKENS_FILE": tokens]
        let harness = try start(environment)
        let openBefore = try harness.client()
        XCTAssertEqual(try get(openBefore, token: Self.first).status, 200)
        XCTAssertEqual(try get(openBefore, token: Self.second).status, 401)

        _ = try write("tokens", "\(Self.second) ro /x\n")
        let summary = try harness.gateway.reload(environment: environment)
        XCTAssertEqual(summary.tokens, 1)

        // The connection opened before the reload carries on, under the new tokens.
        let response = try get(openBefore, "/ns/x", token: Self.second)
        XCTAssertEqual(response.status, 404, response.bodyText)  // allowed, and /x does not exist
        XCTAssertEqual(try get(openBefore, token: Self.first).status, 401)
        XCTAssertEqual(try get(openBefore, token: Self.second).status, 403)  // the root listing: limited token
        XCTAssertEqual(try get(try harness.client(), "/ns/x", token: Self.second).status, 404)
    }

    func testAFileThatDoesNotParseKeepsEveryOldSetting() throws {
        let tokens = try write("tokens", "\(Self.first) rw\n")
        let origins = try write("origins", "https://app.example.com\n")
        let keys = try write("keys.pem", "not a key\n")
        let environment = ["GATEWAY_TOKENS_FILE": tokens, "GATEWAY_CORS_ORIGINS_FILE": origins]
        let harness = try start(environment)
        let client = try harness.client()

        // A bad tokens line, bad CORS origins, an unreadable keys file: each refused, nothing changed.
        _ = try write("tokens", "\(Self.second) rw\n\(Self.first) superuser\n")
        XCTAssertThrowsError(try harness.gateway.reload(environment: environment)) { error in
            let error = error as? ConfigurationError
            XCTAssertEqual(error?.variable, "GATEWAY_TOKENS_FILE")
            XCTAssertTrue(error?.reason.contains("line 2") == true, "\(String(describing: error))")
        }
        _ = try write("tokens", "\(Self.second) rw\n")
        _ = try write("origins", "https://other.example.com/with/path\n")
        XCTAssertThrowsError(try harness.gateway.reload(environment: environment)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_CORS_ORIGINS_FILE")
        }
        _ = try write("origins", "https://other.example.com\n")
        var withKeys = environment
        withKeys["GATEWAY_JWT_KEYS_FILE"] = keys
        XCTAssertThrowsError(try harness.gateway.reload(environment: withKeys)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_JWT_KEYS_FILE")
        }
        XCTAssertEqual(try get(client, token: Self.first).status, 200)
        XCTAssertEqual(try get(client, token: Self.second).status, 401)
        let cors = try get(client, token: Self.first, headers: [("Origin", "https://app.example.com")])
        XCTAssertEqual(cors.header("Access-Control-Allow-Origin"), "https://app.example.com")

        // Once everything parses, all of it changes at once.
        try harness.gateway.reload(environment: environment)
        XCTAssertEqual(try get(client, token: Self.first).status, 401)
        let reloaded = try get(client, token: Self.second, headers: [("Origin", "https://other.example.com")])
        XCTAssertEqual(reloaded.status, 200)
        XCTAssertEqual(reloaded.header("Access-Control-Allow-Origin"), "https://other.example.com")
        let old = try get(client, token: Self.second, headers: [("Origin", "https://app.example.com")])
        XCTAssertNil(old.header("Access-Control-Allow-Origin"))
    }

    func testRemovingEveryTokenOnLoopbackTurnsAuthenticationOff() throws {
        let tokens = try write("tokens", "\(Self.first) rw\n")
        let environment = ["GATEWAY_TOKENS_FILE": tokens]
        let configuration = try GatewayConfiguration(environment: environment)
        let harness = try GatewayHarness { $0.accessPolicy = configuration.accessPolicy }
        self.harness = harness
        _ = try write("tokens", "# nobody\n")
        // On loopback an open gateway is allowed: the reload turns authentication off.
        try harness.gateway.reload(environment: environment)
        XCTAssertEqual(try harness.client().request("GET", "/ns").status, 200)
    }

    func testTLSIdentityIsReplacedForNewConnectionsOnly() throws {
        let first = try HTTPSTestCertificate.generate()
        let second = try HTTPSTestCertificate.generate()
        defer {
            first.remove()
            second.remove()
        }
        let certificate = directory + "/cert.pem", key = directory + "/key.pem", firstCopy = directory + "/first.pem"
        for (from, to) in [(first.certificatePath, certificate), (first.privateKeyPath, key), (first.certificatePath, firstCopy)] {
            try FileManager.default.copyItem(atPath: from, toPath: to)
        }
        let environment = ["GATEWAY_TLS_CERT": certificate, "GATEWAY_TLS_KEY": key]
        let harness = try GatewayHarness {
            $0.tls = TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        }
        self.harness = harness
        let openBefore = try HTTPSTestClient(port: harness.port, trustedCertificatePath: firstCopy)
        XCTAssertEqual(try openBefore.request("GET", "/health/live").status, 200)

        // A certificate that does not match the key: refused, the first identity stays.
        try FileManager.default.removeItem(atPath: certificate)
        try FileManager.default.copyItem(atPath: second.certificatePath, toPath: certificate)
        XCTAssertThrowsError(try harness.gateway.reload(environment: environment)) { error in
            guard case HTTPServerError.tls(.privateKeyMismatch) = error else {
                return XCTFail("\(error)")
            }
        }
        XCTAssertEqual(try HTTPSTestClient(port: harness.port, trustedCertificatePath: firstCopy)
            .request("GET", "/health/live").status, 200)

        // Both files replaced: new handshakes get the second identity, the open connection keeps the first.
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.copyItem(atPath: second.privateKeyPath, toPath: key)
        XCTAssertTrue(try harness.gateway.reload(environment: environment).tlsReloaded)
        XCTAssertEqual(try HTTPSTestClient(port: harness.port, trustedCertificatePath: second.certificatePath)
            .request("GET", "/health/live").status, 200)
        XCTAssertThrowsError(try HTTPSTestClient(port: harness.port, trustedCertificatePath: firstCopy)
            .request("GET", "/health/live"))
        XCTAssertEqual(try openBefore.request("GET", "/health/live").status, 200)
    }
}
