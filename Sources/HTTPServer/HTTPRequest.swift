import Sockets

/// A complete, parsed request: head, body and where it came from.
public struct HTTPRequest: Sendable {
    /// The form of the request-target (RFC 9112 §3.2).
    public enum TargetForm: Sendable, Equatable {
        case origin
        case absolute
        case authority
        case asterisk
    }

    public var method: HTTPMethod
    /// The request-target exactly as received.
    public var target: String
    public var targetForm: TargetForm
    /// The raw (still percent-encoded) path: `/ns/a%2Fb` (for absolute-form, the path part;
    /// `*` for asterisk-form; the authority for authority-form).
    public var path: String
    /// The raw query after `?`, without it; nil when the target has no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The whole body; empty when the route streams it (`bodyStream`).
    public var body: [UInt8]
    /// The body still on the wire, for a route registered with `streamingBody: true` and a
    /// request with `Content-Length` or `Transfer-Encoding`: read it with `read(max:)` before
    /// the handler returns (what is left unread then is drained or the connection closed; a
    /// response streamer cannot read it). nil for every other request (the body, if any, is
    /// in `body`).
    public var bodyStream: RequestBodyStream?
    public var remoteAddress: SocketAddress?
    /// Decided once when the head was complete (route, id, client, principal).
    public var context = HTTPRequestContext()
    /// Set by the parser for a streamed body, until the connection makes `bodyStream` from it.
    var streamedBody: StreamedBodyHead?

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                remoteAddress: SocketAddress? = nil) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        let parts = HTTPRequest.splitTarget(target, method: method)
        self.targetForm = parts.form
        self.path = parts.path
        self.query = parts.query
    }

    /// Decoded path segments, or nil when the path has a malformed `%` escape
    /// (or the target is not in origin or absolute form).
    public var pathSegments: [PathSegment]? {
        guard targetForm == .origin || targetForm == .absolute else { return nil }
        return PercentDecoding.pathSegments(path)
    }

    /// Decoded query items in order (`+` is a space).
    public var queryItems: [QueryItem] {
        guard let query else { return [] }
        return PercentDecoding.queryItems(query)
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the connection may carry another request after this one (RFC 9112 §9.3):
    /// `Connection: close` closes; HTTP/1.1 persists by default; HTTP/1.0 only with
    /// `Connection: keep-alive`.
    public var keepAlive: Bool {
        if !headers.contains("Connection") { return version.major == 1 && version.minor >= 1 }
        if headers.containsToken("close", in: "Connection") { return false }
        if version.major == 1 && version.minor >= 1 { return true }
        return headers.containsToken("keep-alive", in: "Connection")
    }

    /// True when `Accept-Encoding` admits gzip (RFC 9110 §12.5.3: `gzip`, `x-gzip` or `*`
    /// with a non-zero weight).
    public var acceptsGzip: Bool {
        var gzipWeight: Double?
        var starWeight: Double?
        for element in headers.listValues(for: "Accept-Encoding") {
            let parts = element.split(separator: ";").map { $0.trimmingHTTPWhitespace() }
            guard let coding = parts.first?.lowercased() else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingHTTPWhitespace() }
                if pair.count == 2, pair[0].lowercased() == "q" { weight = Double(pair[1]) ?? 0 }
            }
            if coding == "gzip" || coding == "x-gzip" { gzipWeight = weight }
            if coding == "*" { starWeight = weight }
        }
        if let gzipWeight { return gzipWeight > 0 }
        return (starWeight ?? 0) > 0
    }

    static func splitTarget(_ target: String, method: HTTPMethod)
        -> (form: TargetForm, path: String, query: String?) {
        if target == "*" { return (.asterisk, "*", nil) }
        var form = TargetForm.origin
        var rest = Substring(target)
        if !target.hasPrefix("/") {
            if let schemeEnd = rest.firstRange(of: "://") {
                form = .absolute
                let afterScheme = rest[schemeEnd.upperBound...]
                if let pathStart = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                    rest = afterScheme[pathStart...]
                } else {
                    rest = ""
                }
            } else {
                return (.authority, target, nil)
            }
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        // A fragment is not part of a request-target, but be lenient: drop it.
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let q = query, let hash = q.firstIndex(of: "#") { query = String(q[..<hash]) }
        var path = String(rest)
        if path.isEmpty { path = "/" }
        if !path.hasPrefix("/") { path = "/" + path }
        return (form, path, query)
    }
}
