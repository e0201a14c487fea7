#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// Writes JSON straight into a byte buffer: no intermediate dictionaries, no Foundation.
///
/// The writer tracks whether a separator is due, so callers write keys and values in order
/// and never emit commas themselves. It does not validate nesting: callers are the gateway's
/// own encoders, each a few lines long.
public struct JSONWriter: Sendable {
    /// Shared between copies of a writer until one of them writes (copy on write).
    private var storage: JSONByteBuffer
    private var needsComma = false

    public init(capacity: Int = 256) {
        storage = JSONByteBuffer(capacity: capacity)
    }

    private init(adopting storage: JSONByteBuffer) {
        self.storage = storage
    }

    /// Runs `body` with a writer over this thread's reusable buffer, for JSON used up before
    /// `body` returns (a log line handed to its sink, which copies it): no buffer is allocated
    /// per call. The buffer goes back to the thread unless `body` kept a copy of the writer
    /// (the copy then owns it) or it grew past `JSONByteBuffer.reusableCapacity`.
    static func withThreadBuffer<Result>(_ body: (inout JSONWriter) throws -> Result) rethrows -> Result {
        var writer = threadBuffered()
        defer { writer.giveBufferToThread() }
        return try body(&writer)
    }

    /// A writer over this thread's reusable buffer (see `withThreadBuffer`); hand the buffer
    /// back with `giveBufferToThread()` once its bytes are used up or copied.
    static func threadBuffered() -> JSONWriter {
        // Taken out of the thread's slot, not shared with it: the writer's buffer must be
        // uniquely referenced, or its first write would copy it.
        JSONWriter(adopting: JSONByteBuffer.takeThreadSpare() ?? JSONByteBuffer(capacity: 512))
    }

    /// Makes the buffer this thread's spare again, unless a copy of the writer still shares it
    /// (the copy then owns it) or it grew past `JSONByteBuffer.reusableCapacity`.
    mutating func giveBufferToThread() {
        if isKnownUniquelyReferenced(&storage) { storage.keepAsThreadSpare() }
    }

    /// What was written so far (a copy).
    public var bytes: [UInt8] { storage.array }

    /// How many bytes were written so far.
    public var count: Int { storage.count }

