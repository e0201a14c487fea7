#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Sockets
import Support

/// Writes one response onto a connection's transport with framing decided here: Content-Length
/// for complete bodies, chunked (or close-delimited) for streams, no body for HEAD, 1xx, 204
/// and 304, optional gzip.
struct HTTPResponseWriter {
    struct Outcome {
        var status: HTTPStatus
        /// The handler's fields as sent (sanitized, the writer's own framing fields aside).
        var headers: HTTPHeaders
        var bodyBytesSent = 0
        /// Whether the connection must close after this response.
        var close: Bool
        var error: (any Error)?
    }

    /// What the writer takes from the server's configuration: values only, so that a writer
    /// made per response retains nothing. Holding the whole configuration retained and
    /// released its strings and arrays on every response, objects every core shares.
    struct Settings: Sendable {
        var writeTimeout: Double
        var compression: Bool
        var compressStreams: Bool
        var compressionMinimumSize: Int

        init(_ configuration: HTTPServerConfiguration) {
            writeTimeout = configuration.writeTimeout
            compression = configuration.compression
            compressStreams = configuration.compressStreams
            compressionMinimumSize = configuration.compressionMinimumSize
        }
    }

    let transport: any ConnectionTransport
    let settings: Settings

    /// Writes `response` to `request` (nil for a parse-error reply). `keepAlive` is the
    /// connection's own decision; the response may still ask to close
    /// (`HTTPResponse.closeConnection`: a handler's own `Connection` field is dropped with the
    /// other fields the writer owns).
    func write(_ response: HTTPResponse, to request: HTTPRequest?, keepAlive: Bool) -> Outcome {
        var headers = Self.handlerFields(response.headers)
        var close = !keepAlive || response.closeConnection
        let isHead = request?.method == .head
        let status = response.status
        let version = request?.version ?? .http1_1

        switch response.body {
        case .bytes(var body):
            if !status.allowsBody {
                body = []
            } else if settings.compression, response.allowsCompression,
                      body.count >= settings.compressionMinimumSize,
                      !headers.contains("Content-Encoding"),
                      isCompressibleContentType(headers["Content-Type"]) {
                headers.add("Vary", "Accept-Encoding")
                if request?.acceptsGzip == true, !isHead, let compressed = GzipDeflater.gzip(body),
                   compressed.count < body.count {
                    body = compressed
                    headers.add("Content-Encoding", "gzip")
                }
            }
            let sendBody = !isHead && status.allowsBody
            // Head and body leave in one send, from one buffer holding both; the framing
            // fields are written straight into it, not added to a copy of the handler's fields.
            let head = ResponseHead(status: status, headers: headers,
                                    contentLength: status.allowsBody ? body.count : nil,
                                    connection: connectionField(close: close, version: version))
            var outcome = Outcome(status: status, headers: headers, close: close)
            do {
                try head.withBytes(followedBy: sendBody ? body : []) { (bytes) throws(HTTPServerError) in try send(bytes) }
                outcome.bodyBytesSent = sendBody ? body.count : 0
            } catch {
                outcome.error = error
                outcome.close = true
            }
            return outcome

        case .stream(let streamer):
            if isHead || !status.allowsBody {
                var outcome = Outcome(status: status, headers: headers, close: close)
                do {
                    try send(serializeHead(status: status, headers: headers,
                                           connection: connectionField(close: close, version: version)))
                } catch {
                    outcome.error = error
                    outcome.close = true
                }
                return outcome
            }
            // HTTP/1.0 has no chunked coding: delimit the body by closing (RFC 9112 §6.3 item 8).
            let chunked = !close && version != .http1_0
            if !chunked { close = true }
            var deflater: GzipDeflater?
            if settings.compression, settings.compressStreams, response.allowsCompression,
               !headers.contains("Content-Encoding"), isCompressibleContentType(headers["Content-Type"]) {
                headers.add("Vary", "Accept-Encoding")
                if request?.acceptsGzip == true, let gzip = GzipDeflater() {
                    deflater = gzip
                    headers.add("Content-Encoding", "gzip")
                }
            }
            var outcome = Outcome(status: status, headers: headers, close: close)
            if chunked { headers.add("Transfer-Encoding", "chunked") }
            let bodyWriter = StreamingBodyWriter(writer: self, chunked: chunked, deflater: deflater)
            do {
                try send(serializeHead(status: status, headers: headers,
                                       connection: connectionField(close: close, version: version)))
                try streamer(bodyWriter)
                try bodyWriter.finish()
            } catch {
                // A stream that failed half-way must not look complete: close without the last chunk.
                outcome.error = error
                outcome.close = true
            }
            outcome.bodyBytesSent = bodyWriter.bytesSent
            return outcome
        }
    }

