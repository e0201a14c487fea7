#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Sockets

/// Writes one response onto a connection's transport with framing decided here: Content-Length
/// for complete bodies, chunked (or close-delimited) for streams, no body for HEAD, 1xx, 204
/// and 304, optional gzip.
struct HTTPResponseWriter {
    struct Outcome {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var bodyBytesSent = 0
        /// Whether the connection must close after this response.
        var close: Bool
        var error: (any Error)?
    }

    let transport: any ConnectionTransport
    let configuration: HTTPServerConfiguration

    /// Writes `response` to `request` (nil for a parse-error reply). `keepAlive` is the
    /// connection's own decision; the response may still ask to close.
    func write(_ response: HTTPResponse, to request: HTTPRequest?, keepAlive: Bool) -> Outcome {
        var headers = HTTPHeaders()
        for field in response.headers where !Self.isManaged(field.name) {
            headers.add(Self.sanitized(field.name), Self.sanitized(field.value))
        }
        var close = !keepAlive || response.closeConnection
            || response.headers.containsToken("close", in: "Connection")
        let isHead = request?.method == .head
        let status = response.status
        let version = request?.version ?? .http1_1

        switch response.body {
        case .bytes(var body):
            if !status.allowsBody {
                body = []
            } else if configuration.compression, response.allowsCompression,
                      body.count >= configuration.compressionMinimumSize,
                      !headers.contains("Content-Encoding"),
                      isCompressibleContentType(headers["Content-Type"]) {
                headers.add("Vary", "Accept-Encoding")
                if request?.acceptsGzip == true, !isHead, let compressed = GzipDeflater.gzip(body),
                   compressed.count < body.count {
                    body = compressed
                    headers.add("Content-Encoding", "gzip")
                }
            }
            if status.allowsBody { headers.add("Content-Length", String(body.count)) }
            addConnectionHeader(&headers, close: close, version: version)
            let sendBody = !isHead && status.allowsBody
            // Head and body leave in one send, from one buffer sized for both.
            var bytes = serializeHead(status: status, headers: headers, reservingBody: sendBody ? body.count : 0)
            if sendBody { bytes.append(contentsOf: body) }
            var outcome = Outcome(status: status, headers: headers, close: close)
            do {
                try send(bytes)
                outcome.bodyBytesSent = sendBody ? body.count : 0
            } catch {
                outcome.error = error
                outcome.close = true
            }
            return outcome

        case .stream(let streamer):
            if isHead || !status.allowsBody {
                addConnectionHeader(&headers, close: close, version: version)
                var outcome = Outcome(status: status, headers: headers, close: close)
                do { try send(serializeHead(status: status, headers: headers)) } catch {
                    outcome.error = error
                    outcome.close = true
                }
                return outcome
            }
            // HTTP/1.0 has no chunked coding: delimit the body by closing (RFC 9112 §6.3 item 8).
            let chunked = !close && version != .http1_0
            if !chunked { close = true }
            var deflater: GzipDeflater?
            if configuration.compression, configuration.compressStreams, response.allowsCompression,
               !headers.contains("Content-Encoding"), isCompressibleContentType(headers["Content-Type"]) {
                headers.add("Vary", "Accept-Encoding")
                if request?.acceptsGzip == true, let gzip = GzipDeflater() {
                    deflater = gzip
                    headers.add("Content-Encoding", "gzip")
                }
            }
            if chunked { headers.add("Transfer-Encoding", "chunked") }
            addConnectionHeader(&headers, close: close, version: version)
            var outcome = Outcome(status: status, headers: headers, close: close)
            let bodyWriter = StreamingBodyWriter(writer: self, chunked: chunked, deflater: deflater)
            do {
                try send(serializeHead(status: status, headers: headers))
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
        do {
            var offset = 0
            try bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = try transport.write(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                    if written > 0 {
                        offset += written
                    } else if try !transport.socket.poll(events: transport.writeRetryEvents,
                                                         deadline: .after(seconds: configuration.writeTimeout)) {
                        throw SocketError.timedOut(operation: "write")
                    }
                }
            }
        } catch let error as SocketError {
            if case .timedOut = error { throw .writeTimedOut }
            throw .clientDisconnected(error)
        } catch {
            throw .clientDisconnected(.connectionClosed)
        }
    }

    private func addConnectionHeader(_ headers: inout HTTPHeaders, close: Bool, version: HTTPVersion) {
        if close {
            headers.add("Connection", "close")
        } else if version == .http1_0 {
            headers.add("Connection", "keep-alive")
        }
    }

    /// Header fields the writer owns; a handler's values for them are dropped.
    static let managedHeaderNames = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]

    /// Compared without lower-casing a copy of every name of every response.
    static func isManaged(_ name: String) -> Bool {
        managedHeaderNames.contains { HTTPHeaders.equalNames($0, name) }
    }

    /// CR and LF in a field would split the response (header injection): make them spaces.
    static func sanitized(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else { return text }
        return String(decoding: text.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}

/// Serializes a status line and header fields with `Date` and the blank line, in a buffer
/// with room for `reservingBody` more bytes.
func serializeHead(status: HTTPStatus, headers: HTTPHeaders, reservingBody: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(192 + headers.count * 48 + reservingBody)
    appendUTF8("HTTP/1.1 ", to: &bytes)
    appendUTF8(String(status.code), to: &bytes)
    bytes.append(0x20)
    appendUTF8(status.reasonPhrase, to: &bytes)
    appendUTF8("\r\nDate: ", to: &bytes)
    appendUTF8(HTTPDate.now(), to: &bytes)
    for field in headers {
        appendUTF8("\r\n", to: &bytes)
        appendUTF8(field.name, to: &bytes)
        appendUTF8(": ", to: &bytes)
        appendUTF8(field.value, to: &bytes)
    }
    appendUTF8("\r\n\r\n", to: &bytes)
    return bytes
}

/// Appends a string's UTF-8 with one copy (a native string is contiguous; the generic
/// `append(contentsOf: text.utf8)` walks it element by element).
@inline(__always)
func appendUTF8(_ text: String, to bytes: inout [UInt8]) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
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
