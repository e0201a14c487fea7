import Thrift

/// One reply cell read in place (IDL `struct Cell` and its `struct Key`): each byte field is
/// a range of the reply frame that `CellSpans.bytes` holds, so reading N cells costs one
/// array instead of three or four per cell. Fields mean what `Key` and `Cell` say.
public struct CellSpan: Sendable, Hashable {
    public var row: Range<Int>
    /// An IDL `string`: UTF-8, ill-formed sequences repaired when it becomes a `String`.
    public var columnFamily: Range<Int>
    public var columnQualifier: Range<Int>
    public var timestamp: Int64?
    public var revision: Int64?
    public var flag: KeyFlag
    /// Nil when the broker left `value` unset (it does so for an empty value).
    public var value: Range<Int>?

    /// What a cell without fields reads as (`Key(row: [])`, no value): empty ranges at `offset`.
    static func empty(at offset: Int) -> CellSpan {
        CellSpan(row: offset..<offset, columnFamily: offset..<offset, columnQualifier: offset..<offset,
                 timestamp: nil, revision: nil, flag: .insert, value: nil)
    }

    public init(row: Range<Int>, columnFamily: Range<Int>, columnQualifier: Range<Int>, timestamp: Int64?,
                revision: Int64?, flag: KeyFlag, value: Range<Int>?) {
        self.row = row
        self.columnFamily = columnFamily
        self.columnQualifier = columnQualifier
        self.timestamp = timestamp
        self.revision = revision
        self.flag = flag
        self.value = value
    }
}

/// The cells of one reply, in place: the bytes they were read from and where each cell's
/// fields lie in them. For callers that only write cells out (the gateway's point SELECT);
/// `cells` materializes them.
public struct CellSpans: Sendable {
    /// The bytes every span indexes (the reply frame, shared with the reader, not copied).
    public let bytes: [UInt8]
    public let spans: [CellSpan]

    public init(bytes: [UInt8], spans: [CellSpan]) {
        self.bytes = bytes
        self.spans = spans
    }

    /// `cells` laid out in a buffer of their own: for services that hold cells already
    /// (the embedded broker, test fakes).
    public init(_ cells: [Cell]) {
        var bytes: [UInt8] = []
        var spans: [CellSpan] = []
        spans.reserveCapacity(cells.count)
        func append(_ field: some Collection<UInt8>) -> Range<Int> {
            let start = bytes.count
            bytes.append(contentsOf: field)
            return start..<bytes.count
        }
        for cell in cells {
            spans.append(CellSpan(row: append(cell.key.row), columnFamily: append(cell.key.columnFamily.utf8),
                                  columnQualifier: append(cell.key.columnQualifier),
                                  timestamp: cell.key.timestamp, revision: cell.key.revision, flag: cell.key.flag,
                                  value: cell.value.map { append($0) }))
        }
        self.init(bytes: bytes, spans: spans)
    }

    public var count: Int { spans.count }

    /// The cells, materialized.
    public var cells: [Cell] { spans.indices.map(cell(at:)) }

    /// Cell `index`, materialized.
    public func cell(at index: Int) -> Cell {
        let span = spans[index]
        return bytes.withUnsafeBufferPointer { buffer in
            Cell(key: Key(row: Array(buffer[span.row]),
                          columnFamily: String(decoding: buffer[span.columnFamily], as: UTF8.self),
                          columnQualifier: Array(buffer[span.columnQualifier]),
                          timestamp: span.timestamp, revision: span.revision, flag: span.flag),
                 value: span.value.map { Array(buffer[$0]) })
        }
    }

    /// Reads a `list<Cell>` value, checking what `[Cell].read` checks and failing as it does.
    private static func readList(from reader: inout ThriftBinaryReader) throws -> CellSpans {
        let (elementType, count) = try reader.readListBegin()
        guard elementType == .struct || count == 0 else {
            throw ThriftError.wrongElementType(what: "list", expected: .struct, actual: elementType)
        }
        try reader.enter()
        var spans: [CellSpan] = []
        spans.reserveCapacity(count)
        for _ in 0..<count { spans.append(try readCell(from: &reader)) }
        reader.leave()
        return CellSpans(bytes: reader.bytes, spans: spans)
    }

