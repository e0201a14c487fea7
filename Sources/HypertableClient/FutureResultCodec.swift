import Thrift

/// How a `FutureResult`'s cells (field 7) go on the wire: `list<Cell>` as the broker writes
/// reply cells, `list<CellAsArray>`, or `CellsSerialized` (binary).
public protocol FutureResultCells: Sendable, Hashable {
    func writeField(_ id: Int16, to writer: inout ThriftBinaryWriter)
    static func readField(_ field: ThriftFieldHeader, from reader: inout ThriftBinaryReader) throws -> Self
}

extension Array: FutureResultCells where Element == Cell {
    /// `_convert_result` fills `tresult.cells` with `convert_cell`: empty qualifiers and
    /// values unset, as `BrokerReplyCell` writes them.
    public func writeField(_ id: Int16, to writer: inout ThriftBinaryWriter) {
        writer.writeField(id, map(BrokerReplyCell.init))
    }

    public static func readField(_ field: ThriftFieldHeader, from reader: inout ThriftBinaryReader) throws -> [Cell] {
        try reader.read([Cell].self, for: field, in: "Result")
    }
}

/// The cells of a `ResultAsArrays` or `HqlResult2` (`list<CellAsArray>`).
public struct CellArrays: FutureResultCells {
    public var arrays: [[Bytes]]

    public init(_ arrays: [[Bytes]]) { self.arrays = arrays }

    public func writeField(_ id: Int16, to writer: inout ThriftBinaryWriter) {
        writer.writeField(id, arrays.map { $0.map(ThriftBinary.init) })
    }

    public static func readField(_ field: ThriftFieldHeader, from reader: inout ThriftBinaryReader) throws -> CellArrays {
        CellArrays(try reader.read([[ThriftBinary]].self, for: field, in: "ResultAsArrays").map { $0.map(\.bytes) })
    }
}

/// The cells of a `ResultSerialized` (`CellsSerialized`).
public struct SerializedCells: FutureResultCells {
    public var bytes: Bytes

    public init(_ bytes: Bytes) { self.bytes = bytes }

    public func writeField(_ id: Int16, to writer: inout ThriftBinaryWriter) {
        writer.writeBinaryField(id, bytes)
    }

    public static func readField(_ field: ThriftFieldHeader, from reader: inout ThriftBinaryReader) throws -> SerializedCells {
        SerializedCells(try reader.readBinary(for: field, in: "ResultSerialized"))
    }
}

extension FutureResult: ThriftCodable, ThriftStruct where Cells: FutureResultCells {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, isEmpty)
        writer.writeField(2, id)
        writer.writeField(3, isScan)
        writer.writeField(4, isError)
        writer.writeField(5, error)
        writer.writeField(6, errorMessage)
        cells?.writeField(7, to: &writer)
        writer.writeFieldStop()
    }

    /// Fields 1-4 are `required`.
    public static func read(from reader: inout ThriftBinaryReader) throws -> FutureResult {
        var isEmpty: Bool?
        var id: Int64?
        var isScan: Bool?
        var isError: Bool?
        var result = FutureResult(isEmpty: true)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: isEmpty = try reader.read(Bool.self, for: field, in: "Result")
            case 2: id = try reader.read(Int64.self, for: field, in: "Result")
            case 3: isScan = try reader.read(Bool.self, for: field, in: "Result")
            case 4: isError = try reader.read(Bool.self, for: field, in: "Result")
            case 5: result.error = try reader.read(Int32.self, for: field, in: "Result")
            case 6: result.errorMessage = try reader.read(String.self, for: field, in: "Result")
            case 7: result.cells = try Cells.readField(field, from: &reader)
            default: return false
            }
            return true
        }
        guard let isEmpty else { throw ThriftError.missingRequiredField(structName: "Result", field: "is_empty") }
        guard let id else { throw ThriftError.missingRequiredField(structName: "Result", field: "id") }
        guard let isScan else { throw ThriftError.missingRequiredField(structName: "Result", field: "is_scan") }
        guard let isError else { throw ThriftError.missingRequiredField(structName: "Result", field: "is_error") }
        result.isEmpty = isEmpty
        result.id = id
        result.isScan = isScan
        result.isError = isError
        return result
    }
}
