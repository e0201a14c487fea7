import Foundation

/// Who may call the gateway: bearer tokens (RFC 6750), each with an `AccessGrant` (a level,
/// optionally limited to namespaces), and signed tokens (JWT) when a `JWTVerifier` is set.
/// No tokens and no JWT keys means no authentication at all (the default).
///
/// Tokens come from `GATEWAY_TOKENS_FILE` (one `<token> <level> [namespace,...]` per line,
/// level `read`, `write`, `admin` or the older `ro` and `rw`; `#` comments, blank lines
/// ignored; read at start and again on SIGHUP) and `GATEWAY_TOKENS` (the same entries separated
/// by commas, namespaces then separated by spaces). Only each token's SHA-256 digest is kept,
/// so no token can reach a log line or a `description`, and lookups compare digests in
/// constant time.
public struct AccessPolicy: Sendable, Equatable, CustomStringConvertible {
    /// The two grants tokens had before levels and namespaces: kept for callers that name them.
    public enum Access: String, Sendable {
        /// Everything (`AccessGrant.readWrite`).
        case readWrite = "rw"
        /// Read anywhere (`AccessGrant.readOnly`).
        case readOnly = "ro"

        public var grant: AccessGrant { self == .readWrite ? .readWrite : .readOnly }
    }

    /// What a bearer credential turned out to be.
    public enum Verdict: Sendable, Equatable {
        /// A configured token or a JWT that verifies, with the key per-credential state (the
        /// per-token rate limit) is kept under.
        case granted(AccessGrant, credential: CredentialKey)
        /// Not accepted; `reason` is safe to send as RFC 6750's `error_description` (no quote,
        /// no backslash, nothing from the token).
        case rejected(reason: String)
    }

    /// Shorter tokens are refused: a guessable secret is worse than none, because it looks safe.
    public static let minimumTokenLength = 16

    private struct Entry: Sendable, Equatable {
        let digest: [UInt8]
        let grant: AccessGrant
    }

    private var entries: [Entry] = []
    /// `GATEWAY_METRICS_PUBLIC`: serve `/metrics` without a token even when tokens are configured.
    public var metricsPublic = false
    /// `GATEWAY_JWT_*`: signed tokens are accepted when set.
    public var jwt: JWTVerifier?

    public init() {}

    /// A policy from tokens and their grants given in code (tests, embedding).
    public init(grants: [(token: String, grant: AccessGrant)], metricsPublic: Bool = false,
                jwt: JWTVerifier? = nil) throws {
        self.metricsPublic = metricsPublic
        self.jwt = jwt
        for (index, item) in grants.enumerated() {
            if let reason = add(token: item.token, grant: item.grant) {
                throw ConfigurationError(variable: "tokens", value: "entry \(index + 1) (not shown)", expected: reason)
            }
        }
    }

    /// A policy from tokens given in code (tests, embedding). Errors name the token's position,
    /// never the token.
    public init(tokens: [(token: String, access: Access)], metricsPublic: Bool = false) throws {
        self.metricsPublic = metricsPublic
        for (index, item) in tokens.enumerated() {
            if let reason = add(token: item.token, grant: item.access.grant) {
                throw ConfigurationError(variable: "tokens", value: "entry \(index + 1) (not shown)", expected: reason)
            }
        }
    }

    /// Authentication is on when at least one token or a JWT key is configured.
    public var isEnabled: Bool { !entries.isEmpty || jwt != nil }

    public var tokenCount: Int { entries.count }

    public var description: String {
        let byClass = Dictionary(grouping: entries, by: { $0.grant.description }).mapValues(\.count)
        let classes = byClass.keys.sorted().map { "\(byClass[$0] ?? 0) \($0)" }.joined(separator: ", ")
        return "AccessPolicy(\(classes.isEmpty ? "no tokens" : classes), jwt \(jwt == nil ? "off" : "on"), "
            + "metrics \(metricsPublic ? "public" : "protected"))"
    }

    public static func == (lhs: AccessPolicy, rhs: AccessPolicy) -> Bool {
        lhs.entries == rhs.entries && lhs.metricsPublic == rhs.metricsPublic && lhs.jwt === rhs.jwt
    }

    /// The grant of the token whose bytes are `candidate`, or nil for an unknown token.
    /// Every configured token is compared, each over its whole digest: the time taken says
    /// nothing about which token matched or how much of one a guess got right.
    public func grant(forToken candidate: [UInt8]) -> AccessGrant? {
        entry(forToken: candidate)?.grant
    }

    /// The grant of the token whose bytes are `candidate` and its position among the
    /// configured tokens (what per-token state is keyed by, so that no token is stored), or
    /// nil for an unknown token. Constant time as `grant(forToken:)`.
    public func entry(forToken candidate: [UInt8]) -> (index: Int, grant: AccessGrant)? {
        entry(forDigest: SHA256.hash(candidate))
    }

