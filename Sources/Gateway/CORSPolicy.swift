import Foundation
import HTTPServer
import Support

/// Which web origins may call the gateway from a browser (`GATEWAY_CORS_ORIGINS`), following
/// the Fetch standard's CORS protocol (https://fetch.spec.whatwg.org/#http-cors-protocol).
/// Off by default: no CORS header is ever sent and `OPTIONS` stays a plain 405.
///
/// Origins are compared in their serialized form (Fetch, "ASCII serialization of an origin";
/// RFC 6454 §6.2): lower-case scheme and host, and no port when it is the scheme's default,
/// so `https://App.example.com:443` configured matches the browser's `https://app.example.com`.
public struct CORSPolicy: Sendable, Equatable {
    public enum AllowedOrigins: Sendable, Equatable {
        /// CORS off.
        case none
        /// `*`: every origin may read responses.
        case any
        /// Exactly these serialized origins.
        case only(Set<String>)
    }

    public var allowedOrigins: AllowedOrigins = .none

    public var isEnabled: Bool { allowedOrigins != .none }

    /// Response fields a browser script may read besides the CORS-safelisted ones.
    static let exposedHeaders =
        "X-Request-ID, Retry-After, WWW-Authenticate, Location, Link, traceparent, RateLimit, RateLimit-Policy"
    /// Request fields a preflight may ask for (lower case, as browsers send them); the W3C
    /// trace fields are what instrumented browser scripts add to their requests.
    static let allowedRequestHeaders: Set<String> = ["authorization", "content-type", "accept", "x-request-id",
                                                     "traceparent", "tracestate"]
    /// How long a browser may cache a preflight's answer, in seconds.
    static let preflightMaxAgeSeconds = 600

    public init(allowedOrigins: AllowedOrigins = .none) {
        self.allowedOrigins = allowedOrigins
    }

    /// The origins of a file (`GATEWAY_CORS_ORIGINS_FILE`): the same syntax as the variable,
    /// entries separated by commas or lines, `#` starting a comment.
    public init(originsFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw ConfigurationError(variable: "GATEWAY_CORS_ORIGINS_FILE", value: path,
                                     expected: "a readable UTF-8 file of origins (\((error as NSError).localizedDescription))")
        }
        let entries = text.split(separator: "\n").map { $0.prefix { $0 != "#" } }.joined(separator: ",")
        do {
            try self.init(origins: entries, variable: "GATEWAY_CORS_ORIGINS_FILE")
        } catch var error as ConfigurationError {
            error.value = path
            throw error
        }
    }

    /// Reads `*` or a comma-separated list of `scheme://host[:port]` origins; an empty value
    /// leaves CORS off. Anything else (a path, a query, user info, a bad port, `*` mixed with
    /// origins) is an error naming `variable`.
    public init(origins text: String, variable: String = "GATEWAY_CORS_ORIGINS") throws {
        let items = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        if text.trimmingWhitespace().isEmpty {
            self.init()
            return
        }
        let expected = "\"*\" or comma-separated origins like https://app.example.com or http://localhost:3000 "
            + "(scheme://host[:port], no path)"
        if items == ["*"] {
            self.init(allowedOrigins: .any)
            return
        }
        var origins: Set<String> = []
        for item in items {
            guard let origin = Self.serializedOrigin(item) else {
                throw ConfigurationError(variable: variable, value: text, expected: "\(expected); \"\(item)\" is not one")
            }
            origins.insert(origin)
        }
        guard !origins.isEmpty else { throw ConfigurationError(variable: variable, value: text, expected: expected) }
        self.init(allowedOrigins: .only(origins))
    }

    /// Whether a request whose `Origin` field is `origin` may read the response.
    public func allows(origin: String) -> Bool {
        switch allowedOrigins {
        case .none: return false
        case .any: return true
        case .only(let origins): return Self.serializedOrigin(origin).map(origins.contains) ?? false
        }
    }

    /// The request's single `Origin` field; several make it ambiguous, so none counts.
    static func origin(of request: HTTPRequest) -> String? {
        let values = request.headers.values(for: "Origin")
        return values.count == 1 ? values[0] : nil
    }

    /// A CORS-preflight request (Fetch §3.2.2): `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`.
    static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && origin(of: request) != nil
            && request.headers.contains("Access-Control-Request-Method")
    }

    /// A preflight from an allowed origin: answered without a token (a browser never sends
    /// credentials on a preflight, Fetch §4.8 "CORS-preflight fetch").
    func isAllowedPreflight(_ request: HTTPRequest) -> Bool {
        Self.isPreflight(request) && origin(allowedFor: request) != nil
    }

    /// The request's `Origin` when this policy allows it.
    func origin(allowedFor request: HTTPRequest) -> String? {
        guard isEnabled, let origin = Self.origin(of: request), allows(origin: origin) else { return nil }
        return origin
    }

    /// `scheme://host[:port]` in serialized form, or nil when `text` is not one. IPv6 hosts are
    /// bracketed; the default port (80 for http, 443 for https) is dropped.
    static func serializedOrigin(_ text: String) -> String? {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard let first = scheme.unicodeScalars.first, Self.isASCIILetter(first),
              scheme.unicodeScalars.allSatisfy({ isASCIILetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return nil }
        let authority = text[separator.upperBound...]
        // A path, query, fragment or user info makes it a URL, not an origin.
        guard !authority.isEmpty, !authority.contains(where: { "/?#@ \t\\".contains($0) }) else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
            guard host.count > 2, host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { return nil }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) })
            else { return nil }
        }
        var origin = scheme + "://" + host.lowercased()
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let port = Int(portText), (1...65535).contains(port) else { return nil }
            let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
            if !isDefault { origin += ":\(port)" }
        }
        return origin
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
