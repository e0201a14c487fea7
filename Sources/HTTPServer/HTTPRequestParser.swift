/// An incremental HTTP/1.1 request parser (RFC 9112).
///
/// Feed bytes as they arrive with `append`, then call `nextRequest()` until it returns nil
/// (more bytes needed). Pipelined requests come out one by one, in order. After a thrown
/// `HTTPParseError` the stream is unusable: answer `error.status` and close.
/// Line endings are CRLF only. RFC 9112 §2.2 lets a recipient accept a bare LF, and RFC 9110
/// §8.6 a Content-Length list of identical values; we refuse both (400, then close), because a proxy
/// in front of us that reads such a request differently would disagree with us about where it
/// ends, and the bytes after that point would be a request one of us never saw.
///
/// Every complete head is shown to `admit` before any byte of its body is consumed or a
/// `100 Continue` invited (RFC 9110 §10.1.1): it may refuse the request (`nextEvent()` then
/// gives `.refused`), or stream its body. A request whose body is streamed comes out as soon
/// as its head is complete, with its body framing in `streamedBody` and the body itself left
/// unread: the caller takes the buffered bytes (`takeUnconsumedBytes()`) and reads the rest
/// from the connection (`RequestBodyStream`), then hands back whatever follows the body.
public struct HTTPRequestParser: Sendable {
    /// What `admit` decides about a complete head.
    public enum HeadDecision: Sendable {
        /// Read the body (whole, or streamed by the handler) and hand the request on.
        case proceed(streamBody: Bool)
        /// Answer this at once; a body that was announced is never read.
        case refuse(HTTPResponse)
    }

    /// What the parser produced.
    public enum Event: Sendable {
        case request(HTTPRequest)
        /// `admit` refused the head. With `bodyPending` the body is still on the wire and the
        /// stream can no longer be parsed: answer and close.
        case refused(HTTPRequest, HTTPResponse, bodyPending: Bool)
    }

    public typealias Admission = @Sendable (inout HTTPRequest) -> HeadDecision

    public let limits: HTTPParserLimits
    /// Sees every complete head (and may annotate it, e.g. with its route), before its body.
    public let admit: Admission?

    private enum Phase: Sendable {
        case requestLine
        case headers
        case body
        case chunkedBody
    }

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var lines = LineScanner()
    private var phase = Phase.requestLine

    // The request being assembled.
    private var method = HTTPMethod.get
    private var target = ""
    private var version = HTTPVersion.http1_1
    private var headers = HTTPHeaders()
    private var framingFields = FramingFields()
    private var headerBytes = 0
    private var body: [UInt8] = []
    private var remaining = 0
    private var chunkedBody: ChunkedBodyDecoder
    private var continuePending = false
    /// The head as `admit` left it (annotations included), while its body is read.
    private var admitted: HTTPRequest?
    /// After a refusal whose body was announced: nothing more can be parsed.
    private var unusable = false

    public init(limits: HTTPParserLimits = HTTPParserLimits(), admit: Admission? = nil) {
        self.limits = limits
        self.admit = admit
        chunkedBody = Self.chunkedBodyDecoder(limits)
    }

    /// A parser that streams the bodies of the requests `streamsBody` names (method, raw path).
    public init(limits: HTTPParserLimits = HTTPParserLimits(),
                streamsBody: @escaping @Sendable (HTTPMethod, String) -> Bool) {
        self.init(limits: limits, admit: { head in .proceed(streamBody: streamsBody(head.method, head.path)) })
    }

    /// Trailers share the header section's budget, final empty line included.
    private static func chunkedBodyDecoder(_ limits: HTTPParserLimits) -> ChunkedBodyDecoder {
        ChunkedBodyDecoder(maxBodySize: limits.maxBodySize, maxTrailerSectionSize: limits.maxHeaderSectionSize,
                           countsTrailerSectionEnd: true)
    }

