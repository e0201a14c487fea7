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
    static let allowedKeys: Set<String> = [
        "row", "row_encoding", "column_family", "column_qualifier", "column_qualifier_encoding",
        "value", "value_encoding", "timestamp", "flag",
    ]

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

    static func cell(_ element: Any, encoding: CellEncoding, position: String) throws -> Cell {
        guard let object = element as? [String: Any] else {
            throw Problem.badRequest("\(position): expected a JSON object")
        }
        for key in object.keys where !allowedKeys.contains(key) {
            throw Problem.badRequest("\(position): unknown member \"\(key)\"")
        }
        let flag = try self.flag(object["flag"], position: position)
        guard let row = try bytes(object, "row", encoding: encoding, position: position), !row.isEmpty else {
            throw Problem.badRequest("\(position): \"row\" is required and must not be empty")
        }
        // A name, except for a row delete, which names none: absent or empty, as the gateway's
        // own cell output writes it (as openapi.yaml states it, so a request valid by the
        // contract is never refused here and one outside it always is).
        let family: String
        switch object["column_family"] {
        case let name as String where !name.isEmpty: family = name
        case "" as String where flag == .deleteRow: family = ""
        case nil where flag == .deleteRow: family = ""
        case nil: throw Problem.badRequest("\(position): \"column_family\" is required")
        default: throw Problem.badRequest("\(position): \"column_family\" must be a non-empty string")
        }
        let qualifier = try bytes(object, "column_qualifier", encoding: encoding, position: position) ?? []
        let value = try bytes(object, "value", encoding: encoding, position: position)
        let timestamp = try self.timestamp(object["timestamp"], position: position)
        if flag == .deleteCellVersion && timestamp == nil {
            throw Problem.badRequest("\(position): delete_cell_version needs a timestamp")
        }
        return Cell(key: Key(row: row, columnFamily: family, columnQualifier: qualifier, timestamp: timestamp,
                             flag: flag),
                    value: flag == .insert ? (value ?? []) : value)
    }

    static func bytes(_ object: [String: Any], _ name: String, encoding: CellEncoding,
                      position: String) throws -> Bytes? {
        let base64: Bool
        switch object[name + "_encoding"] {
        case nil, is NSNull: base64 = encoding.forceBase64
        case let marker as String where marker == "base64": base64 = true
        case let marker as String where marker == "utf8" || marker == "utf-8": base64 = false
        default: throw Problem.badRequest("\(position): \"\(name)_encoding\" must be \"base64\" or \"utf8\"")
        }
        switch object[name] {
        case nil, is NSNull:
            return nil
        case let text as String:
            guard base64 else { return Array(text.utf8) }
            guard let decoded = Base64Text.decode(text) else {
                throw Problem.badRequest("\(position): \"\(name)\" is not valid base64")
            }
            return decoded
        default:
            throw Problem.badRequest("\(position): \"\(name)\" must be a string")
        }
    }

    static func flag(_ value: Any?, position: String) throws -> KeyFlag {
        switch value {
        case nil, is NSNull: return .insert
        case let name as String:
            if let flag = KeyFlag.allCases.first(where: { CellEncoding.flagName($0) == name }) { return flag }
            fallthrough
        default:
            throw Problem.badRequest("\(position): \"flag\" must be one of "
                                     + KeyFlag.allCases.map { CellEncoding.flagName($0) }.joined(separator: ", "))
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
