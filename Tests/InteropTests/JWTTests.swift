import Foundation
import Gateway
import GatewayTestKit
import XCTest

/// Signed tokens made by PyJWT (the reference library; `Tests/Interop/jwt_vectors.py`, at test
/// time so that `exp` and `nbf` are relative to now) against the real gateway and embedded
/// broker: HS256, RS256 and ES256 from a JWKS and from PEM, claims mapped to grants, and every
/// refusal a 401 with RFC 6750's `invalid_token` and a description.
final class JWTTests: XCTestCase {
    private var directory = ""
    private var tokens: [String: String] = [:]
    private var harness: GatewayHarness?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "jwt-vectors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try InteropTests.venvPython())
        process.arguments = [InteropTests.interopDirectory.appendingPathComponent("jwt_vectors.py").path, directory]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        tokens = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    override func tearDown() {
        harness?.stop()
        harness = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The gateway with the JWKS and the shared secret, roles from `realm_access.roles`,
    /// namespaces from `ns`, audience `hypertable-gateway`, 300 s of leeway; plus one static
    /// admin token to set up data.
    private func startWithJWKS() throws {
        try start([
            "GATEWAY_JWT_KEYS_FILE": directory + "/keys.jwks",
            "GATEWAY_JWT_SECRET_FILE": directory + "/secret",
            "GATEWAY_JWT_AUDIENCE": "hypertable-gateway",
            "GATEWAY_JWT_SCOPE_CLAIM": "realm_access.roles",
            "GATEWAY_JWT_NAMESPACES_CLAIM": "ns",
            "GATEWAY_JWT_LEEWAY": "300",
        ])
    }

    static let setupToken = "setup-token-0123456789abcdef"

    private func start(_ environment: [String: String]) throws {
        let policy = try GatewayConfiguration(environment: environment.merging(["GATEWAY_TOKENS": "\(Self.setupToken) rw"]) { a, _ in a })
            .accessPolicy
        let harness = try GatewayHarness { $0.accessPolicy = policy }
        self.harness = harness
        let client = try harness.client()
        for (method, path, body) in [("PUT", "/ns/j", ""), ("PUT", "/ns/k", ""),
                                     ("PUT", "/ns/j/tables/t", #"{"column_families": ["f"]}"#)] {
            let response = try client.request(method, path, headers: [("Authorization", "Bearer \(Self.setupToken)"),
                                                                      ("Content-Type", "application/json")], body: body)
            XCTAssertEqual(response.status, 201, response.bodyText)
        }
    }

    private func status(_ method: String, _ path: String, token name: String,
                        body: String = "") throws -> HTTPTestResponse {
        let token = try XCTUnwrap(tokens[name], name)
        // A fresh connection each time: a refused request with a body closes its connection.
        let client = try XCTUnwrap(harness).client()
        defer { client.close() }
        return try client.request(method, path, headers: [("Authorization", "Bearer \(token)"),
                                                          ("Content-Type", "application/json")], body: body)
    }

    private func assertRefused(_ name: String, because description: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let response = try status("GET", "/ns/j/tables", token: name)
        XCTAssertEqual(response.status, 401, "\(name): \(response.bodyText)", file: file, line: line)
        XCTAssertEqual(response.header("WWW-Authenticate"),
                       "Bearer realm=\"hypertable-gateway\", error=\"invalid_token\", error_description=\"\(description)\"",
                       name, file: file, line: line)
    }

    func testTokensFromTheReferenceLibraryMapTheirClaimsToGrants() throws {
        try startWithJWKS()
        let cell = #"[{"row": "r", "column_family": "f", "value": "v"}]"#
        // HS256 with the shared secret, role read.
        XCTAssertEqual(try status("GET", "/ns/j/tables", token: "hs_read").status, 200)
        XCTAssertEqual(try status("POST", "/ns/j/tables/t/cells", token: "hs_read", body: cell).status, 403)
        // RS256 by kid, role admin: DDL.
        XCTAssertEqual(try status("PUT", "/ns/made", token: "rs_admin").status, 201)
        // ES256 by kid, role write limited to /j.
        XCTAssertEqual(try status("POST", "/ns/j/tables/t/cells", token: "es_write_j", body: cell).status, 200)
        XCTAssertEqual(try status("GET", "/ns/k", token: "es_write_j").status, 403)
        XCTAssertEqual(try status("PUT", "/ns/j/u", token: "es_write_j").status, 403)
        // ES256 without kid: tried against the EC keys; an unknown role beside read is ignored.
        XCTAssertEqual(try status("GET", "/ns/k", token: "es_no_kid_read").status, 200)
        // No role the gateway knows: authenticated, allowed nothing.
        XCTAssertEqual(try status("GET", "/ns/j/tables", token: "rs_no_role").status, 403)
        // Expired a minute ago and valid in a minute: within the leeway.
        XCTAssertEqual(try status("GET", "/ns/j/tables", token: "rs_skewed").status, 200)
    }

    func testRefusedTokensAreUnauthorizedWithTheRFC6750Error() throws {
        try startWithJWKS()
        let cases: [(String, String)] = [
            ("alg_none", "the token's algorithm is not accepted"),
            ("alg_none_signed", "the token's algorithm is not accepted"),
            ("alg_hs512", "the token's algorithm is not accepted"),
            ("expired", "the token has expired"),
            ("not_yet_valid", "the token is not valid yet"),
            ("bad_signature_rs", "the token's signature does not verify"),
            ("bad_signature_hs", "the token's signature does not verify"),
            ("other_rsa_key", "the token's signature does not verify"),
            ("es_with_rsa_kid", "no configured key matches the token"),
            ("rs_signed_by_ec_kid", "no configured key matches the token"),
            ("unknown_kid", "no configured key matches the token"),
            ("wrong_audience", "the token's audience does not match"),
            ("no_audience", "the token's audience does not match"),
            ("critical", "the token names critical extensions"),
            ("exp_text", "a claim of the token has the wrong type"),
            ("malformed", "the token is not a well-formed JWT"),
            ("oversized", "the token is too long"),
        ]
        for (name, description) in cases {
            try assertRefused(name, because: description)
        }
    }

    func testPEMKeysWithoutASecretRefuseHS256AndUseTheDefaultClaims() throws {
        try start(["GATEWAY_JWT_KEYS_FILE": directory + "/keys.pem"])
        // RS256 and ES256 without kid, checked with the PEM keys; scope "read write".
        XCTAssertEqual(try status("POST", "/ns/j/tables/t/cells", token: "pem_rs_write",
                                  body: #"[{"row": "r", "column_family": "f", "value": "v"}]"#).status, 200)
        XCTAssertEqual(try status("PUT", "/ns/other", token: "pem_rs_write").status, 403)
        XCTAssertEqual(try status("GET", "/ns/j", token: "pem_es_read_j").status, 200)
        XCTAssertEqual(try status("GET", "/ns/k", token: "pem_es_read_j").status, 403)
        // Algorithm confusion: HS256 keyed with the public key's PEM; no secret is configured.
        try assertRefused("pem_hs_with_public_key", because: "the token's algorithm is not accepted")
        // Tokens carrying an audience when none is configured are refused (RFC 7519 §4.1.3).
        try assertRefused("rs_admin", because: "the token's audience does not match")
    }

    func testUnusableKeysStopTheConfiguration() throws {
        for (variable, file, expected) in [("GATEWAY_JWT_KEYS_FILE", "/small.pem", "RSA of at least 2048 bits"),
                                           ("GATEWAY_JWT_KEYS_FILE", "/secret", "no PEM"),
                                           ("GATEWAY_JWT_SECRET", "", "at least 32 bytes")] {
            let value = file.isEmpty ? "short-secret" : directory + file
            XCTAssertThrowsError(try GatewayConfiguration(environment: [variable: value])) { error in
                let error = error as? ConfigurationError
                XCTAssertEqual(error?.variable, variable)
                XCTAssertTrue(error?.reason.contains(expected) == true, "\(String(describing: error))")
                XCTAssertFalse(error?.description.contains("short-secret") == true, "\(String(describing: error))")
            }
        }
    }
}
