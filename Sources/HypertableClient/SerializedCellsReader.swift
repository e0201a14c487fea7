/// Reads a `CellsSerialized` buffer as Hypertable's `SerializedCellsReader` does (the broker
/// side of `set_cells_serialized` and `mutator_set_cells_serialized`); `SerializedCellsFormat`
/// describes the layout. Errors carry the codes the C++ reader throws.
public struct SerializedCellsReader: Sendable {
    private let bytes: Bytes
    private var position = 4
    private var previousRow: Bytes?
    /// The C++ reader keeps its timestamp member from cell to cell: a cell whose flags give
    /// neither HAVE_TIMESTAMP nor AUTO_TIMESTAMP gets the previous cell's (initially
    /// TIMESTAMP_NULL).
    private var timestamp = SerializedCellsFormat.timestampNull
    /// The end byte, once read.
    public private(set) var endFlags: SerializedCellsFormat.Flags?

    /// - Throws: `SERIALIZATION_INPUT_OVERRUN` for a buffer shorter than the version,
    ///   `SERIALIZATION_VERSION_MISMATCH` for a version other than 1.
    public init(_ bytes: Bytes) throws(ClientException) {
        self.bytes = bytes
        guard bytes.count >= 4 else { throw Self.overrun() }
        let version = Self.int32(bytes, at: 0)
        guard version == SerializedCellsFormat.version else {
            throw ClientException(.serializationVersionMismatch, "")
        }
    }

    /// True when the end byte asked for a flush (`SerializedCellsFlag::FLUSH`).
    public var flush: Bool { endFlags?.contains(.flush) ?? false }
    /// True when the end byte marked the end of a scan (`SerializedCellsFlag::EOS`).
    public var endOfScan: Bool { endFlags?.contains(.endOfScan) ?? false }

    /// The next cell, or nil at the end byte. A timestamp of AUTO_ASSIGN or TIMESTAMP_NULL
    /// reads as nil (the broker assigns one), any other as itself.
    /// - Throws: `SERIALIZATION_INPUT_OVERRUN` when the buffer ends inside a cell or before
    ///   its end byte; `BAD_FORMAT` for a first cell without a row; `BAD_KEY` for a cell
    ///   flag that is not a `KeyFlag`.
    public mutating func next() throws(ClientException) -> Cell? {
        if endFlags != nil { return nil }
        guard position < bytes.count else { throw Self.overrun() }
        let flags = SerializedCellsFormat.Flags(rawValue: bytes[position])
        position += 1
        if flags.contains(.endOfBuffer) {
            endFlags = flags
            return nil
        }
        if flags.contains(.haveTimestamp) {
            timestamp = try readInt64()
        } else if flags.contains(.autoTimestamp) {
            timestamp = SerializedCellsFormat.autoAssign
        }
        var revision: Int64?
        if flags.contains(.revisionIsTimestamp) {
            revision = timestamp
        } else if flags.contains(.haveRevision) {
            revision = try readInt64()
        }
        guard position < bytes.count else { throw Self.overrun() }
        let row: Bytes
        if bytes[position] == 0 {
            guard let previousRow else {
                throw ClientException(.badFormat, "Empty row key found in serialized cells buffer")
            }
            row = previousRow
            position += 1
        } else {
            row = try readCString()
            previousRow = row
        }
        var family = try readCString()
        var qualifier = try readCString()
        guard bytes.count - position >= 4 else { throw Self.overrun() }
        let length = Int(UInt32(bitPattern: Self.int32(bytes, at: position)))
        position += 4
        guard length <= bytes.count - position else { throw Self.overrun() }
        let value = Bytes(bytes[position..<(position + length)])
        position += length
        guard position < bytes.count else { throw Self.overrun() }
        let rawFlag = bytes[position]
        position += 1
        guard let flag = KeyFlag(rawValue: Int32(rawFlag)) else {
            throw ClientException(.badKey, "Invalid cell flag \(rawFlag) in serialized cells buffer")
        }
        if flag == .deleteRow {
            family = []
            qualifier = []
        }
        let assigned = timestamp == SerializedCellsFormat.autoAssign || timestamp == SerializedCellsFormat.timestampNull
        let key = Key(row: row, columnFamily: String(decoding: family, as: UTF8.self), columnQualifier: qualifier,
                      timestamp: assigned ? nil : timestamp,
                      revision: revision.flatMap { $0 == SerializedCellsFormat.timestampNull ? nil : $0 }, flag: flag)
        return Cell(key: key, value: value)
    }

    /// Every cell up to the end byte.
    public mutating func readAll() throws(ClientException) -> [Cell] {
        var cells: [Cell] = []
        while let cell = try next() { cells.append(cell) }
        return cells
    }

    private mutating func readCString() throws(ClientException) -> Bytes {
        guard let end = bytes[position...].firstIndex(of: 0) else { throw Self.overrun() }
        let string = Bytes(bytes[position..<end])
        position = end + 1
        return string
    }

    private mutating func readInt64() throws(ClientException) -> Int64 {
        guard bytes.count - position >= 8 else { throw Self.overrun() }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Int64(bitPattern: value)
    }

    private static func int32(_ bytes: Bytes, at offset: Int) -> Int32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return Int32(bitPattern: value)
    }

    private static func overrun() -> ClientException {
        ClientException(.serializationInputOverrun, "")
    }
}
