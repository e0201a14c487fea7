import Foundation
import HTTPServer
import HypertableClient

/// Cells sent to `POST .../cells`: a JSON array of cell objects, or NDJSON (one cell object per
/// line, `Content-Type: application/x-ndjson`). A cell object has the shape the gateway writes:
///
///     {"row": "r1", "column_family": "cf", "column_qualifier": "q", "value": "v",
///      "timestamp": "1700000000000000000", "flag": "insert"}
///
/// `column_qualifier`, `value`, `timestamp` (decimal string or integer, nanoseconds) and `flag`
/// (`insert`, `delete_row`, `delete_column_family`, `delete_cell`, `delete_cell_version`) are
/// optional. Byte fields (`row`, `column_qualifier`, `value`) are UTF-8 text, or base64 when
/// their sibling `<field>_encoding` is `"base64"` or the request says `?encoding=base64`.
/// Both formats are read as they arrive (`CellRecordReader`) and written in batches (`CellUpload`).
enum CellInput {
    static let allowedKeys = Set(CellMembers.names.map(\.description))

    /// The body's format from `Content-Type` (JSON when absent); 415 for anything else.
    static func format(of request: HTTPRequest) throws -> CellRecordReader.Format {
        let contentType = (request.headers["Content-Type"] ?? "application/json").lowercased()
        if contentType.hasPrefix("application/x-ndjson") || contentType.hasPrefix("application/ndjson")
            || contentType.hasPrefix("application/jsonl") {
            return .ndjson
        }
        guard contentType.hasPrefix("application/json") else {
            throw Problem.unsupportedMediaType("send cells as application/json (an array) or application/x-ndjson")
        }
        return .jsonArray
    }

