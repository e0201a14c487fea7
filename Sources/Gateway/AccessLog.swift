import HTTPServer

/// One structured line per request (JSON, to the sink the executable gives: stderr):
/// method, path, status, bytes, duration, request id, trace id (W3C), client address, and `auth`: the token's
/// class (`rw`, `ro`), `none` without one, `denied` when the guard refused it. Never the token.
struct AccessLog: Sendable {
    let sink: @Sendable (String) -> Void

    /// - Parameter auth: the request's class for the `auth` field.
    func record(_ exchange: HTTPExchangeRecord, auth: String, wallClockSeconds: Double) {
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.staticKey("ts")
        json.fixedPointString(Int64((wallClockSeconds * 1000).rounded(.down)), fractionDigits: 3)
        json.staticField("msg", "request")
        if let method = exchange.request?.method, let path = exchange.request?.path,
           let client = exchange.request?.context.clientAddress {
            json.staticField("method", method.rawValue)
            // The raw target, bounded: paths may carry row keys of any length. Request-targets
            // are ASCII (the parser refuses other bytes), so a byte prefix cuts no character.
            json.staticField("path", path.utf8.count <= 512 ? path : String(decoding: path.utf8.prefix(512), as: UTF8.self))
            json.staticField("client", client)
        } else {
            json.staticField("client", exchange.remoteAddress?.host ?? "-")
        }
        if let route = exchange.routePattern { json.staticField("route", route) }
        json.staticField("status", exchange.status.code)
        json.staticField("bytes", exchange.bytesSent)
        let (seconds, attoseconds) = exchange.duration.components
        json.staticKey("duration_ms")
        json.fixedPointString(seconds * 1_000_000 + (attoseconds + 500_000_000_000) / 1_000_000_000_000, fractionDigits: 3)
        json.staticField("auth", auth)
        if let requestID = exchange.request?.context.requestID ?? exchange.responseHeaders["X-Request-ID"],
           !requestID.isEmpty {
            json.staticField("request_id", requestID)
        }
        if let trace = exchange.request?.context.trace { json.staticField("trace_id", trace.traceID) }
        if let error = exchange.error { json.staticField("error", String(describing: error)) }
        json.endObject()
        sink(String(decoding: json.bytes, as: UTF8.self))
    }
}
