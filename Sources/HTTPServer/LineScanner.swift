#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a buffer the caller owns into lines ending in CRLF, without scanning any byte twice
/// while a line arrives piecemeal.
///
/// RFC 9112 §2.2 lets a recipient accept a bare LF as a line end, but a proxy in front of us
/// may not, and two parsers that split lines differently disagree about where a request ends
/// (request smuggling). So a bare LF is reported, never taken as a line end.
struct LineScanner: Sendable {
    enum Outcome: Sendable, Equatable {
        /// The line's bytes without its line end; the read index moved past the line end.
        case line(Range<Int>)
        /// No line end yet; nothing consumed.
        case incomplete
        /// More than `maxLength` bytes before the line end (or none yet); nothing consumed.
        case tooLong
        /// An LF not preceded by CR ends the line; nothing consumed.
        case bareLineFeed
    }

    /// Bytes after the read index already searched for LF in vain. Relative to the read index
    /// (which stays put while a line is incomplete), so the caller may drop consumed bytes.
    private var scannedCount = 0

    /// Forgets earlier scans: for a caller that moved its read index or replaced its buffer
    /// while a line was incomplete.
    mutating func reset() { scannedCount = 0 }

    mutating func takeLine(in buffer: [UInt8], readIndex: inout Int, maxLength: Int) -> Outcome {
        let start = readIndex + scannedCount
        let end = buffer.count
        let found: Int? = buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard start < end, let base = pointer.baseAddress else { return nil }
            guard let hit = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        guard let lf = found else {
            scannedCount = Swift.max(0, end - readIndex)
            // A CR last may be the first half of the line's CRLF, which is not part of the line:
            // counting it would refuse a line of exactly maxLength bytes only when the read
            // happens to end between its CR and LF (found by fuzzing, Tests/Fuzz).
            let pending = end > readIndex && buffer[end - 1] == 0x0D ? end - readIndex - 1 : end - readIndex
            return pending > maxLength ? .tooLong : .incomplete
        }
        // An over-long line is reported as such even when it also ends in a bare LF.
        guard lf > readIndex && buffer[lf - 1] == 0x0D else {
            return lf - readIndex > maxLength ? .tooLong : .bareLineFeed
        }
        let lineEnd = lf - 1
        if lineEnd - readIndex > maxLength { return .tooLong }
        let line = readIndex..<lineEnd
        readIndex = lf + 1
        scannedCount = 0
        return .line(line)
    }
}