    private func entry(forDigest digest: [UInt8]) -> (index: Int, grant: AccessGrant)? {
        var found: (index: Int, grant: AccessGrant)?
        for (index, entry) in entries.enumerated() where SHA256.constantTimeEqual(entry.digest, digest) {
            found = (index, entry.grant)
        }
        return found
    }

    /// A bearer credential's verdict: a configured token first (a digest comparison), then,
    /// when JWT is on and the credential has a JWS compact form's two dots, a signed token.
    public func verdict(forBearer candidate: [UInt8], now: Double) -> Verdict {
        let digest = SHA256.hash(candidate)
        if let entry = entry(forDigest: digest) {
            return .granted(entry.grant, credential: CredentialKey(digest: digest, isSigned: false))
        }
        if let jwt, candidate.lazy.filter({ $0 == UInt8(ascii: ".") }).count == 2 {
            switch jwt.verify(candidate, now: now) {
            case .success(let grant): return .granted(grant, credential: CredentialKey(digest: digest, isSigned: true))
            case .failure(let error): return .rejected(reason: error.description)
            }
        }
        return .rejected(reason: "the bearer token is not valid")
    }

    // MARK: reading the settings

    /// Adds the entries of a tokens file. A file that cannot be read, or a malformed line, is a
    /// `ConfigurationError` naming the file and the line (never the line's text: it may hold a token).
    public mutating func load(tokensFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw ConfigurationError(variable: "GATEWAY_TOKENS_FILE", value: path,
                                     expected: "a readable UTF-8 file of \"<token> read|write|admin [namespace,...]\" lines (\(Self.reason(error)))")
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let reason = addEntry(line) {
                throw ConfigurationError(variable: "GATEWAY_TOKENS_FILE", value: path, expected: "at line \(index + 1): \(reason)")
            }
        }
    }

    /// Adds the comma-separated entries of `GATEWAY_TOKENS`. Errors name the entry by position:
    /// the variable's value holds tokens and is never repeated.
    public mutating func load(tokenList text: String) throws {
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            if let reason = addEntry(item) {
                throw ConfigurationError(variable: "GATEWAY_TOKENS", value: "entry \(index + 1) (not shown)", expected: reason)
            }
        }
    }

    static let entrySyntax = "\"<token> <level> [namespace,...]\" with level read, write, admin, ro or rw"

    /// One `<token> <level> [namespace,...]` entry (a blank or `#` comment is skipped); nil
    /// when it was fine, else why not.
    private mutating func addEntry(_ entry: Substring) -> String? {
        // `#` cannot occur in a token (RFC 6750 b64token), so it always starts a comment.
        let content = entry.prefix { $0 != "#" }
        let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.isEmpty { return nil }
        guard fields.count >= 2 else {
            return "\(Self.entrySyntax) (found 1 field)"
        }
        guard let level = AccessGrant.Level(name: String(fields[1])) else {
            return "\(Self.entrySyntax) (the level is none of these)"
        }
        var grant = AccessGrant(level: level)
        if fields.count > 2 {
            let names = fields.dropFirst(2).flatMap { $0.split(separator: ",") }
            switch Self.namespaceLimit(names.map(String.init)) {
            case .success(let limit): grant.namespaces = limit
            case .failure(let reason): return reason.text
            }
        }
        return add(token: String(fields[0]), grant: grant)
    }

    struct LimitError: Error { let text: String }

    /// Canonical namespace paths for a limit; nil (no limit) when one of them is the root.
    static func namespaceLimit(_ names: [String]) -> Result<[String]?, LimitError> {
        guard !names.isEmpty else { return .failure(LimitError(text: "at least one namespace after the level")) }
        var paths: [String] = []
        for name in names {
            guard let path = AccessGrant.canonicalNamespace(name) else {
                return .failure(LimitError(text: "namespaces without . or .. components (\"\(name)\" has one)"))
            }
            if path == "/" { return .success(nil) }
            if !paths.contains(path) { paths.append(path) }
        }
        return .success(paths)
    }

    private mutating func add(token: String, grant: AccessGrant) -> String? {
        guard token.utf8.count >= Self.minimumTokenLength else {
            return "a token of at least \(Self.minimumTokenLength) characters (this one has \(token.utf8.count))"
        }
        guard Self.isBearerTokenSyntax(Array(token.utf8)) else {
            return "a token of letters, digits and -._~+/ (optionally ending in =), as RFC 6750 b64token allows"
        }
        let digest = SHA256.hash(Array(token.utf8))
        guard !entries.contains(where: { $0.digest == digest }) else {
            return "each token listed once (this token appears earlier)"
        }
        entries.append(Entry(digest: digest, grant: grant))
        return nil
    }

    /// RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    static func isBearerTokenSyntax(_ bytes: [UInt8]) -> Bool {
        let body = bytes.reversed().drop { $0 == UInt8(ascii: "=") }
        guard !body.isEmpty else { return false }
        return body.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                 UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
