import Foundation

/// Splits an uploaded cell body into one JSON text per cell while the bytes arrive, so that
/// memory holds one record (at most `maxRecordBytes`) and one read, whatever the body's size.
///
/// NDJSON: one record per line (LF or CRLF; blank lines skipped; a last line without LF
/// counts). A JSON array: one record per element, found by a small scanner that tracks
/// strings, escapes and nesting depth only (a leading UTF-8 byte-order mark is skipped in
/// both formats); each record is then parsed and checked by
/// `CellInput`, so anything malformed inside an element is still caught there.
struct CellRecordReader {
    enum Format: Sendable, Equatable {
        case ndjson
        case jsonArray
    }

    /// One cell's JSON text and where it was (`line 7`, `cell 6`) for error messages.
    struct Record {
        var json: Data
        var position: String
    }

    let format: Format
    let maxRecordBytes: Int
    private let readMore: () throws -> [UInt8]?
    private var buffer: [UInt8] = []
    /// Where the current record starts (NDJSON: the current line).
    private var start = 0
    /// Where scanning resumes; bytes before it were already looked at.
    private var scan = 0
    private var sourceEnded = false
    /// Whether the body's first bytes were checked for a byte-order mark (skipped if there).
    private var sawBodyStart = false
    /// True once `next()` returned nil: the body ended well-formed.
    private(set) var finished = false

    // NDJSON state.
    private var lineNumber = 0

    // JSON array state.
    private enum ArrayPhase {
        case beforeArray
        case beforeElement(first: Bool)
        case inElement
        case afterArray
    }
    private var arrayPhase = ArrayPhase.beforeArray
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var elementIndex = 0

    /// - Parameter readMore: the next body bytes, nil at the end; its errors pass through.
    init(format: Format, maxRecordBytes: Int, readMore: @escaping () throws -> [UInt8]?) {
        self.format = format
        self.maxRecordBytes = maxRecordBytes
        self.readMore = readMore
    }

    /// The next record; nil at the well-formed end of the body. Throws a 400 `Problem` for
    /// broken framing or an oversized record, or whatever `readMore` throws.
    mutating func next() throws -> Record? {
        guard !finished else { return nil }
        if !sawBodyStart { try skipByteOrderMark() }
        let record: Record?
        switch format {
        case .ndjson: record = try nextLine()
        case .jsonArray: record = try nextElement()
        }
        if record == nil { finished = true }
        return record
    }

    // MARK: NDJSON

    private mutating func nextLine() throws -> Record? {
        while true {
            if let lf = buffer[scan...].firstIndex(of: 0x0A) {
                lineNumber += 1
                var end = lf
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = lf + 1
                scan = start
                if let record = try lineRecord(line) { return record }
                continue
            }
            scan = buffer.count
            // A CR last may begin the line's CRLF, which is not part of the line (see nextLine's
            // LF case): counting it refused a line of exactly maxRecordBytes only when a read
            // ended between its CR and LF (found by fuzzing, Tests/Fuzz).
            let pending = buffer.count - start - (buffer.count > start && buffer[buffer.count - 1] == 0x0D ? 1 : 0)
            if pending > maxRecordBytes {
                throw Problem.badRequest("line \(lineNumber + 1) is longer than \(maxRecordBytes) bytes")
            }
            guard try receive(keepingFrom: start) else {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                let line = buffer[start...]
                start = buffer.count
                scan = start
                return try lineRecord(line)
            }
        }
    }

    private func lineRecord(_ line: ArraySlice<UInt8>) throws -> Record? {
        if line.count > maxRecordBytes {
            throw Problem.badRequest("line \(lineNumber) is longer than \(maxRecordBytes) bytes")
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return Record(json: Data(line), position: "line \(lineNumber)")
    }

    // MARK: JSON array

    private mutating func nextElement() throws -> Record? {
        while true {
            while scan < buffer.count {
                let byte = buffer[scan]
                switch arrayPhase {
                case .beforeArray:
                    guard isJSONWhitespace(byte) else {
                        guard byte == UInt8(ascii: "[") else {
                            throw Problem.badRequest("expected a JSON array of cell objects")
                        }
                        arrayPhase = .beforeElement(first: true)
                        scan += 1
                        continue
                    }
                    scan += 1
                case .beforeElement(let first):
                    if isJSONWhitespace(byte) {
                        scan += 1
                    } else if byte == UInt8(ascii: "]") {
                        guard first else { throw Problem.badRequest("cell \(elementIndex): expected a value after ','") }
                        arrayPhase = .afterArray
                        scan += 1
                    } else {
                        arrayPhase = .inElement
                        start = scan
                        depth = 0
                        inString = false
                        escaped = false
                    }
                case .inElement:
                    scan += 1
                    if inString {
                        if escaped {
                            escaped = false
                        } else if byte == UInt8(ascii: "\\") {
                            escaped = true
                        } else if byte == UInt8(ascii: "\"") {
                            inString = false
                        }
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\""):
                        inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth > 0 {
                            depth -= 1
                        } else if byte == UInt8(ascii: "]") {
                            arrayPhase = .afterArray
                            return try elementRecord(end: scan - 1)
                        } else {
                            throw Problem.badRequest("cell \(elementIndex) is not valid JSON")
                        }
                    case UInt8(ascii: ","):
                        if depth == 0 {
                            arrayPhase = .beforeElement(first: false)
                            return try elementRecord(end: scan - 1)
                        }
                    default:
                        break
                    }
                case .afterArray:
                    guard isJSONWhitespace(byte) else { throw Problem.badRequest("unexpected bytes after the JSON array") }
                    scan += 1
                }
            }
            if case .inElement = arrayPhase, buffer.count - start > maxRecordBytes {
                throw Problem.badRequest("cell \(elementIndex) is longer than \(maxRecordBytes) bytes")
            }
            let keep: Int
            if case .inElement = arrayPhase { keep = start } else { keep = scan }
            guard try receive(keepingFrom: keep) else {
                switch arrayPhase {
                case .afterArray: return nil
                case .beforeArray: throw Problem.badRequest("expected a JSON array of cell objects")
                default: throw Problem.badRequest("the JSON array is not closed: the body ended early")
                }
            }
        }
    }

    private mutating func elementRecord(end: Int) throws -> Record {
        if end - start > maxRecordBytes {
            throw Problem.badRequest("cell \(elementIndex) is longer than \(maxRecordBytes) bytes")
        }
        let record = Record(json: Data(buffer[start..<end]), position: "cell \(elementIndex)")
        elementIndex += 1
        start = scan
        return record
    }

    private func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: input

    /// Skips a UTF-8 byte-order mark at the body's start (`ByteOrderMark`), which may arrive
    /// split over several reads.
    private mutating func skipByteOrderMark() throws {
        sawBodyStart = true
        while buffer.count < ByteOrderMark.utf8.count, try receive(keepingFrom: 0) {}
        if buffer.starts(with: ByteOrderMark.utf8) {
            buffer.removeFirst(ByteOrderMark.utf8.count)
        }
    }

    /// Drops the bytes before `keep`, then appends the next read; false at the body's end.
    private mutating func receive(keepingFrom keep: Int) throws -> Bool {
        guard !sourceEnded else { return false }
        guard let more = try readMore() else {
            sourceEnded = true
            return false
        }
        if keep > 0 {
            buffer.removeSubrange(0..<keep)
            start = max(0, start - keep)
            scan -= keep
        }
        buffer.append(contentsOf: more)
        return true
    }
}