    /// Removes and returns every byte received but not yet consumed: after a request with a
    /// streamed body, its first body bytes (and maybe what follows it).
    public mutating func takeUnconsumedBytes() -> [UInt8] {
        let bytes = Array(buffer[readIndex...])
        buffer.removeAll(keepingCapacity: false)
        readIndex = 0
        lines.reset()
        return bytes
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// True once any byte of a request not yet returned has arrived (header-timeout clock).
    public var isMidRequest: Bool { phase != .requestLine || readIndex < buffer.count }

    /// True while the body of a request whose head is complete is being received.
    public var isReadingBody: Bool { phase != .requestLine && phase != .headers }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True once per request whose head said `Expect: 100-continue` and whose body has not
    /// fully arrived: the server should send `100 Continue` now (RFC 9110 §10.1.1).
    public mutating func takeContinueRequest() -> Bool {
        guard continuePending else { return false }
        continuePending = false
        return true
    }

    /// The next complete request, or nil when more bytes are needed (a refused head comes out
    /// as a request without its body).
    public mutating func nextRequest() throws(HTTPParseError) -> HTTPRequest? {
        switch try nextEvent() {
        case .request(let request)?: return request
        case .refused(let request, _, _)?: return request
        case nil: return nil
        }
    }

    /// The next complete request or refusal, or nil when more bytes are needed.
    public mutating func nextEvent() throws(HTTPParseError) -> Event? {
        if unusable { return nil }
        while true {
            switch phase {
            case .requestLine:
                guard let line = try takeLine(maxLength: limits.maxRequestLineLength)
                else { return nil }
                if line.isEmpty { continue }  // RFC 9112 §2.2: ignore empty lines (CRLF) before a request
                try parseRequestLine(line)
                phase = .headers
            case .headers:
                let budget = limits.maxHeaderSectionSize - headerBytes
                guard let line = try takeLine(maxLength: max(0, budget))
                else { return nil }
                headerBytes += line.count + 2
                if headerBytes > limits.maxHeaderSectionSize { throw headerSectionTooLarge() }
                if line.isEmpty {
                    if let event = try finishHead() { return event }
                    continue
                }
                try parseHeaderLine(line)
            case .body:
                let available = buffer.count - readIndex
                let take = min(available, remaining)
                if take > 0 {
                    body.append(contentsOf: buffer[readIndex..<readIndex + take])
                    readIndex += take
                    remaining -= take
                }
                guard remaining == 0 else { return nil }
                return .request(complete())
            case .chunkedBody:
                let step: ChunkedBodyDecoder.Step
                do throws(ChunkedBodyError) {
                    step = try chunkedBody.next(in: buffer, readIndex: &readIndex)
                } catch {
                    throw parseError(error)
                }
                switch step {
                case .needMoreBytes: return nil
                case .data(let range): body.append(contentsOf: buffer[range])
                // Trailer fields were consumed and dropped: nothing here needs them (RFC 9112 §7.1.2).
                case .done: return .request(complete())
                }
            }
        }
    }

    // MARK: lines

    /// The next line's bytes without its CRLF/LF, nil when incomplete; throws the phase's
    /// error for a line too long when more than `maxLength` bytes arrived without a line end.
    /// (The error is chosen here from the phase, not passed in as a closure: a closure over
    /// a method of `self` copied the whole parser for every line.)
    private mutating func takeLine(maxLength: Int) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        switch lines.takeLine(in: buffer, readIndex: &readIndex, maxLength: maxLength) {
        case .line(let range): return buffer[range]
        case .incomplete: return nil
        case .tooLong: throw phase == .requestLine ? requestLineTooLong() : headerSectionTooLarge()
        case .bareLineFeed:
            let part = phase == .requestLine ? "request line" : "header line"
            throw HTTPParseError(.bareLineFeed, "\(part) ends in a bare LF")
        }
    }

    private func requestLineTooLong() -> HTTPParseError {
        // A valid method followed by SP means the target is what overflowed.
        let prefix = buffer[readIndex..<min(buffer.count, readIndex + 64)]
        if let space = prefix.firstIndex(of: 0x20), space > readIndex,
           prefix[readIndex..<space].allSatisfy(isTokenByte) {
            return HTTPParseError(.uriTooLong, "request line exceeds \(limits.maxRequestLineLength) bytes")
        }
        return HTTPParseError(.badRequestLine, "request line exceeds \(limits.maxRequestLineLength) bytes")
    }

    private func headerSectionTooLarge() -> HTTPParseError {
        HTTPParseError(.headerSectionTooLarge, "header section exceeds \(limits.maxHeaderSectionSize) bytes")
    }

    /// Chunked framing errors keep the parser's kinds and statuses: 400, 413, and 431 for
    /// trailers, which count as a header section.
    private func parseError(_ error: ChunkedBodyError) -> HTTPParseError {
        switch error.kind {
        case .badChunk: return HTTPParseError(.badChunk, error.detail)
        case .bodyTooLarge: return HTTPParseError(.bodyTooLarge, error.detail)
        case .trailerSectionTooLarge: return headerSectionTooLarge()
        }
    }

    // MARK: head