    static func parse(_ json: Data, what: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw Problem.badRequest("\(what) is not valid JSON")
        }
    }

    /// The cell in one record (an NDJSON line or an array element): read by `PlainJSONObject`
    /// when every member is a plain string with a name a cell has, by `JSONSerialization`
    /// otherwise (the same cell, or the full parser's verdict on what the plain reader leaves).
    static func cell(record: Data, encoding: CellEncoding, position: String) throws -> Cell {
        let plain = record.withUnsafeBytes { raw in
            PlainJSONObject.parse(raw.bindMemory(to: UInt8.self), names: CellMembers.names)
        }
        if let plain {
            return try cell(CellMembers(plain.map { $0.map(CellMember.string) }), encoding: encoding, position: position)
        }
        return try cell(parse(record, what: position), encoding: encoding, position: position)
    }

    static func cell(_ element: Any, encoding: CellEncoding, position: String) throws -> Cell {
        guard let object = element as? [String: Any] else {
            throw Problem.badRequest("\(position): expected a JSON object")
        }
        // The first in name order: a dictionary's own order differs from one parse to the next.
        if let unknown = object.keys.filter({ !allowedKeys.contains($0) }).min() {
            throw Problem.badRequest("\(position): unknown member \"\(unknown)\"")
        }
        return try cell(CellMembers(CellMembers.names.map { object[$0.description].map(CellMember.init) }),
                        encoding: encoding, position: position)
    }

    /// A cell object's members, each as JSON gave it (nil: absent), in `names` order.
    struct CellMembers {
        static let names: [StaticString] = [
            "row", "row_encoding", "column_family", "column_qualifier", "column_qualifier_encoding",
            "value", "value_encoding", "timestamp", "flag",
        ]
        let values: [CellMember?]

        init(_ values: [CellMember?]) { self.values = values }

        var row: CellMember? { values[0] }
        var rowEncoding: CellMember? { values[1] }
        var columnFamily: CellMember? { values[2] }
        var columnQualifier: CellMember? { values[3] }
        var columnQualifierEncoding: CellMember? { values[4] }
        var value: CellMember? { values[5] }
        var valueEncoding: CellMember? { values[6] }
        var timestamp: CellMember? { values[7] }
        var flag: CellMember? { values[8] }
    }

    /// One member's value: the cases the checks tell apart, anything else kept as it came.
    enum CellMember {
        case string(String)
        case null
        case other(Any)

        init(_ value: Any) {
            switch value {
            case let text as String: self = .string(text)
            case is NSNull: self = .null
            default: self = .other(value)
            }
        }
    }

    private static func cell(_ members: CellMembers, encoding: CellEncoding, position: String) throws -> Cell {
        let flag = try self.flag(members.flag, position: position)
        guard let row = try bytes(members.row, "row", marker: members.rowEncoding, encoding: encoding, position: position),
              !row.isEmpty else {
            throw Problem.badRequest("\(position): \"row\" is required and must not be empty")
        }
        // A name, except for a row delete, which names none: absent or empty, as the gateway's
        // own cell output writes it (as openapi.yaml states it, so a request valid by the
        // contract is never refused here and one outside it always is).
        let family: String
        switch members.columnFamily {
        case .string(let name) where !name.isEmpty: family = name
        case .string where flag == .deleteRow: family = ""
        case nil where flag == .deleteRow: family = ""
        case nil: throw Problem.badRequest("\(position): \"column_family\" is required")
        default: throw Problem.badRequest("\(position): \"column_family\" must be a non-empty string")
        }
        let qualifier = try bytes(members.columnQualifier, "column_qualifier", marker: members.columnQualifierEncoding,
                                  encoding: encoding, position: position) ?? []
        let value = try bytes(members.value, "value", marker: members.valueEncoding, encoding: encoding, position: position)
        let timestamp = try self.timestamp(members.timestamp, position: position)
        if flag == .deleteCellVersion && timestamp == nil {
            throw Problem.badRequest("\(position): delete_cell_version needs a timestamp")
        }
        return Cell(key: Key(row: row, columnFamily: family, columnQualifier: qualifier, timestamp: timestamp,
                             flag: flag),
                    value: flag == .insert ? (value ?? []) : value)
    }

    /// A byte field: its text, or base64 when its `<name>_encoding` marker (or the request)
    /// says so; nil when absent or null.
    static func bytes(_ member: CellMember?, _ name: String, marker: CellMember?, encoding: CellEncoding,
                      position: String) throws -> Bytes? {
        let base64: Bool
        switch marker {
        case nil, .null: base64 = encoding.forceBase64
        case .string("base64"): base64 = true
        case .string("utf8"), .string("utf-8"): base64 = false
        default: throw Problem.badRequest("\(position): \"\(name)_encoding\" must be \"base64\" or \"utf8\"")
        }
        switch member {
        case nil, .null:
            return nil
        case .string(let text):
            guard base64 else { return Array(text.utf8) }
            guard let decoded = Base64Text.decode(text) else {
                throw Problem.badRequest("\(position): \"\(name)\" is not valid base64")
            }
            return decoded
        case .other:
            throw Problem.badRequest("\(position): \"\(name)\" must be a string")
        }
    }

    static func flag(_ member: CellMember?, position: String) throws -> KeyFlag {
        switch member {
        case nil, .null: return .insert
        case .string(let name):
            if let flag = KeyFlag.allCases.first(where: { CellEncoding.flagName($0) == name }) { return flag }
            fallthrough
        default:
            throw Problem.badRequest("\(position): \"flag\" must be one of "
                                     + KeyFlag.allCases.map { CellEncoding.flagName($0) }.joined(separator: ", "))
        }
    }

    static func timestamp(_ member: CellMember?, position: String) throws -> Int64? {
        switch member {
        case nil, .null: return nil
        case .string(let text): return try timestamp(text, position: position)
        case .other(let value): return try timestamp(value, position: position)
        }
    }

    /// Nanoseconds since the epoch: a decimal string (exact for every i64) or a JSON integer.
    static func timestamp(_ value: Any?, position: String) throws -> Int64? {
        switch value {
        case nil, is NSNull:
            return nil
        case let text as String:
            guard let number = Int64(text) else {
                throw Problem.badRequest("\(position): \"timestamp\" must be nanoseconds since the epoch (decimal)")
            }
            return number
        case let number as NSNumber where !SchemaJSON.isBoolean(number):
            // Reject fractions; an integer written as 2.0 is one, as in JSON Schema.
            guard let exact = SchemaJSON.exactInteger(number) else {
                throw Problem.badRequest("\(position): \"timestamp\" must be an integer (send it as a string to be exact)")
            }
            return exact
        default:
            throw Problem.badRequest("\(position): \"timestamp\" must be a decimal string or an integer")
        }
    }
}
