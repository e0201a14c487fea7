import HQL
import HTTPServer
import HypertableClient

/// How a list of cells goes out, chosen from the request's `Accept` (RFC 9110 §12.5.1):
///
/// - `json` (default): one object `{"cells": [cell, ...]}`; SELECTs add `"results": []` so
///   the shape matches the buffered query answer. A failure after the first byte closes the
///   array and adds `"error": {problem}` before the closing brace.
/// - `ndjson` (`application/x-ndjson`): one cell object per line; a failure adds a last line
///   `{"error": {problem}}`.
/// - `tsv` (`text/tab-separated-values`): Hypertable's shell format with DISPLAY_TIMESTAMPS
///   (`hypertable_test.golden`): `timestamp<TAB>row<TAB>cf:qualifier<TAB>value`, the timestamp
///   as `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (UTC), backslash, tab and newline escaped as the shell
///   does (`\\`, `\t`, `\n`); a failure adds a last line `#error {problem}`. Rows, qualifiers
///   and values go out as their stored bytes, as the shell prints them, so the type declares no
///   charset: a `charset=utf-8` would be a lie for any cell that is not UTF-8.
public enum CellOutputFormat: String, Sendable, CaseIterable {
    case json
    case ndjson
    case tsv

    public var contentType: String {
        switch self {
        case .json: return "application/json"
        case .ndjson: return "application/x-ndjson"
        case .tsv: return "text/tab-separated-values"
        }
    }

    /// The best format the client accepts; JSON when it names none of ours (lenient: a
    /// client that asks for `text/html` still gets data, not a 406).
    public static func negotiate(_ request: HTTPRequest) -> CellOutputFormat {
        var best: (format: CellOutputFormat, weight: Double)?
        for element in request.headers.listValues(for: "Accept") {
            let parts = element.split(separator: ";").map { $0.trimmedOWS }
            guard let mediaType = parts.first?.lowercased() else { continue }
            let format: CellOutputFormat
            switch mediaType {
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json-seq":
                format = .ndjson
            case "text/tab-separated-values": format = .tsv
            case "application/json", "application/*", "*/*": format = .json
            default: continue
            }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmedOWS }
                if pair.count == 2, pair[0].lowercased() == "q" { weight = Double(pair[1]) ?? 0 }
            }
            // Wildcards lose ties against a named type.
            if mediaType.hasSuffix("*") { weight -= 0.0001 }
            if weight > 0, weight > (best?.weight ?? -1) { best = (format, weight) }
        }
        return best?.format ?? .json
    }
}

/// Encodes cells in one `CellOutputFormat` into a reused buffer: `begin`, any number of
/// `append`s (each followed by `take`), then `end` or `fail`. Streaming writes each batch's
/// bytes as one chunk, so memory stays at one batch whatever the result's size.
struct CellBodyEncoder {
    let format: CellOutputFormat
    let encoding: CellEncoding
    /// Adds `"results": []` to the JSON object (the HQL query route's shape).
    let withResults: Bool
    private var json: JSONWriter
    private var wroteCell = false

    init(format: CellOutputFormat, encoding: CellEncoding, withResults: Bool = false, capacity: Int = 64 * 1024) {
        self.init(format: format, encoding: encoding, withResults: withResults, json: JSONWriter(capacity: capacity))
    }

    private init(format: CellOutputFormat, encoding: CellEncoding, withResults: Bool, json: JSONWriter) {
        self.format = format
        self.encoding = encoding
        self.withResults = withResults
        self.json = json
    }

    /// A body encoded at once by `encode` (`begin`, `append`, `end`) in this thread's reusable
    /// JSON buffer, and copied out at its exact size: one allocation per body, where a buffer
    /// of its own cost an object, its memory and then the copy all the same.
    static func encodeWhole(format: CellOutputFormat, encoding: CellEncoding, withResults: Bool,
                            _ encode: (inout CellBodyEncoder) -> Void) -> [UInt8] {
        var encoder = CellBodyEncoder(format: format, encoding: encoding, withResults: withResults,
                                      json: .threadBuffered())
        encode(&encoder)
        let body = encoder.json.bytes
        encoder.json.giveBufferToThread()
        return body
    }

    /// The bytes encoded since the last `take`, leaving the buffer empty (capacity kept).
    mutating func take() -> [UInt8] {
        let bytes = json.bytes
        json.reset()
        return bytes
    }

    /// All the bytes encoded, for a body encoded at once (`begin`, `append`, `end`): the
    /// buffer itself, neither copied nor replaced by an empty one of the same capacity.
    mutating func finish() -> [UInt8] {
        json.takeBytes()
    }

    var isEmpty: Bool { json.count == 0 }