    private mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
        // Split at the first two spaces by index: `split` built an array of three slices.
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20) else {
            throw HTTPParseError(.badRequestLine, "expected method, target and version")
        }
        let methodBytes = line[..<firstSpace], targetBytes = line[(firstSpace + 1)..<secondSpace]
        let versionBytes = line[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else {
            throw HTTPParseError(.badRequestLine, "method is not a token")
        }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(.badRequestLine, "request-target is empty or has forbidden bytes")
        }
        version = try parseVersion(versionBytes)
        method = methodBytes.withUnsafeBufferPointer(Self.commonMethod) ?? HTTPMethod(String(decoding: methodBytes, as: UTF8.self))
        target = String(decoding: targetBytes, as: UTF8.self)
        let first = targetBytes.first
        if first == UInt8(ascii: "*") {
            guard targetBytes.count == 1, method == .options else {
                throw HTTPParseError(.badRequestLine, "asterisk-form is only for OPTIONS")
            }
        } else if first != UInt8(ascii: "/") {
            let isAbsolute = target.contains("://")
            guard isAbsolute || method == .connect else {
                throw HTTPParseError(.badRequestLine, "request-target must be origin-form or absolute-form")
            }
        }
        headers = HTTPHeaders(capacity: 8)
        framingFields = FramingFields()
        headerBytes = 0
    }

    /// The methods the gateway serves, as literals when `bytes` spell one (methods are
    /// case-sensitive, RFC 9110 §9.1): no string decoded for them.
    private static func commonMethod(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod? {
        switch bytes.count {
        case 3: return bytesSpell(bytes, "GET") ? .get : bytesSpell(bytes, "PUT") ? .put : nil
        case 4: return bytesSpell(bytes, "POST") ? .post : bytesSpell(bytes, "HEAD") ? .head : nil
        case 6: return bytesSpell(bytes, "DELETE") ? .delete : nil
        case 7: return bytesSpell(bytes, "OPTIONS") ? .options : nil
        default: return nil
        }
    }

    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive, RFC 9112 §2.3)
        let start = bytes.startIndex
        guard bytes.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
              bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
              bytes[start + 4] == UInt8(ascii: "/"), bytes[start + 6] == UInt8(ascii: "."),
              isDigit(bytes[start + 5]), isDigit(bytes[start + 7]) else {
            throw HTTPParseError(.badRequestLine, "malformed HTTP-version")
        }
        let major = Int(bytes[start + 5] - 0x30), minor = Int(bytes[start + 7] - 0x30)
        guard major == 1 else {
            throw HTTPParseError(.unsupportedVersion, "HTTP/\(major).\(minor) is not supported")
        }
        return HTTPVersion(major: 1, minor: minor)
    }

    private mutating func parseHeaderLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) {
        // One pass over the line's bytes in place: every request's fields come through here.
        let field: (name: String, value: String, framing: FramingFields.Name?)? = try line.withUnsafeBufferPointer {
            line throws(HTTPParseError) in
            guard let firstByte = line.first else { return nil }
            if firstByte == 0x20 || firstByte == 0x09 {
                throw HTTPParseError(.obsoleteLineFolding, "obs-fold (line folding) is not accepted")
            }
            var colon = 0, nameIsToken = true
            while colon < line.count, line[colon] != UInt8(ascii: ":") {
                nameIsToken = nameIsToken && isTokenByte(line[colon])
                colon += 1
            }
            guard colon < line.count else { throw HTTPParseError(.badHeaderField, "header field without a colon") }
            guard colon > 0, nameIsToken else { throw HTTPParseError(.badHeaderField, "field name is not a token") }
            var start = colon + 1, end = line.count
            while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
            while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
            var valueIsField = true, allBytes: UInt8 = 0
            for index in start..<end {
                valueIsField = valueIsField && isFieldValueByte(line[index])
                allBytes |= line[index]
            }
            guard valueIsField else { throw HTTPParseError(.badHeaderField, "field value has a forbidden byte") }
            let nameBytes = UnsafeBufferPointer(rebasing: line[..<colon])
            let valueBytes = UnsafeBufferPointer(rebasing: line[start..<end])
            let value = allBytes < 0x80 ? String(decoding: valueBytes, as: UTF8.self) : fieldValueString(valueBytes)
            let framing = FramingFields.Name(nameBytes)
            return (framing?.spelling(nameBytes) ?? String(decoding: nameBytes, as: UTF8.self), value, framing)
        }
        guard let field else { return }
        guard headers.count < limits.maxHeaderCount else {
            throw HTTPParseError(.tooManyHeaderFields, "more than \(limits.maxHeaderCount) header fields")
        }
        if let name = field.framing { framingFields.note(name, value: field.value) }
        headers.add(field.name, field.value)
    }

    /// The fields the head's framing depends on, noted as each line is parsed (its name
    /// compared in place, as bytes), so finishing the head looks nothing up in `headers`.
    private struct FramingFields {
        var hosts = 0
        var contentLengths = 0
        var firstContentLength: String?
        var hasTransferEncoding = false
        var firstExpect: String?

        /// A field name framing depends on, recognized from its bytes in any letter case.
        enum Name {
            case host, expect, contentLength, transferEncoding

            init?(_ name: UnsafeBufferPointer<UInt8>) {
                switch name.count {
                case 4 where Self.name(name, is: "host"): self = .host
                case 6 where Self.name(name, is: "expect"): self = .expect
                case 14 where Self.name(name, is: "content-length"): self = .contentLength
                case 17 where Self.name(name, is: "transfer-encoding"): self = .transferEncoding
                default: return nil
                }
            }

            /// The name as clients commonly spell it, when `bytes` spell it so: a literal
            /// `String` instead of one decoded from the bytes.
            func spelling(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
                switch self {
                case .host: return bytesSpell(bytes, "Host") ? "Host" : nil
                case .expect: return bytesSpell(bytes, "Expect") ? "Expect" : nil
                case .contentLength: return bytesSpell(bytes, "Content-Length") ? "Content-Length" : nil
                case .transferEncoding: return bytesSpell(bytes, "Transfer-Encoding") ? "Transfer-Encoding" : nil
                }
            }

            /// `name` (token bytes only, already checked) spells `lowercase`, letter case aside:
            /// among token bytes, only a letter's two cases become the same byte with 0x20 set.
            private static func name(_ name: UnsafeBufferPointer<UInt8>, is lowercase: StaticString) -> Bool {
                let expected = lowercase.utf8Start
                for index in 0..<name.count where name[index] | 0x20 != expected[index] { return false }
                return true
            }
        }

        mutating func note(_ name: Name, value: String) {
            switch name {
            case .host: hosts += 1
            case .expect: if firstExpect == nil { firstExpect = value }
            case .contentLength:
                contentLengths += 1
                if firstContentLength == nil { firstContentLength = value }
            case .transferEncoding: hasTransferEncoding = true
            }
        }
    }

    /// Decides the body's framing (RFC 9112 §6.3) and asks `admit`; returns the request when
    /// it has no body or streams it, or the refusal.
    private mutating func finishHead() throws(HTTPParseError) -> Event? {
        let hosts = framingFields.hosts
        if hosts > 1 { throw HTTPParseError(.multipleHosts, "more than one Host field") }
        if hosts == 0 && version == .http1_1 {
            throw HTTPParseError(.missingHost, "HTTP/1.1 request without Host")
        }
        let framing = try bodyFraming()
        var head = HTTPRequest(method: method, target: target, version: version, headers: headers)
        let decision = admit?(&head) ?? .proceed(streamBody: false)
        let hasBody: Bool
        switch framing {
        case .none: hasBody = false
        case .length(let length): hasBody = length > 0
        case .chunked: hasBody = true
        }
        if case .refuse(let response) = decision {
            reset()
            if hasBody { unusable = true }
            return .refused(head, response, bodyPending: hasBody)
        }
        // A streaming route streams whatever framing its request has, an empty body too.
        let framed: Bool
        if case .none = framing { framed = false } else { framed = true }
        let streams = framed && { if case .proceed(streamBody: true) = decision { return true } else { return false } }()
        body = []
        switch framing {
        case .none:
            admitted = consume head
            return .request(complete())
        case .chunked where streams:
            return .request(completeStreamed(head, .chunked))
        case .chunked:
            admitted = consume head
            chunkedBody = Self.chunkedBodyDecoder(limits)
            phase = .chunkedBody
            continuePending = expectsContinue
            return nil
        case .length(let length) where streams:
            guard length <= limits.maxStreamedBodySize else {
                throw HTTPParseError(.bodyTooLarge, "Content-Length \(length) exceeds \(limits.maxStreamedBodySize) bytes")
            }
            return .request(completeStreamed(head, .length(length)))
        case .length(let length):
            guard length <= limits.maxBodySize else {
                throw HTTPParseError(.bodyTooLarge, "Content-Length \(length) exceeds \(limits.maxBodySize) bytes")
            }
            admitted = consume head
            if length == 0 { return .request(complete()) }
            remaining = length
            body.reserveCapacity(length)
            phase = .body
            continuePending = expectsContinue && readIndex >= buffer.count
            return nil
        }
    }

    private enum Framing { case none, length(Int), chunked }

    /// RFC 9112 §6.3: Transfer-Encoding (chunked last, once), else Content-Length, else none.
    private func bodyFraming() throws(HTTPParseError) -> Framing {
        let contentLengths = framingFields.contentLengths
        let hasContentLength = contentLengths > 0
        if framingFields.hasTransferEncoding {
            let transferCodings = headers.listValues(for: "Transfer-Encoding").map { $0.lowercased() }
            // A request with both is a smuggling vector; we are not a proxy, so refuse (§6.1).
            if hasContentLength {
                throw HTTPParseError(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding")
            }
            if version == .http1_0 {
                throw HTTPParseError(.badTransferEncoding, "Transfer-Encoding in an HTTP/1.0 request")
            }
            guard transferCodings.last == "chunked" else {
                throw HTTPParseError(.badTransferEncoding, "chunked is not the final transfer coding")
            }
            guard transferCodings.count == 1 else {
                if transferCodings.filter({ $0 == "chunked" }).count > 1 {
                    throw HTTPParseError(.badTransferEncoding, "chunked applied more than once")
                }
                throw HTTPParseError(.unsupportedTransferCoding, "unsupported transfer coding \(transferCodings[0])")
            }
            return .chunked
        }
        guard let firstContentLength = framingFields.firstContentLength else { return .none }
        guard contentLengths == 1 else {
            throw HTTPParseError(.multipleContentLength, "Content-Length appears more than once")
        }
        return .length(try Self.contentLength(firstContentLength))
    }

    /// The head of a request whose body the caller streams; the parser waits for the next request.
    private mutating func completeStreamed(_ head: HTTPRequest, _ framing: RequestBodyFraming) -> HTTPRequest {
        let expectsContinue = self.expectsContinue
        admitted = head
        var request = complete()
        request.streamedBody = StreamedBodyHead(framing: framing, expectsContinue: expectsContinue)
        return request
    }

    private var expectsContinue: Bool {
        version == .http1_1 && framingFields.firstExpect.map { HTTPHeaders.equalNames($0, "100-continue") } == true
    }

    /// Content-Length = 1*DIGIT, in exactly one field line. RFC 9110 §8.6 lets a recipient
    /// accept a list or repeated field of identical values; we refuse them, as a proxy
    /// in front may pick a different value or reject where we accept (see the type's comment).
    /// The value of the one `Content-Length` field (RFC 9112 §6.3): a list is refused as
    /// several lengths, anything but digits as no number; more than 18 digits, which no limit
    /// allows, is `Int.max`. One pass over the bytes.
    private static func contentLength(_ field: String) throws(HTTPParseError) -> Int {
        var hasComma = false, allDigits = true, count = 0, value = 0
        for byte in field.utf8 {
            if byte == UInt8(ascii: ",") {
                hasComma = true
            } else if !isDigit(byte) {
                allDigits = false
            } else if count < 18 {
                value = value * 10 + Int(byte - 0x30)
            }
            count += 1
        }
        if hasComma { throw HTTPParseError(.multipleContentLength, "Content-Length is a list") }
        guard count > 0, allDigits else {
            throw HTTPParseError(.badContentLength, "Content-Length is not a number")
        }
        return count <= 18 ? value : Int.max
    }

    private mutating func complete() -> HTTPRequest {
        // Taken, not copied: a request's copy retains every field of it.
        var request = admitted.take() ?? HTTPRequest(method: method, target: target, version: version, headers: headers)
        request.body = body
        reset()
        return request
    }

    private mutating func reset() {
        phase = .requestLine
        headers = HTTPHeaders()
        framingFields = FramingFields()
        body = []
        remaining = 0
        continuePending = false
        admitted = nil
    }

    /// Drops consumed bytes before appending so the buffer does not grow with pipelining.
    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

/// `bytes` are exactly `text`'s bytes (case-sensitive).
@inline(__always) func bytesSpell(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    guard bytes.count == text.utf8CodeUnitCount else { return false }
    let expected = text.utf8Start
    for index in 0..<bytes.count where bytes[index] != expected[index] { return false }
    return true
}

/// tchar (RFC 9110 §5.6.2).
@inline(__always) func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
         UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
         UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default: return false
    }
}

/// field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5); CR, LF, NUL and other controls are refused.
@inline(__always) func isFieldValueByte(_ byte: UInt8) -> Bool {
    byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
}

/// A field value with bytes beyond ASCII (`parseHeaderLine` decodes ASCII ones itself, having
/// seen every byte): UTF-8 when it is, else obs-text read as ISO-8859-1 so no byte is lost.
func fieldValueString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
}
