import HypertableClient

/// An RFC 9457 problem: what the client gets for every error, as `application/problem+json`.
/// `hypertableCode` / `hypertableName` carry the broker's `ClientException` code when there is one.
public struct Problem: Error, Sendable, Equatable {
    public var status: Int
    public var title: String
    public var detail: String
    /// A URI naming the kind of problem (RFC 9457 §3.1.1); relative, resolved against the gateway.
    public var type: String
    public var hypertableCode: Int32?
    public var hypertableName: String?
    /// Seconds for `Retry-After` (503 and 429 responses).
    public var retryAfter: Int?
    /// Extra members (e.g. `brokers_down` on a failed readiness probe).
    public var extra: [(String, String)]
    /// Extra integer members (e.g. `written` on a cell upload that failed part-way).
    public var extraIntegers: [(String, Int)] = []
    /// Extra response header fields (e.g. `Allow` on a 405).
    public var headers: [(String, String)] = []

    public init(status: Int, title: String, detail: String, type: String? = nil,
                hypertableCode: Int32? = nil, hypertableName: String? = nil,
                retryAfter: Int? = nil, extra: [(String, String)] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type ?? "/problems/" + title.lowercased().split(separator: " ").joined(separator: "-")
        self.hypertableCode = hypertableCode
        self.hypertableName = hypertableName
        self.retryAfter = retryAfter
        self.extra = extra
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.title == rhs.title && lhs.detail == rhs.detail
            && lhs.hypertableCode == rhs.hypertableCode && lhs.retryAfter == rhs.retryAfter
    }

    /// The JSON body; `instance` is the request path, `request_id` ties it to the log line and
    /// `trace_id` to the distributed trace (W3C Trace Context).
    public func jsonBody(instance: String?, requestID: String?, traceID: String? = nil) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", type)
        json.field("title", title)
        json.field("status", status)
        json.field("detail", detail)
        if let instance { json.field("instance", instance) }
        if let hypertableCode {
            json.field("hypertable_code", Int(hypertableCode))
        }
        if let hypertableName { json.field("hypertable_error", hypertableName) }
        if let requestID { json.field("request_id", requestID) }
        if let traceID { json.field("trace_id", traceID) }
        for (name, value) in extra { json.field(name, value) }
        for (name, value) in extraIntegers { json.field(name, value) }
        json.endObject()
        return json.bytes
    }

    // Common problems raised by the gateway itself.

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, title: "Bad Request", detail: detail)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, title: "Not Found", detail: detail)
    }

    public static func unsupportedMediaType(_ detail: String) -> Problem {
        Problem(status: 415, title: "Unsupported Media Type", detail: detail)
    }
}
