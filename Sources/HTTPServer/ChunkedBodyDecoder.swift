/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), shared by
/// `HTTPRequestParser` (buffered bodies) and `RequestBodyStream` (streamed bodies).
///
/// The caller owns the bytes: it passes its buffer and read index to `next`, which consumes
/// framing bytes and reports one step at a time. A `.data` range is consumed too; the caller
/// copies it out before changing the buffer. Consumed bytes may be dropped between calls
/// (the decoder keeps no absolute index).
///
/// chunk-size is hexadecimal; chunk extensions are checked against their grammar and then
/// ignored (§7.1.1); trailer fields are checked as field lines, then consumed and dropped
/// (§7.1.2) within a size budget. Every line, and the end of every chunk's data, must end in
/// CRLF: a bare LF, allowed by §2.2, is refused because a proxy in front of us that reads it
/// differently would see a different body end (see `LineScanner`).
struct ChunkedBodyDecoder: Sendable {
    /// What the decoder needs or found.
    enum Step: Sendable, Equatable {
        /// The buffer holds nothing more to decode: append bytes and call again.
        case needMoreBytes
        /// Body bytes `buffer[range]` (never empty, within one chunk), already consumed.
        case data(Range<Int>)
        /// The last chunk and the trailer section are consumed; later calls say `.done` again.
        case done
    }

    /// A chunk-size line (size and extensions) longer than this is refused.
    static let maxChunkSizeLineLength = 4096

    /// The decoded body may not pass this many bytes.
    let maxBodySize: Int
    /// The trailer section's budget in bytes, each field line counted with its CRLF.
    let maxTrailerSectionSize: Int
    /// Whether the empty line ending the trailer section counts against the budget too, as it
    /// does for a header section.
    let countsTrailerSectionEnd: Bool

    private enum State: Sendable {
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case done
    }

    private var state = State.chunkSize
    private var lines = LineScanner()
    /// Body bytes returned so far.
    private(set) var decodedByteCount = 0

    init(maxBodySize: Int, maxTrailerSectionSize: Int, countsTrailerSectionEnd: Bool) {
        self.maxBodySize = maxBodySize
        self.maxTrailerSectionSize = maxTrailerSectionSize
        self.countsTrailerSectionEnd = countsTrailerSectionEnd
    }

