import HTTPServer
import Logging

/// One structured record per request, at `info`, message `request`, whose fields are the
/// request's: method, path, route, status, bytes, duration, request id, trace id (W3C), client
/// address, and `auth`: the token's class (`rw`, `ro`), `none` without one, `denied` when the
/// guard refused it. Never the token.
///
/// Two outputs, one line format:
/// - through a swift-log `Logger`: the fields travel as one metadata value, `access`, which
///   `JSONLogHandler` writes as the line's own fields (`"method":"GET","path":...`) and
///   another handler gets as text (`method=GET path=/... status=200 ...`). One value rather
///   than a metadata entry per field: a dozen-entry `Logger.Metadata` per request measured
///   about 13,000 instructions, a quarter of a whole health check.
/// - straight into a `LogLineSink` (what the executable does, with the sink its
///   `JSONLogHandler` writes to): the same bytes `JSONLogHandler` would write, without the
///   `LogEvent`, the metadata dictionary and the handler call, which measured about 6,000
///   instructions per request, a tenth of a health check. Diagnostics stay on swift-log; this
///   is the one record made for every request.
struct AccessLog: Sendable {
    // One of the two outputs, or neither. Two optionals rather than an enum of both: reading
    // the sink is then a reference, where matching an enum case copied the `Logger` beside it.
    private let sink: (any LogLineSink)?
    private let logger: Logger?

    init(logger: Logger) {
        self.logger = logger
        sink = nil
    }

    /// Lines to `sink`, when `level` lets `info` records through.
    init(lines sink: any LogLineSink, level: Logger.Level) {
        self.sink = level <= .info ? sink : nil
        logger = nil
    }

    /// - Parameter auth: the request's class for the `auth` field.
    func record(_ exchange: HTTPExchangeRecord, auth: String) {
        if let sink {
            // The sink copies the line: it is written in memory that serves every request.
            if AccessLogLine.write(exchange, auth: auth, { sink.append(bytes: $0) }) { return }
            let record = AccessRecord(exchange: exchange, auth: auth)
            JSONWriter.withThreadBuffer { json in
                JSONLogHandler.beginLine(&json, level: .info, message: "request")
                record.writeFields(into: &json)
                json.endObject()
                json.withUnsafeBytes { sink.append(bytes: $0) }
            }
        } else if let logger {
            // Made before the call: the metadata closure then captures one reference, not the record.
            guard logger.logLevel <= .info else { return }
            let fields = AccessLogFields(AccessRecord(exchange: exchange, auth: auth))
            logger.info("request", metadata: ["access": .stringConvertible(fields)], source: "access")
        }
    }
}

/// The access log's fields as swift-log metadata (see `JSONLogFields`).
final class AccessLogFields: JSONLogFields, @unchecked Sendable {
    private let record: AccessRecord

    init(_ record: AccessRecord) {
        self.record = record
        super.init()
    }

    override func writeFields(into json: inout JSONWriter) { record.writeFields(into: &json) }

    override var description: String { record.description }
}

/// A request's access-log fields, written straight into the log line in a fixed order. It
/// keeps the exchange record as it is (one copy) and reads it only when written: taking each
/// field out up front measured twice the instructions.
struct AccessRecord {
    let exchange: HTTPExchangeRecord
    let auth: String

    func writeFields(into json: inout JSONWriter) {
        // One copy of the request, read field by field: each `exchange.request?.…` on a stored
        // record copies the whole request (measured five copies, 4,000 instructions).
        let request = exchange.request
        if let request {
            json.staticField("method", request.method.rawValue)
            // The raw target, bounded: paths may carry row keys of any length. Request-targets
            // are ASCII (the parser refuses other bytes), so a byte prefix cuts no character.
            let path = request.path
            json.staticField("path", path.utf8.count <= 512 ? path : String(decoding: path.utf8.prefix(512), as: UTF8.self))
            json.staticField("client", request.context.clientAddress)
        } else {
            json.staticField("client", exchange.remoteAddress?.host ?? "-")
        }
        if let route = exchange.routePattern { json.staticField("route", route) }
        json.staticField("status", exchange.status.code)
        json.staticField("bytes", exchange.bytesSent)
        json.staticKey("duration_ms")
        json.fixedPointString(durationMicroseconds, fractionDigits: 3)
        json.staticField("auth", auth)
        if let requestID = Self.requestID(request, exchange) { json.staticField("request_id", requestID) }
        if let trace = request?.context.trace { trace.withTraceIDUTF8 { json.staticField("trace_id", utf8: $0) } }
        if let error = exchange.error { json.staticField("error", String(describing: error)) }
    }

    var durationMicroseconds: Int64 { Self.durationMicroseconds(exchange) }

    /// The exchange's duration in whole microseconds, rounded (the line's `duration_ms` has three decimals).
    static func durationMicroseconds(_ exchange: HTTPExchangeRecord) -> Int64 {
        (exchange.durationNanoseconds + 500) / 1_000
    }

    static func requestID(_ request: HTTPRequest?, _ exchange: HTTPExchangeRecord) -> String? {
        guard let id = request?.context.requestID ?? exchange.responseHeaders["X-Request-ID"], !id.isEmpty else {
            return nil
        }
        return id
    }

    /// logfmt, for handlers that print metadata as text.
    var description: String {
        var parts: [String] = []
        if let request = exchange.request {
            parts += ["method=\(request.method.rawValue)", "path=\(request.path.utf8.prefix(512))",
                      "client=\(request.context.clientAddress)"]
        } else {
            parts.append("client=\(exchange.remoteAddress?.host ?? "-")")
        }
        if let route = exchange.routePattern { parts.append("route=\(route)") }
        parts += ["status=\(exchange.status.code)", "bytes=\(exchange.bytesSent)",
                  "duration_ms=\(LogFixedPoint(durationMicroseconds, fractionDigits: 3))", "auth=\(auth)"]
        if let requestID = Self.requestID(exchange.request, exchange) { parts.append("request_id=\(requestID)") }
        if let error = exchange.error { parts.append("error=\"\(error)\"") }
        return parts.joined(separator: " ")
    }
}
