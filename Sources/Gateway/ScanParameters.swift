import HTTPServer
import HypertableClient

/// The query parameters of `GET /ns/{ns}/tables/{table}/cells`, turned into a Thrift `ScanSpec`
/// (Client.thrift `struct ScanSpec`). Nothing here builds HQL: every value lands in a typed field.
///
/// | parameter | ScanSpec field |
/// | --- | --- |
/// | `start_row`, `start_inclusive` (default true), `end_row`, `end_inclusive` (default true) | 1 `row_intervals` |
/// | `row_prefix` | 1 `row_intervals`: `[prefix, successor(prefix))` |
/// | `columns` (`cf`, `cf:qualifier`, `cf:^prefix`, `cf:/regex/`; comma-separated, repeatable) | 8 `columns` |
/// | `start_time`, `end_time` (nanoseconds since the epoch, decimal) | 6 `start_time`, 7 `end_time` |
/// | `revisions` | 4 `versions` |
/// | `row_limit`, `cell_limit`, `cell_limit_per_family`, `row_offset`, `cell_offset` | 5, 14, 10, 15, 16 |
/// | `keys_only`, `return_deletes` | 9, 3 |
/// | `row_regexp`, `value_regexp` | 11, 12 |
///
/// Row keys are bytes: percent-encode any byte, or send base64 with `encoding=base64`; they
/// reach the broker unchanged. `columns` and the regular expressions are text for the broker
/// (IDL `string`): bytes that are not UTF-8 there are a 400 naming the parameter.
/// Unknown parameters are refused (400) so that a typo never silently widens a scan.
public struct ScanParameters: Sendable {
    public var spec: ScanSpec
    public var encoding: CellEncoding

    public static let names: Set<String> = [
        "start_row", "start_inclusive", "end_row", "end_inclusive", "row_prefix", "columns",
        "start_time", "end_time", "revisions", "row_limit", "cell_limit", "cell_limit_per_family",
        "row_offset", "cell_offset", "keys_only", "return_deletes", "row_regexp", "value_regexp", "encoding",
    ]

    public init(query items: [QueryItem]) throws {
        let encoding = try CellEncoding(queryItems: items)
        var spec = ScanSpec()
        var seen: Set<String> = []
        var columns: [String] = []
        for item in items {
            let name = item.name
            guard Self.names.contains(name) else {
                throw Problem.badRequest("unknown scan parameter \"\(name)\"; known: "
                                         + Self.names.sorted().joined(separator: ", "))
            }
            if name == "columns" {
                columns += try Self.columnList(item.text())
                continue
            }
            guard seen.insert(name).inserted else {
                throw Problem.badRequest("parameter \"\(name)\" given more than once")
            }
        }
        func value(_ name: String) -> QueryItem? { items.first { $0.name == name } }

        let startRow = try value("start_row").map { try encoding.decodeBytes($0.valueBytes, field: "start_row") }
        let endRow = try value("end_row").map { try encoding.decodeBytes($0.valueBytes, field: "end_row") }
        let prefix = try value("row_prefix").map { try encoding.decodeBytes($0.valueBytes, field: "row_prefix") }
        let startInclusive = try value("start_inclusive").map { try Self.boolean($0) } ?? true
        let endInclusive = try value("end_inclusive").map { try Self.boolean($0) } ?? true
        if let prefix {
            guard startRow == nil && endRow == nil else {
                throw Problem.badRequest("row_prefix cannot be combined with start_row or end_row")
            }
            guard !prefix.isEmpty else { throw Problem.badRequest("row_prefix must not be empty") }
            spec.rowIntervals = [RowInterval(startRow: prefix, startInclusive: true,
                                             endRow: Self.successor(of: prefix), endInclusive: false)]
        } else if startRow != nil || endRow != nil || value("start_inclusive") != nil || value("end_inclusive") != nil {
            spec.rowIntervals = [RowInterval(startRow: startRow, startInclusive: startInclusive,
                                             endRow: endRow, endInclusive: endInclusive)]
        }
        spec.columns = columns
        spec.startTime = try value("start_time").map { try Self.timestamp($0) }
        spec.endTime = try value("end_time").map { try Self.timestamp($0) }
        if let start = spec.startTime, let end = spec.endTime, start > end {
            throw Problem.badRequest("start_time is after end_time")
        }
        spec.versions = try value("revisions").map { try Self.count($0, minimum: 1) } ?? 0
        spec.rowLimit = try value("row_limit").map { try Self.count($0) } ?? 0
        spec.cellLimit = try value("cell_limit").map { try Self.count($0) } ?? 0
        spec.cellLimitPerFamily = try value("cell_limit_per_family").map { try Self.count($0) } ?? 0
        spec.rowOffset = try value("row_offset").map { try Self.count($0) } ?? 0
        spec.cellOffset = try value("cell_offset").map { try Self.count($0) } ?? 0
        if spec.rowOffset > 0 && spec.cellOffset > 0 {
            throw Problem.badRequest("row_offset and cell_offset cannot be combined")
        }
        spec.keysOnly = try value("keys_only").map { try Self.boolean($0) } ?? false
        spec.returnDeletes = try value("return_deletes").map { try Self.boolean($0) } ?? false
        spec.rowRegexp = try value("row_regexp").map { try Self.text($0) }
        spec.valueRegexp = try value("value_regexp").map { try Self.text($0) }
        self.spec = spec
        self.encoding = encoding
    }

