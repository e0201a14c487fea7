import Foundation
import Support

extension JWTVerifier {
    /// The verifier the `GATEWAY_JWT_*` variables describe, or nil when neither a secret nor a
    /// keys file is set (JWT off). Files are read here, at start and again on reload; a secret
    /// or key that is unusable is an error naming the variable (never the secret).
    ///
    /// - `GATEWAY_JWT_SECRET` or `GATEWAY_JWT_SECRET_FILE` (one trailing newline dropped): HS256.
    /// - `GATEWAY_JWT_KEYS_FILE`: RS256 and ES256 public keys, PEM or JWKS.
    /// - `GATEWAY_JWT_AUDIENCE`: comma-separated accepted `aud` values.
    /// - `GATEWAY_JWT_SCOPE_CLAIM` (default `scope`), `GATEWAY_JWT_NAMESPACES_CLAIM` (default
    ///   `namespaces`), `GATEWAY_JWT_LEEWAY` (seconds of clock skew, default 30, at most 600).
    public static func fromEnvironment(_ environment: [String: String]) throws -> JWTVerifier? {
        var settings = Settings()
        let secretText = environment["GATEWAY_JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let secretFile = environment["GATEWAY_JWT_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if secretText != nil && secretFile != nil {
            throw ConfigurationError(variable: "GATEWAY_JWT_SECRET_FILE", value: secretFile ?? "",
                                     expected: "unset, since GATEWAY_JWT_SECRET is set (one secret, from one place)")
        }
        if let secretText {
            settings.secret = Array(secretText.utf8)
        } else if let secretFile {
            var bytes = try read(secretFile, variable: "GATEWAY_JWT_SECRET_FILE", what: "the HS256 secret")
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            settings.secret = bytes
        }
        if let secret = settings.secret, secret.count < minimumSecretLength {
            throw ConfigurationError(variable: secretFile == nil ? "GATEWAY_JWT_SECRET" : "GATEWAY_JWT_SECRET_FILE",
                                     value: secretFile ?? "(not shown)",
                                     expected: "an HS256 secret of at least \(minimumSecretLength) bytes (this one has \(secret.count))")
        }
        if let path = environment["GATEWAY_JWT_KEYS_FILE"], !path.isEmpty {
            let bytes = try read(path, variable: "GATEWAY_JWT_KEYS_FILE", what: "PEM public keys or a JWKS document")
            do {
                settings.keys = try JSONWebKey.load(bytes)
            } catch {
                throw ConfigurationError(variable: "GATEWAY_JWT_KEYS_FILE", value: path,
                                         expected: "PEM public keys or a JWKS document of RSA (2048 bits or more) "
                                             + "and EC P-256 keys: \(error.reason)")
            }
        }
        guard settings.secret != nil || !settings.keys.isEmpty else { return nil }
        if let audience = environment["GATEWAY_JWT_AUDIENCE"] {
            settings.audiences = audience.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        for (variable, keyPath) in [("GATEWAY_JWT_SCOPE_CLAIM", \Settings.scopeClaim),
                                    ("GATEWAY_JWT_NAMESPACES_CLAIM", \Settings.namespacesClaim)] {
            if let name = environment[variable] {
                let trimmed = name.trimmingWhitespace()
                guard !trimmed.isEmpty else {
                    throw ConfigurationError(variable: variable, value: name, expected: "a claim name (dots walk into objects)")
                }
                settings[keyPath: keyPath] = trimmed
            }
        }
        if let text = environment["GATEWAY_JWT_LEEWAY"] {
            guard let value = Double(text.trimmingWhitespace()), value >= 0, value <= 600 else {
                throw ConfigurationError(variable: "GATEWAY_JWT_LEEWAY", value: text, expected: "seconds, 0 to 600")
            }
            settings.leewaySeconds = value
        }
        return JWTVerifier(settings: settings)
    }

    private static func read(_ path: String, variable: String, what: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigurationError(variable: variable, value: path,
                                     expected: "a readable file of \(what) (\((error as NSError).localizedDescription))")
        }
    }
}