    /// The bytes written so far, without copying them; valid only inside `body`.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes(body)
    }

    /// Makes the buffer this writer's own before it writes: every public writing method
    /// starts here (the private helpers they call write to `storage` directly).
    @inline(__always)
    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public mutating func beginObject() { unique(); separator(); storage.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { unique(); storage.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { unique(); separator(); storage.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { unique(); storage.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":`; the next value call writes the value without a separator.
    public mutating func key(_ name: String) {
        unique()
        separator()
        appendQuoted(utf8: name.utf8)
        storage.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// `"name":` for a name known at compile time to need no escape (the access log's keys):
    /// copied as it is, not scanned byte by byte.
    public mutating func staticKey(_ name: StaticString) {
        unique()
        storage.appendKey(name, afterComma: needsComma)
        needsComma = false
    }

    /// `"name":` and a value of bytes known to be valid UTF-8: a cell's fields, without
    /// scanning the name for escapes.
    public mutating func staticField(_ name: StaticString, utf8 value: some Collection<UInt8>) {
        unique()
        staticKey(name)
        appendQuoted(utf8: value)
        needsComma = true
    }

    /// `"name":"bytes"` when every byte is printable ASCII that needs no escape, checked eight
    /// bytes per step and copied at once; false (nothing written) otherwise. A cell's fields
    /// are nearly always such text: one pass instead of a UTF-8 check and an escape scan.
    public mutating func plainASCIIField(_ name: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Self.isPlainASCII(bytes) else { return false }
        unique()
        storage.appendKey(name, afterComma: needsComma)
        storage.append(UInt8(ascii: "\""))
        storage.append(bytes)
        storage.append(UInt8(ascii: "\""))
        needsComma = true
        return true
    }

    /// Whether every byte is ASCII from 0x20 up, neither a quote nor a reverse solidus.
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = WordBytes.passedPrefix(of: bytes) { WordBytes.containsNonASCII($0) || anyNeedsEscape($0) }
        return bytes[start...].allSatisfy { $0 < 0x80 && !needsEscape($0) }
    }

    public mutating func staticField(_ name: StaticString, _ value: String) {
        // The view's own storage, read in place: `withUTF8` needs a mutable copy of the string
        // (a retain, a release and a uniqueness check per field).
        if value.utf8.withContiguousStorageIfAvailable({ plainASCIIField(name, $0) }) == true { return }
        unique()
        staticKey(name)
        string(value)
    }
    public mutating func staticField(_ name: StaticString, _ value: Int) { unique(); staticKey(name); int(value) }

    public mutating func string(_ value: String) {
        unique()
        separator()
        appendQuoted(utf8: value.utf8)
        needsComma = true
    }

    /// Writes bytes that are known to be valid UTF-8 as a JSON string.
    public mutating func string(utf8 value: some Collection<UInt8>) {
        unique()
        separator()
        appendQuoted(utf8: value)
        needsComma = true
    }

    public mutating func int(_ value: some BinaryInteger) {
        unique()
        separator()
        if let small = Int64(exactly: value) {
            appendDecimal(small)
        } else {
            storage.append(String(value))
        }
        needsComma = true
    }

    /// An integer as a JSON string of its decimal digits (`"1764170000123456789"`): values
    /// above 2^53 that JavaScript would round as numbers. No `String` in between.
    public mutating func decimalString(_ value: Int64) {
        unique()
        separator()
        storage.append(UInt8(ascii: "\""))
        appendDecimal(value)
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        unique()
        separator()
        storage.append(value ? "true" : "false" as StaticString)
        needsComma = true
    }

    /// Writes `value / 10^fractionDigits` as a JSON string with exactly that many decimals
    /// (`"1764170000.123"`): timestamps and durations in logs, without floating point.
    public mutating func fixedPointString(_ value: Int64, fractionDigits: Int) {
        unique()
        separator()
        storage.append(UInt8(ascii: "\""))
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let magnitude = value.magnitude
        if value < 0 { storage.append(UInt8(ascii: "-")) }
        appendDecimal(Int64(magnitude / UInt64(divisor)))
        if fractionDigits > 0 {
            storage.append(UInt8(ascii: "."))
            var fraction = magnitude % UInt64(divisor)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fractionDigits) { digits in
                for index in stride(from: fractionDigits - 1, through: 0, by: -1) {
                    digits[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                storage.append(UnsafeBufferPointer(digits))
            }
        }
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Decimal digits without a `String` in between.
    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { storage.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude < 10 {
            storage.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalDigits.maximumCount) { buffer in
            let end = buffer.baseAddress! + DecimalDigits.maximumCount
            let start = DecimalDigits.write(magnitude, endingAt: end)
            storage.append(UnsafeBufferPointer(start: start, count: end - start))
        }
    }

    /// Writes one value, of at most `maximumCount` bytes, straight into the buffer (after the
    /// separator when one is due): `body` writes it from the pointer it gets and returns where
    /// it stopped. For a value whose parts are all checked and measured before it is written
    /// (a reply's cell, `CellEncoding`): one capacity check instead of one per part.
    mutating func rawValue(maximumCount: Int,
                           _ body: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>) {
        unique()
        separator()
        let start = storage.reserve(maximumCount)
        let end = body(start)
        precondition(end - start <= maximumCount, "a raw JSON value outgrew its measured room")
        storage.commit(end - start)
        needsComma = true
    }

    /// Writes a JSON value known at compile time (a quoted name) as it is.
    public mutating func rawStatic(_ value: StaticString) {
        unique()
        separator()
        storage.append(value)
        needsComma = true
    }

    /// Writes text that is already a JSON value (a number's digits) as it is.
    public mutating func rawNumber(_ value: String) {
        unique()
        separator()
        storage.append(value)
        needsComma = true
    }

    public mutating func null() {
        unique()
        separator()
        storage.append("null" as StaticString)
        needsComma = true
    }

    public mutating func field(_ name: String, _ value: String) { unique(); key(name); string(value) }
    public mutating func field(_ name: String, _ value: Int) { unique(); key(name); int(value) }
    public mutating func field(_ name: String, _ value: Bool) { unique(); key(name); bool(value) }

    /// Hands the bytes over and leaves the writer empty, without keeping (or copying) the
    /// buffer: for a body written once.
    public mutating func takeBytes() -> [UInt8] {
        defer { needsComma = false }
        let taken = storage.array
        storage = JSONByteBuffer(capacity: 0)
        return taken
    }

    /// Removes everything written so far but keeps the buffer's capacity (for streaming).
    public mutating func reset() {
        unique()
        storage.removeAll()
        needsComma = false
    }

    /// Appends a raw byte (e.g. a newline between NDJSON records); resets the separator state.
    public mutating func rawByte(_ byte: UInt8) {
        unique()
        storage.append(byte)
        needsComma = false
    }

    /// Marks that the next value continues a list (between streamed array elements).
    public mutating func expectSeparator() { unique(); needsComma = true }

    private mutating func separator() {
        if needsComma { storage.append(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// RFC 8259 §7: quote, reverse solidus and control characters must be escaped.
    private mutating func appendQuoted(utf8: some Collection<UInt8>) {
        storage.append(UInt8(ascii: "\""))
        // Most text needs no escape: copy runs of plain bytes at once (native strings and
        // arrays are contiguous; anything else goes byte by byte).
        let copied: Void? = utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if copied == nil {
            for byte in utf8 { appendEscaped(byte) }
        }
        storage.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        while index < buffer.count {
            // Eight bytes at a time while none of them needs an escape (most text).
            index += WordBytes.passedPrefix(of: UnsafeBufferPointer(rebasing: buffer[index...]),
                                            stoppingAt: Self.anyNeedsEscape)
            guard index < buffer.count else { break }
            let byte = buffer[index]
            if Self.needsEscape(byte) {
                storage.append(UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            index += 1
        }
        storage.append(UnsafeBufferPointer(rebasing: buffer[runStart...]))
    }

    /// Whether any of the eight bytes in `word` is a control character, a quote or a reverse
    /// solidus (exactly, see `WordBytes`).
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// `needsEscape` for each of the eight bytes in `word` at once.
    @inline(__always)
    static func anyNeedsEscape(_ word: UInt64) -> Bool {
        WordBytes.containsByte(below: 0x20, in: word) || WordBytes.contains(UInt8(ascii: "\""), in: word)
            || WordBytes.contains(UInt8(ascii: "\\"), in: word)
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): storage.append(UInt8(ascii: "\\")); storage.append(byte)
        case UInt8(ascii: "\\"): storage.append(UInt8(ascii: "\\")); storage.append(byte)
        case 0x0A: storage.append(UInt8(ascii: "\\")); storage.append(UInt8(ascii: "n"))
        case 0x0D: storage.append(UInt8(ascii: "\\")); storage.append(UInt8(ascii: "r"))
        case 0x09: storage.append(UInt8(ascii: "\\")); storage.append(UInt8(ascii: "t"))
        case 0..<0x20:
            storage.append("\\u00" as StaticString)
            storage.append(JSONWriter.hex[Int(byte >> 4)])
            storage.append(JSONWriter.hex[Int(byte & 0xF)])
        default: storage.append(byte)
        }
    }
}

/// A `JSONWriter`'s bytes, written through a pointer and grown by doubling: an `Array`'s
/// `append` cost a hundred instructions or more per call (uniqueness, capacity and the generic
/// path), and the writer makes a dozen such calls per cell and per log line.
final class JSONByteBuffer: @unchecked Sendable {
    // Unchecked: only its one writer touches it (`JSONWriter.unique()`), and a dynamic
    // exclusivity check per access cost more than the write itself.
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    func copy() -> JSONByteBuffer {
        let copy = JSONByteBuffer(capacity: capacity)
        copy.base.initialize(from: base, count: count)
        copy.count = count
        return copy
    }

    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(minimum: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(minimum: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Room for `count` more bytes: where they go, to be kept with `commit`.
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if self.count + count > capacity { grow(minimum: self.count + count) }
        return base + self.count
    }

    /// Keeps `count` bytes written where `reserve` pointed (at most as many as it reserved).
    @inline(__always)
    func commit(_ count: Int) {
        self.count += count
    }

    /// `,` when asked, then `"name":`, after one capacity check (the access log writes a
    /// dozen keys per line, a cell five).
    @inline(__always)
    func appendKey(_ name: StaticString, afterComma comma: Bool) {
        let length = name.utf8CodeUnitCount
        let total = length + (comma ? 4 : 3)
        if count + total > capacity { grow(minimum: count + total) }
        var next = base + count
        if comma {
            next.pointee = UInt8(ascii: ",")
            next += 1
        }
        next.pointee = UInt8(ascii: "\"")
        (next + 1).initialize(from: name.utf8Start, count: length)
        next += 1 + length
        next[0] = UInt8(ascii: "\"")
        next[1] = UInt8(ascii: ":")
        count += total
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func removeAll() { count = 0 }

    /// The largest buffer a thread keeps for reuse (`JSONWriter.withThreadBuffer`): a rare
    /// long line must not pin its memory for the thread's life.
    static let reusableCapacity = 16 * 1024

    /// Each thread's spare buffer, owned (retained) by the slot; released when the thread ends.
    private static let threadSlot: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { spare in
            #if canImport(Glibc)
            guard let spare else { return }
            #endif
            Unmanaged<JSONByteBuffer>.fromOpaque(spare).release()
        }
        return key
    }()

    /// This thread's spare buffer, emptied, now the caller's; nil when the thread has none.
    static func takeThreadSpare() -> JSONByteBuffer? {
        guard let spare = pthread_getspecific(threadSlot) else { return nil }
        pthread_setspecific(threadSlot, nil)
        let buffer = Unmanaged<JSONByteBuffer>.fromOpaque(spare).takeRetainedValue()
        buffer.removeAll()
        return buffer
    }

    /// Makes this buffer the thread's spare (unless it grew too large or the thread has one).
    func keepAsThreadSpare() {
        guard capacity <= Self.reusableCapacity, pthread_getspecific(Self.threadSlot) == nil else { return }
        pthread_setspecific(Self.threadSlot, Unmanaged.passRetained(self).toOpaque())
    }

    private func grow(minimum: Int) {
        let newCapacity = Swift.max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