    /// Sends every byte, each wait for buffer space bounded by the write timeout.
    func send(_ bytes: [UInt8]) throws(HTTPServerError) {
        // `withUnsafeBytes` rethrows untyped errors: the failure is carried out by hand.
        let failure: HTTPServerError? = bytes.withUnsafeBytes { buffer in
            do throws(HTTPServerError) { try send(buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Sends every byte of `buffer`, each wait for buffer space bounded by the write timeout.
    func send(_ buffer: UnsafeRawBufferPointer) throws(HTTPServerError) {
        do {
            var offset = 0
            while offset < buffer.count {
                let written = try transport.write(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                if written > 0 {
                    offset += written
                } else if try !transport.waitToWrite(until: .after(seconds: settings.writeTimeout)) {
                    throw SocketError.timedOut(operation: "write")
                }
            }
        } catch let error as SocketError {
            if case .timedOut = error { throw .writeTimedOut }
            throw .clientDisconnected(error)
        } catch {
            throw .clientDisconnected(.connectionClosed)
        }
    }

    /// The `Connection` field's value, when one is needed.
    private func connectionField(close: Bool, version: HTTPVersion) -> StaticString? {
        if close { return "close" }
        return version == .http1_0 ? "keep-alive" : nil
    }

    /// The handler's fields minus those the writer owns, with CR, LF and NUL made spaces. The
    /// common response has neither, and its fields are used as they are (no copy).
    static func handlerFields(_ fields: HTTPHeaders) -> HTTPHeaders {
        // The fields read where they are: iterating them copied each (a retain and a release
        // of its name and its value).
        let usable = fields.fields.withUnsafeBufferPointer { fields in
            for index in fields.indices {
                if isManaged(fields[index].name) || needsSanitizing(fields[index].name)
                    || needsSanitizing(fields[index].value) { return false }
            }
            return true
        }
        if usable { return fields }
        var headers = HTTPHeaders()
        for field in fields where !isManaged(field.name) {
            headers.add(sanitized(field.name), sanitized(field.value))
        }
        return headers
    }

    /// Header fields the writer owns; a handler's values for them are dropped.
    static let managedHeaderNames = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]

    /// Compared without lower-casing a copy of every name of every response; a name of
    /// another length is none of them.
    static func isManaged(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4, 10, 14, 17: return managedHeaderNames.contains { HTTPHeaders.equalNames($0, name) }
        default: return false
        }
    }

    private static func needsSanitizing(_ text: String) -> Bool {
        // Read in place (a native or small string always can be): `withUTF8` would need a
        // mutable copy, a retain and a release for each of a response's dozen names and values.
        text.utf8.withContiguousStorageIfAvailable(needsSanitizing) ?? text.utf8.contains(where: isBreaking)
    }

    private static func needsSanitizing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time: only from a word with a byte below 0x0E on is looked at closely.
        let start = WordBytes.passedPrefix(of: bytes) { WordBytes.containsByte(below: 0x0E, in: $0) }
        return bytes[start...].contains(where: isBreaking)
    }

    /// CR, LF or NUL: what may not appear in a field.
    private static func isBreaking(_ byte: UInt8) -> Bool {
        byte <= 0x0D && (byte == 0x0D || byte == 0x0A || byte == 0)
    }

    /// CR and LF in a field would split the response (header injection): make them spaces.
    static func sanitized(_ text: String) -> String {
        guard needsSanitizing(text) else { return text }
        return String(decoding: text.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}

/// A response head: the status line, `Date`, the header fields, `Content-Length` and
/// `Connection` when given, and the blank line. Measured first and written once into memory
/// of exactly that size: a dozen growing appends cost three times as much.
struct ResponseHead {
    let status: HTTPStatus
    let headers: HTTPHeaders
    var contentLength: Int?
    var connection: StaticString?

    /// The head's length in bytes with a `Date` value of `dateCount` bytes.
    func length(dateCount: Int) -> Int {
        var length = 9 + decimalDigitCount(status.code) + 1 + status.reasonPhrase.utf8.count + 8 + dateCount + 4
        for field in headers { length += 4 + field.name.utf8.count + field.value.utf8.count }
        if let contentLength { length += 18 + decimalDigitCount(contentLength) }
        if let connection { length += 14 + connection.utf8CodeUnitCount }
        return length
    }

    /// Writes the head, `length(dateCount: date.count)` bytes, at `out`.
    fileprivate func write(into out: inout ByteCursor, date: UnsafeBufferPointer<UInt8>) {
        out.put("HTTP/1.1 ")
        out.putDecimal(status.code)
        out.put(" ")
        out.put(status.reasonPhrase)
        out.put("\r\nDate: ")
        out.put(date)
        for field in headers {
            out.put("\r\n")
            out.put(field.name)
            out.put(": ")
            out.put(field.value)
        }
        if let contentLength {
            out.put("\r\nContent-Length: ")
            out.putDecimal(contentLength)
        }
        if let connection {
            out.put("\r\nConnection: ")
            out.put(connection)
        }
        out.put("\r\n\r\n")
    }

    /// Runs `body` with the head followed by `payload`, in this thread's scratch memory
    /// (`ResponseScratch`) when they fit, else in an array of their own: the common response
    /// allocates nothing for its bytes.
    func withBytes<Value>(followedBy payload: [UInt8],
                          _ body: (UnsafeRawBufferPointer) throws(HTTPServerError) -> Value) throws(HTTPServerError) -> Value {
        let date = HTTPDate.currentUTF8()
        let headLength = length(dateCount: date.count)
        let total = headLength + payload.count
        let scratch = ResponseScratch.bytes()
        if total <= scratch.count {
            var out = ByteCursor(scratch)
            write(into: &out, date: date)
            payload.withUnsafeBufferPointer { out.put($0) }
            precondition(out.offset == total, "the response head's measured length is wrong")
            return try body(UnsafeRawBufferPointer(start: scratch.baseAddress, count: total))
        }
        var bytes = serialized(date: date, reservingBody: payload.count)
        bytes.append(contentsOf: payload)
        // `withUnsafeBytes` rethrows untyped errors: the outcome is carried out by hand.
        let outcome: Result<Value, HTTPServerError> = bytes.withUnsafeBytes { buffer in
            do throws(HTTPServerError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// The head in an array with room for `reservingBody` more bytes.
    func serialized(date: UnsafeBufferPointer<UInt8>, reservingBody: Int = 0) -> [UInt8] {
        let length = length(dateCount: date.count)
        return [UInt8](unsafeUninitializedCapacity: length + reservingBody) { buffer, count in
            var out = ByteCursor(buffer)
            write(into: &out, date: date)
            precondition(out.offset == length, "the response head's measured length is wrong")
            count = out.offset
        }
    }
}

/// A response head (`ResponseHead`) in an array with room for `reservingBody` more bytes.
func serializeHead(status: HTTPStatus, headers: HTTPHeaders, contentLength: Int? = nil,
                   connection: StaticString? = nil, reservingBody: Int = 0) -> [UInt8] {
    ResponseHead(status: status, headers: headers, contentLength: contentLength, connection: connection)
        .serialized(date: HTTPDate.currentUTF8(), reservingBody: reservingBody)
}

/// Writes into uninitialized memory measured beforehand (`ResponseHead`).
fileprivate struct ByteCursor {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var offset = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(offset + bytes.count <= buffer.count)
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (buffer.baseAddress! + offset).initialize(from: source, count: bytes.count)
        offset += bytes.count
    }

    mutating func put(_ text: StaticString) { text.withUTF8Buffer { put($0) } }

    mutating func put(_ text: String) {
        // The view's own storage, copied at once (no string copy, as `withUTF8` would need);
        // a string without contiguous storage is copied by the view.
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { put($0) }
        if copied != nil { return }
        let count = text.utf8.count
        precondition(offset + count <= buffer.count)
        let written = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + count)]).initialize(from: text.utf8).1
        precondition(written == count)
        offset += count
    }

    mutating func putDecimal(_ value: Int) {
        let end = offset + decimalDigitCount(value)
        precondition(value >= 0 && end <= buffer.count)
        var rest = value
        var index = end
        repeat {
            index -= 1
            buffer[index] = 0x30 + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        offset = end
    }
}

private func decimalDigitCount(_ value: Int) -> Int {
    var count = 1, rest = value
    while rest >= 10 { rest /= 10; count += 1 }
    return count
}

/// The `ResponseBodyWriter` a streaming handler gets: every write goes out at once.
final class StreamingBodyWriter: ResponseBodyWriter {
    private let writer: HTTPResponseWriter
    private let chunked: Bool
    private let deflater: GzipDeflater?
    private(set) var bytesSent = 0
    private var failure: HTTPServerError?

    init(writer: HTTPResponseWriter, chunked: Bool, deflater: GzipDeflater?) {
        self.writer = writer
        self.chunked = chunked
        self.deflater = deflater
    }

    func write(_ bytes: [UInt8]) throws {
        if let failure { throw failure }
        guard !bytes.isEmpty else { return }  // an empty chunk would end the body
        let payload = deflater?.compress(bytes, flush: Z_SYNC_FLUSH) ?? bytes
        try sendPayload(payload)
    }

    /// Flushes the compressor and sends the last chunk (RFC 9112 §7.1).
    func finish() throws {
        if let failure { throw failure }
        if let deflater { try sendPayload(deflater.compress([], flush: Z_FINISH)) }
        if chunked { try sendRaw(Array("0\r\n\r\n".utf8)) }
    }

    private func sendPayload(_ payload: [UInt8]) throws {
        guard !payload.isEmpty else { return }
        if chunked {
            var framed = Array(String(payload.count, radix: 16).utf8)
            framed.reserveCapacity(framed.count + payload.count + 4)
            framed.append(contentsOf: [0x0D, 0x0A])
            framed.append(contentsOf: payload)
            framed.append(contentsOf: [0x0D, 0x0A])
            try sendRaw(framed)
        } else {
            try sendRaw(payload)
        }
        bytesSent += payload.count
    }

    private func sendRaw(_ bytes: [UInt8]) throws {
        do {
            try writer.send(bytes)
        } catch {
            failure = error
            throw error
        }
    }
}
