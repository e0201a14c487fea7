/// A response: status, header fields and a body that is either complete or streamed.
///
/// The server adds `Date`, `Content-Length` or `Transfer-Encoding`, and `Connection` itself;
/// those set by a handler are replaced.
public struct HTTPResponse: Sendable {
    /// Produces a streamed body by calling `write` on the writer it is given; runs on a worker
    /// thread and may block. Throwing after some bytes were sent aborts the connection
    /// (the client sees a truncated chunked body, never a false success).
    public typealias BodyStreamer = @Sendable (any ResponseBodyWriter) throws -> Void

    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(BodyStreamer)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body
    /// Close the connection after this response (and send a streamed body close-delimited
    /// rather than chunked).
    public var closeConnection = false
    /// Whether the server may gzip this body when the client accepts it
    /// (see `HTTPServerConfiguration.compression`).
    public var allowsCompression = true
    /// The route pattern that produced the response (`HTTPRouter` sets it): a low-cardinality
    /// label for metrics and logs.
    public var routePattern: String?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), stream: @escaping BodyStreamer) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// The complete body's bytes, or nil for a streamed body.
    public var bodyBytes: [UInt8]? {
        if case .bytes(let bytes) = body { return bytes }
        return nil
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response from already-encoded JSON.
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders(contentType: "application/json"), body: bytes)
    }

    /// An RFC 9457 `application/problem+json` response with `type`, `title`, `status`, `detail`.
    public static func problem(_ status: HTTPStatus, detail: String? = nil, title: String? = nil,
                               type: String = "about:blank") -> HTTPResponse {
        var json = "{\"type\":\(jsonString(type)),\"title\":\(jsonString(title ?? status.reasonPhrase)),"
        json += "\"status\":\(status.code)"
        if let detail { json += ",\"detail\":\(jsonString(detail))" }
        json += "}"
        return HTTPResponse(status: status, headers: ["Content-Type": "application/problem+json"],
                            body: Array(json.utf8))
    }
}

/// Writes a streamed body. Each `write` sends its bytes at once (one chunk in chunked
/// encoding), waiting for socket buffer space up to the server's write timeout, so a slow
/// client slows the producer instead of filling memory. Throws `HTTPServerError` when the client
/// went away or stalled past the timeout: stop producing and clean up.
public protocol ResponseBodyWriter: AnyObject {
    func write(_ bytes: [UInt8]) throws
}

extension ResponseBodyWriter {
    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }
}

/// Escapes a string as a JSON string literal (RFC 8259 §7).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
