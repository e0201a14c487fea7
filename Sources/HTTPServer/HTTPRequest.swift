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

    /// The request's fields live in one reference, copied only when a shared copy is changed:
    /// a request passes through the parser, the state machine, the worker, the handler and the
    /// exchange record, and copying its fields (strings, headers, body, context: some 400
    /// bytes with a retain each) at every step cost more than the rest of a health probe.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        // Changed only through a uniquely referenced request (`unique`), so a change never
        // overlaps another access: the dynamic exclusivity checks (some 150 instructions per
        // access) are off.
        @exclusivity(unchecked) var method: HTTPMethod
        @exclusivity(unchecked) var target: String
        @exclusivity(unchecked) var targetForm: TargetForm
        @exclusivity(unchecked) var path: String
        @exclusivity(unchecked) var query: String?
        @exclusivity(unchecked) var version: HTTPVersion
        @exclusivity(unchecked) var headers: HTTPHeaders
        @exclusivity(unchecked) var body: [UInt8]
        @exclusivity(unchecked) var bodyStream: RequestBodyStream?
        @exclusivity(unchecked) var remoteAddress: SocketAddress?
        @exclusivity(unchecked) @usableFromInline var context = HTTPRequestContext()
        @exclusivity(unchecked) var streamedBody: StreamedBodyHead?

        init(method: HTTPMethod, target: String, targetForm: TargetForm, path: String, query: String?,
             version: HTTPVersion, headers: HTTPHeaders, body: [UInt8], remoteAddress: SocketAddress?) {
            self.method = method
            self.target = target
            self.targetForm = targetForm
            self.path = path
            self.query = query
            self.version = version
            self.headers = headers
            self.body = body
            self.remoteAddress = remoteAddress
        }

        func copy() -> Storage {
            let copy = Storage(method: method, target: target, targetForm: targetForm, path: path, query: query,
                               version: version, headers: headers, body: body, remoteAddress: remoteAddress)
            copy.bodyStream = bodyStream
            copy.context = context
            copy.streamedBody = streamedBody
            return copy
        }
    }

    @usableFromInline var storage: Storage

    /// The storage to change: this request's own (a copy first when another request shares it).
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    public var method: HTTPMethod {
        get { storage.method }
        set { unique.method = newValue }
    }
    /// The request-target exactly as received.
    public var target: String {
        get { storage.target }
        set { unique.target = newValue }
    }
    public var targetForm: TargetForm {
        get { storage.targetForm }
        set { unique.targetForm = newValue }
    }
    /// The raw (still percent-encoded) path: `/ns/a%2Fb` (for absolute-form, the path part;
    /// `*` for asterisk-form; the authority for authority-form).
    public var path: String {
        get { storage.path }
        set { unique.path = newValue }
    }
    /// The raw query after `?`, without it; nil when the target has no `?`.
    public var query: String? {
        get { storage.query }
        set { unique.query = newValue }
    }
    public var version: HTTPVersion {
        get { storage.version }
        set { unique.version = newValue }
    }
    public var headers: HTTPHeaders {
        get { storage.headers }
        _modify { yield &unique.headers }
        set { unique.headers = newValue }
    }
    /// The whole body; empty when the route streams it (`bodyStream`).
    public var body: [UInt8] {
        get { storage.body }
        _modify { yield &unique.body }
        set { unique.body = newValue }
    }
    /// The body still on the wire, for a route registered with `streamingBody: true` and a
    /// request with `Content-Length` or `Transfer-Encoding`: read it with `read(max:)` before
    /// the handler returns (what is left unread then is drained or the connection closed; a
    /// response streamer cannot read it). nil for every other request (the body, if any, is
    /// in `body`).
    public var bodyStream: RequestBodyStream? {
        get { storage.bodyStream }
        set { unique.bodyStream = newValue }
    }
    public var remoteAddress: SocketAddress? {
        get { storage.remoteAddress }
        set { unique.remoteAddress = newValue }
    }
    /// Decided once when the head was complete (route, id, client, principal).
    public var context: HTTPRequestContext {
        // Borrowed, not copied: `request.context.requestID` then copies one string, where a
        // getter copied the whole context (eight fields, a retain each) for every field read,
        // about ten times a request.
        // Inlinable: through an opaque accessor the caller still copied what was yielded.
        @inlinable _read { yield storage.context }
        _modify { yield &unique.context }
        set { unique.context = newValue }
    }
    /// Set by the parser for a streamed body, until the connection makes `bodyStream` from it.
    var streamedBody: StreamedBodyHead? {
        get { storage.streamedBody }
        set { unique.streamedBody = newValue }
    }

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                remoteAddress: SocketAddress? = nil) {
        let parts = HTTPRequest.splitTarget(target, method: method)
        storage = Storage(method: method, target: target, targetForm: parts.form, path: parts.path, query: parts.query,
                          version: version, headers: headers, body: body, remoteAddress: remoteAddress)
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
