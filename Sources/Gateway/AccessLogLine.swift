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
            var line = LineCursor(buffer.baseAddress!)
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

/// Writes into memory measured beforehand (`AccessLogLine`), without checks per write.
private struct LineCursor {
    var next: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { next = start }

    mutating func put(_ text: StaticString) {
        next.initialize(from: text.utf8Start, count: text.utf8CodeUnitCount)
        next += text.utf8CodeUnitCount
    }

    /// Copies `text` when JSON needs no escape in it and it is ASCII (what `JSONWriter`
    /// writes as it is, too); false, with nothing written, otherwise.
    mutating func putPlain(_ text: String) -> Bool {
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard JSONWriter.isPlainASCII(bytes), let source = bytes.baseAddress else { return bytes.isEmpty }
            next.initialize(from: source, count: bytes.count)
            next += bytes.count
            return true
        }
        return copied ?? false
    }

    mutating func putDecimal(_ value: Int64) {
        if value < 0 {
            next.pointee = UInt8(ascii: "-")
            next += 1
        }
        putDigits(value.magnitude)
    }

    /// `value / 1000`, a point and three digits: milliseconds from microseconds (the
    /// duration) or seconds from milliseconds (the timestamp), as `JSONWriter.fixedPointString`.
    mutating func putFixedPoint(_ value: Int64) {
        if value < 0 {
            next.pointee = UInt8(ascii: "-")
            next += 1
        }
        let magnitude = value.magnitude
        putDigits(magnitude / 1_000)
        let fraction = magnitude % 1_000
        next[0] = UInt8(ascii: ".")
        next[1] = UInt8(ascii: "0") + UInt8(fraction / 100)
        next[2] = UInt8(ascii: "0") + UInt8(fraction / 10 % 10)
        next[3] = UInt8(ascii: "0") + UInt8(fraction % 10)
        next += 4
    }

    mutating func putHex(_ value: UInt64) {
        LowercaseHex.write(value, into: UnsafeMutableBufferPointer(start: next, count: 16), at: 0)
        next += 16
    }

    private mutating func putDigits(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalDigits.maximumCount) { digits in
            let end = digits.baseAddress! + DecimalDigits.maximumCount
            let start = DecimalDigits.write(value, endingAt: end)
            next.initialize(from: start, count: end - start)
            next += end - start
        }
    }
}
