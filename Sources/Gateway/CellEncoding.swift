import HypertableClient
import Support

/// How cells become JSON. Rows, qualifiers and values are bytes: each is a JSON string when
/// it is valid UTF-8, else base64 with a sibling `<field>_encoding: "base64"` marker;
/// `forceBase64` (the `?encoding=base64` parameter) writes every byte field as base64.
/// Timestamps are nanoseconds since the epoch, above 2^53, so they are written as decimal
/// strings that JavaScript cannot round.
public struct CellEncoding: Sendable {
    public var forceBase64: Bool

    public init(forceBase64: Bool = false) { self.forceBase64 = forceBase64 }

    /// Writes one cell as a JSON object. Names are static (written as they are, not scanned
    /// for escapes) and the timestamp's digits go straight into the buffer.
    public func write(_ cell: Cell, into json: inout JSONWriter) {
        json.beginObject()
        writeCellBytes("row", cell.key.row, into: &json)
        json.staticKey("column_family")
        json.string(cell.key.columnFamily)
        writeCellBytes("column_qualifier", cell.key.columnQualifier, into: &json)
        if let timestamp = cell.key.timestamp {
            json.staticKey("timestamp")
            json.decimalString(timestamp)
        }
        if cell.key.flag != .insert {
            json.staticKey("flag")
            json.string(Self.flagName(cell.key.flag))
        }
        // The broker leaves an empty value unset (ThriftBroker `convert_cell`): Hypertable has
        // no difference between the two, so both are "".
        writeCellBytes("value", cell.value ?? [], into: &json)
        json.endObject()
    }

    /// `write(_:into:)` for a cell read in place: its fields are read from `bytes` (the
    /// buffer its `CellSpans` holds) and copied once, into `json`. The same JSON, byte for byte.
    public func write(_ span: CellSpan, in bytes: UnsafeBufferPointer<UInt8>, into json: inout JSONWriter) {
        let row = UnsafeBufferPointer(rebasing: bytes[span.row])
        let family = UnsafeBufferPointer(rebasing: bytes[span.columnFamily])
        let qualifier = UnsafeBufferPointer(rebasing: bytes[span.columnQualifier])
        let value = span.value.map { UnsafeBufferPointer(rebasing: bytes[$0]) } ?? UnsafeBufferPointer(start: nil, count: 0)
        if !forceBase64, JSONWriter.isPlainASCII(row), JSONWriter.isPlainASCII(family),
           JSONWriter.isPlainASCII(qualifier), JSONWriter.isPlainASCII(value) {
            // Nearly every cell: all four strings written as they are, so the object is written
            // in one pass into room measured for it (the `JSONWriter` calls below check
            // capacity, uniqueness and the separator per member: three times the instructions).
            let room = Self.plainCellRoom + row.count + family.count + qualifier.count + value.count
            json.rawValue(maximumCount: room) { start in
                var cell = RawJSONCursor(start)
                cell.put(#"{"row":""#)
                cell.put(row)
                cell.put(#"","column_family":""#)
                cell.put(family)
                cell.put(#"","column_qualifier":""#)
                cell.put(qualifier)
                cell.put(#"""#)
                if let timestamp = span.timestamp {
                    cell.put(#","timestamp":""#)
                    cell.putDecimal(timestamp)
                    cell.put(#"""#)
                }
                if span.flag != .insert {
                    cell.put(#","flag":""#)
                    cell.put(Self.flagSpelling(span.flag))
                    cell.put(#"""#)
                }
                cell.put(#","value":""#)
                cell.put(value)
                cell.put(#""}"#)
                return cell.next
            }
            return
        }
        json.beginObject()
        writeCellBytes("row", row, into: &json)
        if !json.plainASCIIField("column_family", family) {
            json.staticKey("column_family")
            if isValidUTF8(family) {
                json.string(utf8: family)
            } else {
                // As `Key.columnFamily` reads it: an IDL `string`, ill-formed sequences repaired.
                json.string(String(decoding: family, as: UTF8.self))
            }
        }
        writeCellBytes("column_qualifier", qualifier, into: &json)
        if let timestamp = span.timestamp {
            json.staticKey("timestamp")
            json.decimalString(timestamp)
        }
        if span.flag != .insert {
            json.staticKey("flag")
            json.string(Self.flagName(span.flag))
        }
        writeCellBytes("value", value, into: &json)
        json.endObject()
    }

    /// A plain cell's bytes but its four strings: names and punctuation (80), a timestamp of
    /// at most 20 digits and a sign, the longest flag member (32), rounded up.
    private static let plainCellRoom = 160

    /// Writes `name: bytes` (a string or base64 plus marker).
    public func writeBytes(_ name: String, _ bytes: Bytes, into json: inout JSONWriter) {
        if !forceBase64 && isValidUTF8(bytes) {
            json.key(name)
            json.string(utf8: bytes)
        } else {
            json.key(name)
            json.string(utf8: Base64Text.encode(bytes))
            json.field(name + "_encoding", "base64")
        }
    }

    /// `writeBytes` for a cell's own field names (`row`, `column_qualifier`, `value`).
    func writeCellBytes(_ name: StaticString, _ bytes: Bytes, into json: inout JSONWriter) {
        bytes.withUnsafeBufferPointer { writeCellBytes(name, $0, into: &json) }
    }

    func writeCellBytes(_ name: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, into json: inout JSONWriter) {
        if !forceBase64 && json.plainASCIIField(name, bytes) { return }
        if !forceBase64 && isValidUTF8(bytes) {
            json.staticField(name, utf8: bytes)
        } else {
            json.staticField(name, utf8: Base64Text.encode(Array(bytes)))
            json.field("\(name)_encoding", "base64")
        }
    }

    static func flagName(_ flag: KeyFlag) -> String {
        flagSpelling(flag).description
    }

    static func flagSpelling(_ flag: KeyFlag) -> StaticString {
        switch flag {
        case .deleteRow: return "delete_row"
        case .deleteColumnFamily: return "delete_column_family"
        case .deleteCell: return "delete_cell"
        case .deleteCellVersion: return "delete_cell_version"
        case .insert: return "insert"
        }
    }
}

/// True when `bytes` is well-formed UTF-8 (ASCII fast path first).
public func isValidUTF8(_ bytes: Bytes) -> Bool {
    bytes.withUnsafeBufferPointer(isValidUTF8)
}

public func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    UTF8Text.isValid(bytes)
}