    /// The smallest byte string greater than every string that starts with `prefix`, or nil
    /// when there is none (a prefix of only 0xFF bytes: the scan runs to the table's end).
    static func successor(of prefix: Bytes) -> Bytes? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    /// `cf,cf:q` -> ["cf", "cf:q"]; each entry must name a column family.
    static func columnList(_ text: String) throws -> [String] {
        var columns: [String] = []
        // Split on scalars, not Characters: a combining mark right after ',' or ':' would
        // otherwise join it into one grapheme and hide the separator.
        for part in text.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false) {
            let column = String(String.UnicodeScalarView(part))
            guard let family = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first,
                  !family.isEmpty else {
                throw Problem.badRequest("columns: \"\(column)\" does not name a column family (cf or cf:qualifier)")
            }
            columns.append(column)
        }
        return columns
    }

    static func boolean(_ item: QueryItem) throws -> Bool {
        switch item.value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Problem.badRequest("\(item.name) must be true or false, not \"\(item.value)\"")
        }
    }

    /// A non-negative count that fits the IDL's i32.
    static func count(_ item: QueryItem, minimum: Int32 = 0) throws -> Int32 {
        guard let number = Int32(item.value), number >= minimum else {
            throw Problem.badRequest("\(item.name) must be an integer from \(minimum) to \(Int32.max), not \"\(item.value)\"")
        }
        return number
    }

    /// Nanoseconds since the epoch as a decimal integer (IDL i64).
    static func timestamp(_ item: QueryItem) throws -> Int64 {
        guard let number = Int64(item.value) else {
            throw Problem.badRequest("\(item.name) must be nanoseconds since the epoch (a decimal integer), not \"\(item.value)\"")
        }
        return number
    }

    /// A regular expression: IDL `string` fields 11 and 12, so UTF-8 text.
    static func text(_ item: QueryItem) throws -> String {
        let text = try item.text()
        guard !text.isEmpty else { throw Problem.badRequest("\(item.name) must not be empty") }
        return text
    }
}

extension CellEncoding {
    /// From `?encoding=`: `base64` forces base64 both ways; `utf8` (the default) writes UTF-8
    /// text as strings and anything else as base64 with a marker.
    init(queryItems: [QueryItem]) throws {
        guard let item = queryItems.first(where: { $0.name == "encoding" }) else {
            self.init()
            return
        }
        switch item.value {
        case "base64": self.init(forceBase64: true)
        case "utf8": self.init()
        default: throw Problem.badRequest("encoding must be base64 or utf8, not \"\(item.value)\"")
        }
    }

    /// A byte field received from the client (query parameter or path): base64-decoded when
    /// the request says `encoding=base64`, else taken as is.
    func decodeBytes(_ bytes: Bytes, field: String) throws -> Bytes {
        guard forceBase64 else { return bytes }
        // A `+` in a query string arrives as a space when the client did not percent-encode it.
        let repaired = bytes.map { $0 == 0x20 ? UInt8(ascii: "+") : $0 }
        guard let text = String(validating: repaired, as: UTF8.self), let decoded = Base64Text.decode(text) else {
            throw Problem.badRequest("\(field) is not valid base64 (encoding=base64)")
        }
        return decoded
    }
}