    mutating func begin() {
        if format == .json {
            json.beginObject()
            json.key("cells")
            json.beginArray()
        }
    }

    mutating func append(_ cells: [Cell]) {
        switch format {
        case .json:
            for cell in cells {
                if wroteCell { json.expectSeparator() }
                encoding.write(cell, into: &json)
                wroteCell = true
            }
        case .ndjson:
            for cell in cells {
                encoding.write(cell, into: &json)
                json.rawByte(0x0A)
            }
        case .tsv:
            for cell in cells { Self.appendTSV(cell, to: &json) }
        }
    }

    /// `append(_ cells:)` for cells read in place: JSON and NDJSON are written from the
    /// reply's bytes; TSV, rarer, from materialized cells.
    mutating func append(_ cells: CellSpans) {
        guard format != .tsv else {
            append(cells.cells)
            return
        }
        cells.bytes.withUnsafeBufferPointer { bytes in
            for span in cells.spans {
                if format == .json {
                    if wroteCell { json.expectSeparator() }
                    encoding.write(span, in: bytes, into: &json)
                    wroteCell = true
                } else {
                    encoding.write(span, in: bytes, into: &json)
                    json.rawByte(0x0A)
                }
            }
        }
    }

    /// Ends the body; `next` (a paged scan's cursor) becomes the JSON object's `"next"`
    /// member or a last NDJSON record `{"next": ...}` (TSV carries it in the `Link` header only).
    mutating func end(results: [String] = [], next: String? = nil) {
        switch format {
        case .json:
            json.endArray()
            if withResults {
                json.staticKey("results")
                json.beginArray()
                for line in results { json.string(line) }
                json.endArray()
            }
            if let next { json.field("next", next) }
            json.endObject()
        case .ndjson:
            guard let next else { return }
            json.beginObject()
            json.field("next", next)
            json.endObject()
            json.rawByte(0x0A)
        case .tsv:
            break
        }
    }

    /// Ends the body with an error record instead of `end()`: never a silently truncated result.
    mutating func fail(_ problem: Problem, instance: String?, requestID: String?, traceID: String? = nil) {
        let body = problem.jsonBody(instance: instance, requestID: requestID, traceID: traceID)
        switch format {
        case .json:
            json.endArray()
            if withResults {
                json.staticKey("results")
                json.beginArray()
                json.endArray()
            }
            json.key("error")
            json.rawBytes(body)
            json.endObject()
        case .ndjson:
            json.rawBytes(Array("{\"error\":".utf8))
            json.rawBytes(body)
            json.rawBytes([UInt8(ascii: "}"), 0x0A])
        case .tsv:
            json.rawBytes(Array("#error ".utf8))
            json.rawBytes(body)
            json.rawBytes([0x0A])
        }
    }

    // MARK: TSV

    static func appendTSV(_ cell: Cell, to out: inout JSONWriter) {
        var line: [UInt8] = []
        line.reserveCapacity(64 + cell.key.row.count + (cell.value?.count ?? 0))
        if let timestamp = cell.key.timestamp { line += hypertableTimestamp(timestamp).utf8 }
        line.append(0x09)
        appendEscaped(cell.key.row, to: &line)
        line.append(0x09)
        appendEscaped(Array(cell.key.columnFamily.utf8), to: &line)
        if !cell.key.columnQualifier.isEmpty {
            line.append(UInt8(ascii: ":"))
            appendEscaped(cell.key.columnQualifier, to: &line)
        }
        if cell.key.flag != .insert {
            line.append(0x09)
            line += CellEncoding.flagName(cell.key.flag).uppercased().replacingUnderscores.utf8
        } else if let value = cell.value {
            line.append(0x09)
            appendEscaped(value, to: &line)
        }
        line.append(0x0A)
        out.rawBytes(line)
    }

    /// The shell's escaping (select.md, NO_ESCAPE): backslash, newline and tab become two
    /// characters, so one cell stays one line that LOAD DATA INFILE can read back.
    static func appendEscaped(_ bytes: Bytes, to line: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): line += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: line += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x09: line += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            default: line.append(byte)
            }
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in the process's local time zone (`TZ`), as Hypertable's
    /// shell prints timestamps: the same rendering as HQL's own output.
    static func hypertableTimestamp(_ nanoseconds: Int64) -> String {
        HQLTimestamp.format(nanoseconds)
    }
}

extension String {
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? " " : $0 })
    }
}

extension JSONWriter {
    /// Appends bytes as they are (already-encoded JSON, or TSV lines sharing the buffer).
    mutating func rawBytes(_ raw: some Sequence<UInt8>) {
        for byte in raw { rawByte(byte) }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3, OWS).
    fileprivate var trimmedOWS: String {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
