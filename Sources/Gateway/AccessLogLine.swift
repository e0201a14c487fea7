import HTTPServer
import Support

/// The access log's line for the common request, written in one pass into memory measured for
/// it beforehand: the same bytes as `JSONLogHandler.beginLine` and
/// `AccessRecord.writeFields` write through a `JSONWriter`, which checks capacity, uniqueness
/// and the separator for each of the line's dozen members (about 5,000 instructions per
/// request, a fifth of a health check). It declines, and the writer's path makes the line,
/// for any record out of the common case: an error to describe, a path cut at 512 bytes, or a
/// string with a byte to escape or beyond ASCII.
enum AccessLogLine {
    /// Longest path written here; longer ones are cut by the general path.
    static let longestPath = 512
    /// Room for everything but the strings: names and punctuation (161 bytes), the trace id
    /// (32) and four numbers of at most 20 digits, a sign and a point each (88), rounded up.
    private static let fixedRoom = 320

    /// Calls `body` with the line (no newline) and returns true, or returns false without
    /// calling it when the record needs the general path.
    /// Takes the exchange as it is (borrowed): an `AccessRecord` holding it would be a copy.
    static func write(_ exchange: HTTPExchangeRecord, auth: String, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard exchange.error == nil, let request = exchange.request else { return false }
        let path = request.path
        let method = request.method.rawValue, client = request.context.clientAddress
        let route = exchange.routePattern, requestID = AccessRecord.requestID(request, exchange)
        let pathCount = path.utf8.count
        guard pathCount <= longestPath else { return false }
        let room = fixedRoom + method.utf8.count + pathCount + client.utf8.count + (route?.utf8.count ?? 0)
            + auth.utf8.count + (requestID?.utf8.count ?? 0)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buffer in
            var line = RawJSONCursor(buffer.baseAddress!)
            line.put(#"{"ts":""#)
            line.putFixedPoint(JSONLogHandler.wallClockMilliseconds())
            line.put(#"","level":"info","msg":"request","method":""#)
            guard line.putPlain(method) else { return false }
            line.put(#"","path":""#)
            guard line.putPlain(path) else { return false }
            line.put(#"","client":""#)
            guard line.putPlain(client) else { return false }
            if let route {
                line.put(#"","route":""#)
                guard line.putPlain(route) else { return false }
            }
            line.put(#"","status":"#)
            line.putDecimal(Int64(exchange.status.code))
            line.put(#","bytes":"#)
            line.putDecimal(Int64(exchange.bytesSent))
            line.put(#","duration_ms":""#)
            line.putFixedPoint(AccessRecord.durationMicroseconds(exchange))
            line.put(#"","auth":""#)
            guard line.putPlain(auth) else { return false }
            if let requestID {
                line.put(#"","request_id":""#)
                guard line.putPlain(requestID) else { return false }
            }
            if let trace = request.context.trace {
                line.put(#"","trace_id":""#)
                line.putHex(trace.traceIDHigh)
                line.putHex(trace.traceIDLow)
            }
            line.put(#""}"#)
            let count = line.next - buffer.baseAddress!
            precondition(count <= room, "the access line outgrew its measured room")
            body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
            return true
        }
    }
}
