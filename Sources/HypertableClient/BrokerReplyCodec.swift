import Thrift

/// A reply cell as Hypertable's ThriftBroker writes it (`convert_cell` in ThriftBroker.cc):
/// an empty column qualifier and an empty value are left unset, so a client sees them as
/// absent (Python: `None`), not as empty strings. Every other field is written as `Cell` does.
public struct BrokerReplyCell: ThriftStruct, Sendable {
    public var cell: Cell

    public init(_ cell: Cell) {
        self.cell = cell
    }

    public func write(to writer: inout ThriftBinaryWriter) {
        let key = cell.key
        writer.writeFieldBegin(.struct, id: 1)
        writer.writeBinaryField(1, key.row)
        writer.writeField(2, key.columnFamily)
        if !key.columnQualifier.isEmpty { writer.writeBinaryField(3, key.columnQualifier) }
        writer.writeField(4, key.timestamp)
        writer.writeField(5, key.revision)
        writer.writeField(6, key.flag.rawValue)
        writer.writeFieldStop()
        if let value = cell.value, !value.isEmpty { writer.writeBinaryField(2, value) }
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> BrokerReplyCell {
        BrokerReplyCell(try Cell.read(from: &reader))
    }
}

/// An `HqlResult` whose cells are written as `BrokerReplyCell`s.
public struct BrokerReplyHQLResult: ThriftStruct, Sendable {
    public var result: HQLResult

    public init(_ result: HQLResult) {
        self.result = result
    }

    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, result.results)
        writer.writeField(2, result.cells?.map(BrokerReplyCell.init))
        writer.writeField(3, result.scanner)
        writer.writeField(4, result.mutator)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> BrokerReplyHQLResult {
        BrokerReplyHQLResult(try HQLResult.read(from: &reader))
    }
}
