/// Writes JSON straight into a byte buffer: no intermediate dictionaries, no Foundation.
///
/// The writer tracks whether a separator is due, so callers write keys and values in order
/// and never emit commas themselves. It does not validate nesting: callers are the gateway's
/// own encoders, each a few lines long.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":`; the next value call writes the value without a separator.
    public mutating func key(_ name: String) {
        separator()
        appendQuoted(utf8: name.utf8)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// `"name":` for a name known at compile time to need no escape (the access log's keys):
    /// copied as it is, not scanned byte by byte.
    public mutating func staticKey(_ name: StaticString) {
        // Comma, quotes, name and colon assembled on the stack and appended at once: one
        // capacity check instead of five (the access log writes a dozen keys per request).
        let comma = needsComma
        name.withUTF8Buffer { name in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: name.count + 4) { key in
                var index = 0
                if comma { key[0] = UInt8(ascii: ","); index = 1 }
                key[index] = UInt8(ascii: "\"")
                _ = UnsafeMutableBufferPointer(rebasing: key[(index + 1)...]).initialize(from: name)
                index += name.count + 1
                key[index] = UInt8(ascii: "\"")
                key[index + 1] = UInt8(ascii: ":")
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: key[..<(index + 2)]))
            }
        }
        needsComma = false
    }

    /// `"name":` and a value of bytes known to be valid UTF-8: a cell's fields, without
    /// scanning the name for escapes.
    public mutating func staticField(_ name: StaticString, utf8 value: some Collection<UInt8>) {
        staticKey(name)
        appendQuoted(utf8: value)
        needsComma = true
    }

    public mutating func staticField(_ name: StaticString, _ value: String) { staticKey(name); string(value) }
    public mutating func staticField(_ name: StaticString, _ value: Int) { staticKey(name); int(value) }

    public mutating func string(_ value: String) {
        separator()
        appendQuoted(utf8: value.utf8)
        needsComma = true
    }

    /// Writes bytes that are known to be valid UTF-8 as a JSON string.
    public mutating func string(utf8 value: some Collection<UInt8>) {
        separator()
        appendQuoted(utf8: value)
        needsComma = true
    }

    public mutating func int(_ value: some BinaryInteger) {
        separator()
        if let small = Int64(exactly: value) {
            appendDecimal(small)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
        needsComma = true
    }

    /// An integer as a JSON string of its decimal digits (`"1764170000123456789"`): values
    /// above 2^53 that JavaScript would round as numbers. No `String` in between.
    public mutating func decimalString(_ value: Int64) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        appendDecimal(value)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    /// Writes `value / 10^fractionDigits` as a JSON string with exactly that many decimals
    /// (`"1764170000.123"`): timestamps and durations in logs, without floating point.
    public mutating func fixedPointString(_ value: Int64, fractionDigits: Int) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(Int64(magnitude / UInt64(divisor)))
        if fractionDigits > 0 {
            bytes.append(UInt8(ascii: "."))
            var fraction = magnitude % UInt64(divisor)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fractionDigits) { digits in
                for index in stride(from: fractionDigits - 1, through: 0, by: -1) {
                    digits[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                bytes.append(contentsOf: digits)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Decimal digits without a `String` in between.
    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var start = 20
            while magnitude > 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<20]))
        }
    }

    /// Writes a JSON value known at compile time (a quoted name) as it is.
    public mutating func rawStatic(_ value: StaticString) {
        separator()
        value.withUTF8Buffer { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    /// Writes text that is already a JSON value (a number's digits) as it is.
    public mutating func rawNumber(_ value: String) {
        separator()
        bytes.append(contentsOf: value.utf8)
        needsComma = true
    }

    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    public mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    /// Hands the bytes over and leaves the writer empty, without keeping (or copying) the
    /// buffer: for a body written once.
    public mutating func takeBytes() -> [UInt8] {
        defer { needsComma = false }
        return Self.exchange(&bytes)
    }

    private static func exchange(_ bytes: inout [UInt8]) -> [UInt8] {
        let taken = bytes
        bytes = []
        return taken
    }

    /// Removes everything written so far but keeps the buffer's capacity (for streaming).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    /// Appends a raw byte (e.g. a newline between NDJSON records); resets the separator state.
    public mutating func rawByte(_ byte: UInt8) {
        bytes.append(byte)
        needsComma = false
    }

    /// Marks that the next value continues a list (between streamed array elements).
    public mutating func expectSeparator() { needsComma = true }

    private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// RFC 8259 §7: quote, reverse solidus and control characters must be escaped.
    private mutating func appendQuoted(utf8: some Collection<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: copy runs of plain bytes at once (native strings and
        // arrays are contiguous; anything else goes byte by byte).
        let copied: Void? = utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if copied == nil {
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<buffer.count {
            let byte = buffer[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
            appendEscaped(byte)
            runStart = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
        case 0..<0x20:
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      JSONWriter.hex[Int(byte >> 4)], JSONWriter.hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }
}
