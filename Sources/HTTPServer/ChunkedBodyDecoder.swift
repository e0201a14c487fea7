/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), shared by
/// `HTTPRequestParser` (buffered bodies) and `RequestBodyStream` (streamed bodies).
///
/// The caller owns the bytes: it passes its buffer and read index to `next`, which consumes
/// framing bytes and reports one step at a time. A `.data` range is consumed too; the caller
/// copies it out before changing the buffer. Consumed bytes may be dropped between calls
/// (the decoder keeps no absolute index).
///
/// chunk-size is hexadecimal, chunk extensions are ignored (§7.1.1), a bare LF is accepted for
/// CRLF (§2.2), and trailer fields are consumed and dropped (§7.1.2) within a size budget.
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
                if buffer[readIndex] == 0x0A {
                    readIndex += 1
                } else if buffer[readIndex] == 0x0D {
                    guard readIndex + 1 < buffer.count else { return .needMoreBytes }
                    guard buffer[readIndex + 1] == 0x0A else {
                        throw ChunkedBodyError(.badChunk, "chunk data not followed by CRLF")
                    }
                    readIndex += 2
                } else {
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
                state = .trailers(bytes: total)
            case .done:
                return .done
            }
        }
    }

    /// chunk = chunk-size [ chunk-ext ] CRLF; extensions are ignored (RFC 9112 §7.1.1).
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
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else {
            throw ChunkedBodyError(.badChunk, "unexpected bytes after chunk size")
        }
        return size
    }
}

/// Why `ChunkedBodyDecoder` refused a body; each caller maps it to its own error type, status
/// and wording.
struct ChunkedBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable, Equatable {
        /// Broken framing: a bad chunk-size line, or chunk data not followed by CRLF.
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