    /// True once the whole chunked body, trailers included, was consumed.
    var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from `buffer[readIndex...]` until it has body bytes to report (at most
    /// `maxData`, at least 1), needs more bytes, or reaches the end. After a thrown error the
    /// body is unusable.
    mutating func next(in buffer: [UInt8], readIndex: inout Int, maxData: Int = .max)
        throws(ChunkedBodyError) -> Step {
        while true {
            switch state {
            case .chunkSize:
                let line: Range<Int>
                switch lines.takeLine(in: buffer, readIndex: &readIndex, maxLength: Self.maxChunkSizeLineLength) {
                case .line(let range): line = range
                case .incomplete: return .needMoreBytes
                case .tooLong: throw ChunkedBodyError(.badChunk, "chunk size line too long")
                case .bareLineFeed: throw ChunkedBodyError(.badChunk, "chunk size line ends in a bare LF")
                }
                let size = try Self.parseChunkSize(buffer[line])
                if size == 0 {
                    state = .trailers(bytes: 0)
                } else {
                    // decodedByteCount never passes maxBodySize, so this cannot overflow.
                    guard size <= maxBodySize - decodedByteCount else {
                        throw ChunkedBodyError(.bodyTooLarge, "chunked body exceeds \(maxBodySize) bytes")
                    }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let take = min(buffer.count - readIndex, remaining, maxData)
                guard take > 0 else { return .needMoreBytes }
                let range = readIndex..<readIndex + take
                readIndex += take
                decodedByteCount += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                return .data(range)
            case .chunkDataEnd:
                guard readIndex < buffer.count else { return .needMoreBytes }
                switch buffer[readIndex] {
                case 0x0D:
                    guard readIndex + 1 < buffer.count else { return .needMoreBytes }
                    guard buffer[readIndex + 1] == 0x0A else {
                        throw ChunkedBodyError(.badChunk, "chunk data not followed by CRLF")
                    }
                    readIndex += 2
                case 0x0A:
                    throw ChunkedBodyError(.badChunk, "chunk data not followed by CRLF")
                default:
                    throw ChunkedBodyError(.badChunk, "chunk data longer than its size")
                }
                state = .chunkSize
            case .trailers(let bytes):
                let budget = Swift.max(0, maxTrailerSectionSize - bytes)
                let line: Range<Int>
                switch lines.takeLine(in: buffer, readIndex: &readIndex, maxLength: budget) {
                case .line(let range): line = range
                case .incomplete: return .needMoreBytes
                case .tooLong: throw ChunkedBodyError(.trailerSectionTooLarge, "trailer section too long")
                case .bareLineFeed: throw ChunkedBodyError(.badChunk, "trailer line ends in a bare LF")
                }
                if line.isEmpty && !countsTrailerSectionEnd {
                    state = .done
                    return .done
                }
                let total = bytes + line.count + 2
                guard total <= maxTrailerSectionSize else {
                    throw ChunkedBodyError(.trailerSectionTooLarge,
                                           "trailer section exceeds \(maxTrailerSectionSize) bytes")
                }
                if line.isEmpty {
                    state = .done
                    return .done
                }
                try Self.checkTrailerLine(buffer[line])
                state = .trailers(bytes: total)
            case .done:
                return .done
            }
        }
    }

    /// chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1). Extensions are ignored but must
    /// match their grammar: a proxy that parses a malformed one differently could take a
    /// different chunk size from the same line.
    /// More than 15 significant hex digits cannot fit any limit and would overflow: too large.
    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(ChunkedBodyError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = PercentDecoding.hexValue(line[index]) {
            if size > 0 || value > 0 { digits += 1 }
            guard digits <= 15 else { throw ChunkedBodyError(.bodyTooLarge, "chunk size too large") }
            size = size << 4 | Int(value)
            index += 1
        }
        guard index > line.startIndex else { throw ChunkedBodyError(.badChunk, "chunk size is not hexadecimal") }
        // A bare CR, NUL or other control byte has no place on the line; HTAB is whitespace (BWS).
        guard !line[index...].contains(where: { $0 != 0x09 && ($0 < 0x20 || $0 == 0x7F) }) else {
            throw ChunkedBodyError(.badChunk, "chunk size line has a control character")
        }
        skipWhitespace(line, &index)
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else {
            throw ChunkedBodyError(.badChunk, "unexpected bytes after chunk size")
        }
        try checkExtensions(line, from: index)
        return size
    }

    /// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
    /// chunk-ext-name = token, chunk-ext-val = token / quoted-string (RFC 9112 §7.1.1).
    /// Whitespace after the last extension is tolerated as before: it cannot move the body's end.
    private static func checkExtensions(_ line: ArraySlice<UInt8>, from start: Int) throws(ChunkedBodyError) {
        var index = start
        while true {
            skipWhitespace(line, &index)
            guard index < line.endIndex else { return }
            guard line[index] == UInt8(ascii: ";") else {
                throw ChunkedBodyError(.badChunk, "malformed chunk extension")
            }
            index += 1
            skipWhitespace(line, &index)
            guard skipToken(line, &index) else {
                throw ChunkedBodyError(.badChunk, "chunk extension name is not a token")
            }
            skipWhitespace(line, &index)
            guard index < line.endIndex, line[index] == UInt8(ascii: "=") else { continue }
            index += 1
            skipWhitespace(line, &index)
            guard skipToken(line, &index) || skipQuotedString(line, &index) else {
                throw ChunkedBodyError(.badChunk, "chunk extension value is not a token or quoted-string")
            }
        }
    }

    private static func skipWhitespace(_ line: ArraySlice<UInt8>, _ index: inout Int) {
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
    }

    /// Moves past 1*tchar; false (index unchanged) when there is none.
    private static func skipToken(_ line: ArraySlice<UInt8>, _ index: inout Int) -> Bool {
        let start = index
        while index < line.endIndex, isTokenByte(line[index]) { index += 1 }
        return index > start
    }

    /// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4); false (index
    /// unchanged) when the string is missing or unterminated. Control bytes were refused earlier.
    private static func skipQuotedString(_ line: ArraySlice<UInt8>, _ index: inout Int) -> Bool {
        guard index < line.endIndex, line[index] == UInt8(ascii: "\"") else { return false }
        var cursor = index + 1
        while cursor < line.endIndex {
            switch line[cursor] {
            case UInt8(ascii: "\""):
                index = cursor + 1
                return true
            case UInt8(ascii: "\\"):
                guard cursor + 1 < line.endIndex else { return false }
                cursor += 2
            default:
                cursor += 1
            }
        }
        return false
    }

    /// A trailer line is a field line like a header line (RFC 9112 §7.1.2): a token name, a colon
    /// and a value without control bytes, and no obs-fold. It is dropped, but a line a proxy
    /// would read differently must not pass.
    static func checkTrailerLine(_ line: ArraySlice<UInt8>) throws(ChunkedBodyError) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
              colon > line.startIndex, line[line.startIndex..<colon].allSatisfy(isTokenByte) else {
            throw ChunkedBodyError(.badChunk, "trailer line is not a field line")
        }
        guard line[(colon + 1)...].allSatisfy(isFieldValueByte) else {
            throw ChunkedBodyError(.badChunk, "trailer field value has a forbidden byte")
        }
    }
}

/// Why `ChunkedBodyDecoder` refused a body; each caller maps it to its own error type, status
/// and wording.
struct ChunkedBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable, Equatable {
        /// Broken framing: a bad chunk-size line or extension, chunk data not followed by CRLF, a
        /// bare LF, or a trailer line that is not a field line.
        case badChunk
        /// A chunk that would take the body past `maxBodySize`, or an absurd chunk-size.
        case bodyTooLarge
        /// Trailer fields past `maxTrailerSectionSize`.
        case trailerSectionTooLarge
    }

    let kind: Kind
    let detail: String

    init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    var description: String { "\(kind.rawValue): \(detail)" }
}
