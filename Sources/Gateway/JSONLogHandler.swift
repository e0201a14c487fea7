#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Where JSON log lines go: the executable's batched standard-error writer, a test's collector.
public protocol LogLineSink: Sendable {
    /// Adds one line (without its newline); the sink may hold it back to write many at once.
    func append(_ line: [UInt8])
    /// Adds one line and writes everything waiting now.
    func appendNow(_ line: [UInt8])
    /// Adds one line (without its newline) from a buffer the caller keeps: a sink that copies
    /// anyway spares the caller an array per line.
    func append(bytes line: UnsafeRawBufferPointer)
}

extension LogLineSink {
    public func append(bytes line: UnsafeRawBufferPointer) { append(Array(line)) }
}

/// swift-log records as JSON, one object per line: `ts` (seconds since the epoch, to the
/// millisecond, as a string), `level`, `msg`, `error` when the record carries one, then the
/// logger's and the record's metadata (the record's win on a clash), sorted by key, so that
/// a line reads the same every time (a dictionary's order changes from run to run).
///
/// A metadata value of type `JSONLogFields` (`.stringConvertible`) writes its own fields into
/// the line, in place of its key: a record with many fields (the access log) made per request
/// without a dictionary entry for each.
///
/// Numbers given as `.stringConvertible` (`Int`, `Int64`, `UInt64`, `Double`, `Bool`,
/// `LogFixedPoint`) are written as JSON numbers, booleans and fixed-point strings without going
/// through `description`; everything else as a string. Records at `notice` and above go out at
/// once; below that (the access log's `info` records among them) the sink batches them.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: any LogLineSink

    public init(sink: any LogLineSink, level: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONWriter(capacity: 512)
        Self.beginLine(&json, level: event.level, message: event.message.description)
        if let error = event.error { json.staticField("error", String(describing: error)) }
        // The common case (the access log) has no handler metadata: the record's own
        // dictionary is written as it is, never merged into a copy.
        let provided = metadataProvider?.get() ?? [:]
        if metadata.isEmpty && provided.isEmpty {
            if let own = event.metadata { Self.write(own, into: &json) }
        } else {
            var merged = metadata
            merged.merge(provided) { _, new in new }
            if let own = event.metadata { merged.merge(own) { _, new in new } }
            Self.write(merged, into: &json)
        }
        json.endObject()
        if event.level >= .notice {
            sink.appendNow(json.bytes)
        } else {
            sink.append(json.bytes)
        }
    }

    /// Opens a line's object and writes `ts`, `level` and `msg`: every line starts so (the
    /// access log's direct lines too).
    static func beginLine(_ json: inout JSONWriter, level: Logger.Level, message: String) {
        json.beginObject()
        json.staticKey("ts")
        json.fixedPointString(Self.wallClockMilliseconds(), fractionDigits: 3)
        json.staticKey("level")
        json.rawStatic(Self.quotedName(level))
        json.staticField("msg", message)
    }

    private static func write(_ metadata: Logger.Metadata, into json: inout JSONWriter) {
        // One entry (the access log's fields) needs no sorting.
        if metadata.count == 1, let (key, value) = metadata.first {
            write(key, value, into: &json)
            return
        }
        for key in metadata.keys.sorted() {
            if let value = metadata[key] { write(key, value, into: &json) }
        }
    }

    private static func write(_ key: String, _ value: Logger.Metadata.Value, into json: inout JSONWriter) {
        if case .stringConvertible(let convertible) = value, let fields = convertible as? JSONLogFields {
            fields.writeFields(into: &json)
            return
        }
        json.key(key)
        write(value, into: &json)
    }

    private static func write(_ value: Logger.Metadata.Value, into json: inout JSONWriter) {
        switch value {
        case .string(let text):
            json.string(text)
        case .stringConvertible(let convertible):
            // Casts to concrete types: a type comparison each, no conformance lookup.
            switch convertible {
            case let number as Int: json.int(number)
            case let number as Int64: json.int(number)
            case let number as UInt64: json.int(number)
            case let fixed as LogFixedPoint: json.fixedPointString(fixed.value, fractionDigits: fixed.fractionDigits)
            case let flag as Bool: json.bool(flag)
            case let number as Double where number.isFinite:
                json.rawNumber(String(number))
            default: json.string(convertible.description)
            }
        case .dictionary(let dictionary):
            json.beginObject()
            write(dictionary, into: &json)
            json.endObject()
        case .array(let values):
            json.beginArray()
            for element in values { write(element, into: &json) }
            json.endArray()
        }
    }

    private static func quotedName(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "\"trace\""
        case .debug: "\"debug\""
        case .info: "\"info\""
        case .notice: "\"notice\""
        case .warning: "\"warning\""
        case .error: "\"error\""
        case .critical: "\"critical\""
        }
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// Fields that write themselves into a JSON log line (`JSONLogHandler`), given as one metadata
/// value (`.stringConvertible`); `description` is their text for any other handler. A class
/// to subclass, not a protocol: the handler's check is then a class cast, not a conformance
/// lookup, which cost a thousand instructions a record. Subclasses must be immutable.
open class JSONLogFields: CustomStringConvertible, @unchecked Sendable {
    public init() {}

    /// Writes `"key":value` pairs (with `JSONWriter`'s field calls); nothing else.
    open func writeFields(into json: inout JSONWriter) {}

    open var description: String { "" }
}

/// A decimal with a fixed number of fraction digits (`value / 10^fractionDigits`), for log
/// metadata such as durations: `JSONLogHandler` writes it as `"12.345"` without floating point.
public struct LogFixedPoint: CustomStringConvertible, Sendable {
    public let value: Int64
    public let fractionDigits: Int

    public init(_ value: Int64, fractionDigits: Int) {
        self.value = value
        self.fractionDigits = fractionDigits
    }

    public var description: String {
        var json = JSONWriter(capacity: 24)
        json.fixedPointString(value, fractionDigits: fractionDigits)
        return String(decoding: json.bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}
