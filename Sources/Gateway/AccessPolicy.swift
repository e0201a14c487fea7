import Foundation

/// Who may call the gateway: bearer tokens (RFC 6750), each read-write or read-only.
/// No tokens means no authentication at all (the default, as before tokens existed).
///
/// Tokens come from `GATEWAY_TOKENS_FILE` (one `<token> rw|ro` per line, `#` comments, blank
/// lines ignored; read once at start) and `GATEWAY_TOKENS` (the same entries separated by
/// commas). Only each token's SHA-256 digest is kept, so no token can reach a log line or a
/// `description`, and lookups compare digests in constant time.
public struct AccessPolicy: Sendable, Equatable, CustomStringConvertible {
    /// What a token may do.
    public enum Access: String, Sendable {
        /// Everything.
        case readWrite = "rw"
        /// GET and HEAD anywhere, and POST of read statements to `/ns/{ns}/query`.
        case readOnly = "ro"
    }

    /// Shorter tokens are refused: a guessable secret is worse than none, because it looks safe.
    public static let minimumTokenLength = 16

    private struct Entry: Sendable, Equatable {
        let digest: [UInt8]
        let access: Access
    }

    private var entries: [Entry] = []
    /// `GATEWAY_METRICS_PUBLIC`: serve `/metrics` without a token even when tokens are configured.
    public var metricsPublic = false

    public init() {}

    /// A policy from tokens given in code (tests, embedding). Errors name the token's position,
    /// never the token.
    public init(tokens: [(token: String, access: Access)], metricsPublic: Bool = false) throws {
        self.metricsPublic = metricsPublic
        for (index, item) in tokens.enumerated() {
            if let reason = add(token: item.token, access: item.access) {
                throw ConfigurationError(variable: "tokens", value: "entry \(index + 1) (not shown)", expected: reason)
            }
        }
    }

    /// Authentication is on when at least one token is configured.
    public var isEnabled: Bool { !entries.isEmpty }

    public var tokenCount: Int { entries.count }

    public var description: String {
        let readOnly = entries.filter { $0.access == .readOnly }.count
        return "AccessPolicy(\(entries.count - readOnly) rw, \(readOnly) ro, metrics \(metricsPublic ? "public" : "protected"))"
    }

    /// The access of the token whose bytes are `candidate`, or nil for an unknown token.
    /// Every configured token is compared, each over its whole digest: the time taken says
    /// nothing about which token matched or how much of one a guess got right.
    public func access(forToken candidate: [UInt8]) -> Access? {
        entry(forToken: candidate)?.access
    }

    /// The access of the token whose bytes are `candidate` and its position among the
    /// configured tokens (what per-token state is keyed by, so that no token is stored), or
    /// nil for an unknown token. Constant time as `access(forToken:)`.
    public func entry(forToken candidate: [UInt8]) -> (index: Int, access: Access)? {
        let digest = SHA256.hash(candidate)
        var found: (index: Int, access: Access)?
        for (index, entry) in entries.enumerated() where SHA256.constantTimeEqual(entry.digest, digest) {
            found = (index, entry.access)
        }
        return found
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
                                     expected: "a readable UTF-8 file of \"<token> rw|ro\" lines (\(Self.reason(error)))")
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

    /// One `<token> rw|ro` entry (a blank or `#` comment is skipped); nil when it was fine,
    /// else why not.
    private mutating func addEntry(_ entry: Substring) -> String? {
        // `#` cannot occur in a token (RFC 6750 b64token), so it always starts a comment.
        let content = entry.prefix { $0 != "#" }
        let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.isEmpty { return nil }
        guard fields.count == 2 else {
            return "\"<token> rw\" or \"<token> ro\" (found \(fields.count) field\(fields.count == 1 ? "" : "s"))"
        }
        guard let access = Access(rawValue: fields[1].lowercased()) else {
            return "\"<token> rw\" or \"<token> ro\" (the access is neither rw nor ro)"
        }
        return add(token: String(fields[0]), access: access)
    }

    private mutating func add(token: String, access: Access) -> String? {
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
        entries.append(Entry(digest: digest, access: access))
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
