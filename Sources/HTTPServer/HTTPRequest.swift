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

    /// Splits a request-target into its form, raw path and raw query, by bytes (every request
    /// goes through here). An origin-form target without `?` or `#` is its own path, no copy.
    static func splitTarget(_ target: String, method: HTTPMethod)
        -> (form: TargetForm, path: String, query: String?) {
        if target == "*" { return (.asterisk, "*", nil) }
        var text = target
        return text.withUTF8 { bytes -> (TargetForm, String, String?) in
            let slash = UInt8(ascii: "/"), question = UInt8(ascii: "?"), hash = UInt8(ascii: "#")
            func string(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            var form = TargetForm.origin
            var start = 0
            if bytes.first != slash {
                guard let schemeEnd = Self.firstIndex(of: Array("://".utf8), in: bytes) else {
                    return (.authority, target, nil)
                }
                form = .absolute
                let afterScheme = schemeEnd + 3
                start = bytes[afterScheme...].firstIndex { $0 == slash || $0 == question } ?? bytes.count
            }
            // A fragment is not part of a request-target, but be lenient: drop it.
            let end = bytes[start...].firstIndex(of: hash) ?? bytes.count
            let mark = bytes[start..<end].firstIndex(of: question)
            let pathEnd = mark ?? end
            let query = mark.map { string(($0 + 1)..<end) }
            if start == 0 && pathEnd == bytes.count && form == .origin { return (form, target, query) }
            var path = string(start..<pathEnd)
            if path.isEmpty { path = "/" }
            if !path.hasPrefix("/") { path = "/" + path }
            return (form, path, query)
        }
    }

    private static func firstIndex(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if (1..<needle.count).allSatisfy({ bytes[index + $0] == needle[$0] }) { return index }
        }
        return nil
    }
}
