@testable import Gateway
import XCTest

/// The verifier's pieces without a gateway: RFC 7515's own HS256 example (Appendix A.1)
/// and inputs that must fail cleanly. PyJWT's vectors against the running
/// gateway are in `InteropTests/JWTTests`.
final class JWTVerifierTests: XCTestCase {
    /// RFC 7515 Appendix A.1: the key and the token, `exp` 1300819380.
    static let exampleKey = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
    static let exampleToken = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    private func verifier(leeway: Double = 0) throws -> JWTVerifier {
        var settings = JWTVerifier.Settings()
        settings.secret = try XCTUnwrap(Base64URL.decode(ArraySlice(Self.exampleKey.utf8)))
        settings.leewaySeconds = leeway
        return JWTVerifier(settings: settings)
    }

    func testTheRFC7515ExampleVerifiesUntilItExpires() throws {
        let token = Array(Self.exampleToken.utf8)
        // No scope claim: authenticated, no level.
        XCTAssertEqual(try verifier().verify(token, now: 1_300_819_379), .success(AccessGrant(level: nil)))
        XCTAssertEqual(try verifier().verify(token, now: 1_300_819_380), .failure(.expired))
        XCTAssertEqual(try verifier(leeway: 30).verify(token, now: 1_300_819_400), .success(AccessGrant(level: nil)))
        // One changed signature byte, or payload byte, and it no longer verifies.
        var tampered = token
        tampered[tampered.count - 2] = UInt8(ascii: "A")
        XCTAssertEqual(try verifier().verify(tampered, now: 1_300_819_000), .failure(.badSignature))
        var payload = token
        payload[60] = payload[60] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertNotEqual(try verifier().verify(payload, now: 1_300_819_000), .success(AccessGrant(level: nil)))
    }

    func testMalformedInputsFailCleanly() throws {
        let verifier = try verifier()
        let header = "eyJhbGciOiJIUzI1NiJ9"  // {"alg":"HS256"}
        for text in ["", ".", "..", "a.b", "a.b.c.d", "\(header)..", "\(header).e30=.x", "\(header).W10.",
                     "e30.e30.", "bm90IGpzb24.e30.", "\(header).e30.+/+/"] {
            guard case .failure = verifier.verify(Array(text.utf8), now: 0) else {
                return XCTFail("accepted \(text)")
            }
        }
        XCTAssertEqual(verifier.verify([UInt8](repeating: UInt8(ascii: "a"), count: JWTVerifier.maximumLength + 1), now: 0),
                       .failure(.tooLong))
        // {"alg":"none"} with any signature, and RS256 with no public key configured.
        XCTAssertEqual(verifier.verify(Array("eyJhbGciOiJub25lIn0.e30.".utf8), now: 0), .failure(.algorithmNotAccepted))
        XCTAssertEqual(verifier.verify(Array("eyJhbGciOiJSUzI1NiJ9.e30.AAAA".utf8), now: 0), .failure(.algorithmNotAccepted))
    }

    func testScopeAndNamespaceClaimsMapToAGrant() {
        XCTAssertEqual(JWTVerifier.words("read  write,admin"), ["read", "write", "admin"])
        XCTAssertEqual(JWTVerifier.words(["a", "b"]), ["a", "b"])
        XCTAssertNil(JWTVerifier.words(["a", 1]))
        XCTAssertNil(JWTVerifier.words(7))
        let claims: [String: Any] = ["realm_access": ["roles": ["write"]], "a.b": "direct"]
        XCTAssertEqual(JWTVerifier.claim("realm_access.roles", in: claims) as? [String], ["write"])
        XCTAssertEqual(JWTVerifier.claim("a.b", in: claims) as? String, "direct")
        XCTAssertNil(JWTVerifier.claim("realm_access.groups", in: claims))
    }
}
