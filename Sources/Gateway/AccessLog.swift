import HTTPServer

/// One structured line per request (JSON, to the sink the executable gives: stderr):
/// method, path, status, bytes, duration, request id, client address, and `auth`: the token's
/// class (`rw`, `ro`), `none` without one, `denied` when the guard refused it. Never the token.
struct AccessLog: Sendable {
    let sink: @Sendable (String) -> Void

    /// - Parameter auth: the request's class for the `auth` field.
    func record(_ exchange: HTTPExchangeRecord, auth: String, wallClockSeconds: Double) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("ts")
        json.string(formatSeconds(wallClockSeconds))
        json.field("msg", "request")
        if let request = exchange.request {
            json.field("method", request.method.rawValue)
            // The raw target, bounded: paths may carry row keys of any length.
            json.field("path", String(request.path.prefix(512)))
            json.field("client", request.context.clientAddress)
        } else {
            json.field("client", exchange.remoteAddress?.host ?? "-")
        }
        if let route = exchange.routePattern { json.field("route", route) }
        json.field("status", exchange.status.code)
        json.field("bytes", exchange.bytesSent)
        let (seconds, attoseconds) = exchange.duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        json.key("duration_ms")
        json.string(formatMilliseconds(milliseconds))
        json.field("auth", auth)
        if let requestID = exchange.request?.context.requestID ?? exchange.responseHeaders["X-Request-ID"],
           !requestID.isEmpty {
            json.field("request_id", requestID)
        }
        if let error = exchange.error { json.field("error", String(describing: error)) }
        json.endObject()
        sink(String(decoding: json.bytes, as: UTF8.self))
    }

    private func formatSeconds(_ value: Double) -> String {
        let whole = Int64(value)
        let millis = Int64((value - Double(whole)) * 1000)
        let fraction = String(millis)
        return "\(whole)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private func formatMilliseconds(_ value: Double) -> String {
        let micros = Int64((value * 1000).rounded())
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
