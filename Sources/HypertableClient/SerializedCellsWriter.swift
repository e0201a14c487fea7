/// Builds a `CellsSerialized` buffer byte for byte as Hypertable's `SerializedCellsWriter`
/// (growing mode) does; `SerializedCellsFormat` describes the layout.
public struct SerializedCellsWriter: Sendable {
    public private(set) var bytes: Bytes = []
    private var previousRow: Bytes?

    public init() {}

    /// True until the first cell (or the end byte) is written.
    public var isEmpty: Bool { bytes.isEmpty }

    /// The room `SerializedCellsWriter::add` asks for before writing `cell`: what it appends
    /// plus the reserve the C++ code counts (`9 + family + 3 + qualifier + value + 1`, the
    /// version on an empty buffer, the row when it changes, 8 for a timestamp). A fixed-size
    /// writer refuses a cell that does not fit (unless its buffer is empty), which is how
    /// `scanner_get_cells_serialized` cuts batches at `ThriftBroker.NextThreshold`.
    public func reservedSize(of cell: Cell) -> Int {
        let key = cell.key
        let row = Self.cString(key.row)
        var length = 9 + Self.cString(Bytes(key.columnFamily.utf8)).count + 3
            + Self.cString(key.columnQualifier).count + (cell.value?.count ?? 0) + 1
        if bytes.isEmpty { length += 4 }
        if row != previousRow { length += row.count }
        if Self.hasTimestamp(key) { length += 8 }
        return length
    }

    /// Appends one cell. A nil (or AUTO_ASSIGN) timestamp is written as AUTO_TIMESTAMP,
    /// TIMESTAMP_NULL as no timestamp flag at all, any other as HAVE_TIMESTAMP; the revision is
    /// never written (the C++ writer has no argument for it).
    /// Rows, families and qualifiers are C strings there (`strlen`), so they end at their
    /// first NUL byte here too.
    /// - Throws: `INVALID_ARGUMENT` for an empty row, as the C++ writer does.
    public mutating func add(_ cell: Cell) throws(ClientException) {
        let key = cell.key
        let row = Self.cString(key.row)
        guard !row.isEmpty else {
            throw ClientException(.invalidArgument, "Attempt to add empty row key to serialized cells buffer")
        }
        if bytes.isEmpty { appendInt32(SerializedCellsFormat.version) }
        switch key.timestamp {
        case nil, SerializedCellsFormat.autoAssign:
            bytes.append(SerializedCellsFormat.Flags.autoTimestamp.rawValue)
        case SerializedCellsFormat.timestampNull:
            bytes.append(0)
        case let timestamp?:
            bytes.append(SerializedCellsFormat.Flags.haveTimestamp.rawValue)
            appendInt64(timestamp)
        }
        if row != previousRow {
            bytes.append(contentsOf: row)
            previousRow = row
        }
        bytes.append(0)
        bytes.append(contentsOf: Self.cString(Bytes(key.columnFamily.utf8)))
        bytes.append(0)
        bytes.append(contentsOf: Self.cString(key.columnQualifier))
        bytes.append(0)
        let value = cell.value ?? []
        appendInt32(Int32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
        bytes.append(UInt8(truncatingIfNeeded: key.flag.rawValue))
    }

    /// Writes the end byte (EOB or'ed with `flags`, e.g. `.endOfScan`) and returns the buffer.
    /// An empty buffer still gets its version first (`SerializedCellsWriter::finalize`).
    public mutating func finalize(_ flags: SerializedCellsFormat.Flags = []) -> Bytes {
        if bytes.isEmpty { appendInt32(SerializedCellsFormat.version) }
        bytes.append(SerializedCellsFormat.Flags.endOfBuffer.union(flags).rawValue)
        return bytes
    }

    /// Every cell, then EOB|`flags`: what `get_cells_serialized` answers with `.endOfScan`.
    public static func serialize(_ cells: [Cell], flags: SerializedCellsFormat.Flags = .endOfScan) throws(ClientException) -> Bytes {
        var writer = SerializedCellsWriter()
        for cell in cells { try writer.add(cell) }
        return writer.finalize(flags)
    }

    private static func hasTimestamp(_ key: Key) -> Bool {
        guard let timestamp = key.timestamp else { return false }
        return timestamp != SerializedCellsFormat.autoAssign && timestamp != SerializedCellsFormat.timestampNull
    }

    private static func cString(_ bytes: Bytes) -> Bytes {
        guard let end = bytes.firstIndex(of: 0) else { return bytes }
        return Bytes(bytes[..<end])
    }

    private mutating func appendInt32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func appendInt64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
