import COpenSSL
import Foundation

/// Checks `Authorization: Bearer <JWT>` (RFC 7519, JWS compact serialization RFC 7515 §7.1)
/// and maps its claims to an `AccessGrant`.
///
/// Algorithms: HS256 with the shared secret, RS256 and ES256 with the public keys; each only
/// when a key of its kind is configured, so a token cannot pick the algorithm a key is used
/// with (no `none`, no HS256 "signed" with a public key). Claims: `exp` and `nbf` (RFC 7519
/// §4.1.4-5) with `leeway` seconds of clock skew either way, `aud` (§4.1.3) against the
/// configured audience; the scope claim (`read`, `write`, `admin`, space-separated as OAuth
/// scopes are, or a list) gives the level, the highest one named; the namespaces claim, when
/// present, the namespace limit.
public final class JWTVerifier: Sendable {
    public struct Settings: Sendable {
        /// HS256's key (at least 32 bytes, RFC 7518 §3.2).
        public var secret: [UInt8]?
        /// RS256 and ES256 keys.
        public var keys: [JSONWebKey] = []
        /// Accepted `aud` values; empty: a token that carries `aud` is refused (RFC 7519 §4.1.3).
        public var audiences: [String] = []
        /// Where the level is read from; dots walk into objects (`realm_access.roles`).
        public var scopeClaim = "scope"
        public var namespacesClaim = "namespaces"
        public var leewaySeconds: Double = 30

        public init() {}
    }

    /// Longer credentials are refused before anything is decoded.
    public static let maximumLength = 8192
    public static let minimumSecretLength = 32

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The grant `token` carries, or why it is refused.
    public func verify(_ token: [UInt8], now: Double) -> Result<AccessGrant, JWTError> {
        guard token.count <= Self.maximumLength else { return .failure(.tooLong) }
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
              let payloadBytes = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]),
              let header = Self.object(headerBytes), let claims = Self.object(payloadBytes) else {
            return .failure(.malformed)
        }
        guard header["crit"] == nil else { return .failure(.unsupportedCritical) }
        let signingInput = Array(token[..<parts[1].endIndex])
        switch checkSignature(header: header, signature: signature, signingInput: signingInput) {
        case .failure(let error): return .failure(error)
        case .success: break
        }
        return grant(claims, now: now)
    }

    private func checkSignature(header: [String: Any], signature: [UInt8],
                                signingInput: [UInt8]) -> Result<Void, JWTError> {
        guard let algorithm = header["alg"] as? String else { return .failure(.algorithmNotAccepted) }
        let kind: JSONWebKey.Kind
        switch algorithm {
        case "HS256":
            guard let secret = settings.secret else { return .failure(.algorithmNotAccepted) }
            return SHA256.constantTimeEqual(HMACSHA256.mac(key: secret, message: signingInput), signature)
                ? .success(()) : .failure(.badSignature)
        case "RS256": kind = .rsa
        case "ES256": kind = .ecP256
        default: return .failure(.algorithmNotAccepted)
        }
        var candidates = settings.keys.filter { $0.kind == kind }
        guard !candidates.isEmpty else { return .failure(.algorithmNotAccepted) }
        if let keyID = header["kid"] {
            guard let keyID = keyID as? String else { return .failure(.malformed) }
            candidates = candidates.filter { $0.keyID == nil || $0.keyID == keyID }
            guard !candidates.isEmpty else { return .failure(.noMatchingKey) }
        }
        return candidates.contains { $0.verify(signature: signature, of: signingInput) }
            ? .success(()) : .failure(.badSignature)
    }

    private func grant(_ claims: [String: Any], now: Double) -> Result<AccessGrant, JWTError> {
        let leeway = settings.leewaySeconds
        if let expiry = claims["exp"] {
            guard let expiry = Self.number(expiry) else { return .failure(.claimMalformed) }
            // RFC 7519 §4.1.4: the current time must be before the expiry.
            if now >= expiry + leeway { return .failure(.expired) }
        }
        if let notBefore = claims["nbf"] {
            guard let notBefore = Self.number(notBefore) else { return .failure(.claimMalformed) }
            if now + leeway < notBefore { return .failure(.notYetValid) }
        }
        if let audience = claims["aud"] {
            let named: [String]
            if let one = audience as? String {
                named = [one]
            } else if let list = audience as? [Any], let strings = list as? [String] {
                named = strings
            } else {
                return .failure(.claimMalformed)
            }
            guard named.contains(where: settings.audiences.contains) else { return .failure(.audienceMismatch) }
        } else if !settings.audiences.isEmpty {
            return .failure(.audienceMismatch)
        }
        var grant = AccessGrant(level: nil)
        if let scope = Self.claim(settings.scopeClaim, in: claims) {
            guard let names = Self.words(scope) else { return .failure(.claimMalformed) }
            grant.level = names.compactMap { AccessGrant.Level(name: $0) }.max()
        }
        if let limit = Self.claim(settings.namespacesClaim, in: claims) {
            guard let names = Self.words(limit) else { return .failure(.claimMalformed) }
            if names.isEmpty {
                grant.namespaces = []
            } else {
                switch AccessPolicy.namespaceLimit(names) {
                case .success(let paths): grant.namespaces = paths
                case .failure: return .failure(.claimMalformed)
                }
            }
        }
        return .success(grant)
    }

    /// A claim by name, or by a dotted path into nested objects.
    static func claim(_ path: String, in claims: [String: Any]) -> Any? {
        if let direct = claims[path] { return direct }
        var current: Any = claims
        for component in path.split(separator: ".") {
            guard let object = current as? [String: Any], let next = object[String(component)] else { return nil }
            current = next
        }
        return current
    }

    /// A string's space- or comma-separated words, or a list of strings; nil for anything else.
    static func words(_ value: Any) -> [String]? {
        if let text = value as? String {
            return text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        }
        if let list = value as? [Any] {
            var words: [String] = []
            for item in list {
                guard let word = item as? String else { return nil }
                words.append(word)
            }
            return words
        }
        return nil
    }

    static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        return nil
    }

    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }
}
