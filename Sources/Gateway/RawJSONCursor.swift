import Support

/// Writes JSON text into memory measured beforehand, without a check per write: the access
/// log's line (`AccessLogLine`) and a reply's cells (`CellEncoding`), whose every part is
/// known, and its size bounded, before the first byte is written.
struct RawJSONCursor {
    var next: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { next = start }

    mutating func put(_ text: StaticString) {
        next.initialize(from: text.utf8Start, count: text.utf8CodeUnitCount)
        next += text.utf8CodeUnitCount
    }

    /// Copies `bytes` as they are (the caller checked that JSON needs no escape in them).
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        next.initialize(from: source, count: bytes.count)
        next += bytes.count
    }

    /// Copies `text` when JSON needs no escape in it and it is ASCII (what `JSONWriter`
    /// writes as it is, too); false, with nothing written, otherwise.
    mutating func putPlain(_ text: String) -> Bool {
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard JSONWriter.isPlainASCII(bytes) else { return false }
            put(bytes)
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
