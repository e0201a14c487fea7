/// The layout of a `CellsSerialized` buffer (Client.thrift: "Binary buffer holding serialized
/// sequence of cells"), as Hypertable 0.9.8's `SerializedCellsWriter` / `SerializedCellsReader`
/// define it. Integers are little-endian (Hypertable's `Serialization::encode_i32/_i64`).
///
///     i32 version (1)
///     per cell:
///       u8  flags                      AUTO_TIMESTAMP, or HAVE_TIMESTAMP followed by
///       [i64 timestamp]                the timestamp; HAVE_REVISION (without REV_IS_TS)
///       [i64 revision]                 adds a revision (the writer never sets it)
///       row NUL                        a lone NUL: the previous cell's row
///       column family NUL
///       column qualifier NUL
///       i32 value length, value bytes
///       u8  cell flag                  `KeyFlag` (255 insert, 0..3 deletes)
///     u8  EOB, or'ed with EOS (end of scan) or FLUSH (the writer asks for a mutator flush)
public enum SerializedCellsFormat {
    /// `SerializedCellsVersion::SCVERSION`.
    public static let version: Int32 = 1

    /// `SerializedCellsFlag` bits. EOB/EOS/FLUSH mark the end byte; the others a cell's flags.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let endOfBuffer = Flags(rawValue: 0x01)
        public static let endOfScan = Flags(rawValue: 0x02)
        public static let flush = Flags(rawValue: 0x04)
        public static let revisionIsTimestamp = Flags(rawValue: 0x10)
        public static let autoTimestamp = Flags(rawValue: 0x20)
        public static let haveTimestamp = Flags(rawValue: 0x40)
        public static let haveRevision = Flags(rawValue: 0x80)
    }

    /// Hypertable's `TIMESTAMP_NULL` (KeySpec.h: INT64_MIN + 1): no timestamp at all.
    public static let timestampNull = Int64.min + 1
    /// Hypertable's `AUTO_ASSIGN` (INT64_MIN + 2): the broker assigns the timestamp.
    public static let autoAssign = Int64.min + 2
}