    /// `Cell.read` and `Key.read` in one: the same fields, checks and defaults (a missing key
    /// is an empty one, unknown fields are skipped), ranges instead of copies.
    private static func readCell(from reader: inout ThriftBinaryReader) throws -> CellSpan {
        var span = CellSpan.empty(at: reader.position)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1:
                guard field.type == .struct else {
                    throw ThriftError.wrongFieldType(structName: "Cell", fieldID: 1, expected: .struct, actual: field.type)
                }
                let value = span.value
                span = try readKey(from: &reader)
                span.value = value
            case 2:
                span.value = try binaryRange(field, in: "Cell", from: &reader)
            default:
                return false
            }
            return true
        }
        return span
    }

    private static func readKey(from reader: inout ThriftBinaryReader) throws -> CellSpan {
        var span = CellSpan.empty(at: reader.position)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: span.row = try binaryRange(field, in: "Key", from: &reader)
            case 2: span.columnFamily = try binaryRange(field, in: "Key", from: &reader, text: true)
            case 3: span.columnQualifier = try binaryRange(field, in: "Key", from: &reader)
            case 4: span.timestamp = try reader.read(Int64.self, for: field, in: "Key")
            case 5: span.revision = try reader.read(Int64.self, for: field, in: "Key")
            case 6: span.flag = try KeyFlag.decode(try reader.read(Int32.self, for: field, in: "Key"))
            default: return false
            }
            return true
        }
        return span
    }

    /// A `binary` field's range, or a `string` field's (`text`: the IDL's `string`, so its
    /// errors name it so, as `Key.read` reading it as a `String` does).
    @inline(__always)
    private static func binaryRange(_ field: ThriftFieldHeader, in structName: String,
                                    from reader: inout ThriftBinaryReader, text: Bool = false) throws -> Range<Int> {
        guard field.type == .string else {
            throw ThriftError.wrongFieldType(structName: structName, fieldID: field.id, expected: .string, actual: field.type)
        }
        return try text ? reader.readStringRange() : reader.readBinaryRange()
    }
}

extension CellSpans: ThriftCodable {
    /// `list<Cell>` on the wire.
    public static var thriftType: ThriftType { .list }

    public static func read(from reader: inout ThriftBinaryReader) throws -> CellSpans {
        try readList(from: &reader)
    }

    public func write(to writer: inout ThriftBinaryWriter) {
        cells.write(to: &writer)
    }
}

/// `struct HqlResult` with its cells in place (`CellSpans`): what `hqlQuerySpans` answers.
public struct HQLSpanResult: Sendable {
    public var results: [String]?
    public var cells: CellSpans?
    public var scanner: Int64?
    public var mutator: Int64?

    public init(results: [String]? = nil, cells: CellSpans? = nil, scanner: Int64? = nil, mutator: Int64? = nil) {
        self.results = results
        self.cells = cells
        self.scanner = scanner
        self.mutator = mutator
    }

    /// A result whose cells were read whole.
    public init(_ result: HQLResult) {
        self.init(results: result.results, cells: result.cells.map(CellSpans.init), scanner: result.scanner,
                  mutator: result.mutator)
    }
}

extension HQLSpanResult: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        HQLResult(results: results, cells: cells?.cells, scanner: scanner, mutator: mutator).write(to: &writer)
    }

    /// `HQLResult.read`, field for field, with field 2 read in place.
    public static func read(from reader: inout ThriftBinaryReader) throws -> HQLSpanResult {
        var result = HQLSpanResult()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: result.results = try reader.read([String].self, for: field, in: "HqlResult")
            case 2: result.cells = try reader.read(CellSpans.self, for: field, in: "HqlResult")
            case 3: result.scanner = try reader.read(Int64.self, for: field, in: "HqlResult")
            case 4: result.mutator = try reader.read(Int64.self, for: field, in: "HqlResult")
            default: return false
            }
            return true
        }
        return result
    }
}
