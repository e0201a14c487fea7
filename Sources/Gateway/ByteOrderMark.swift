/// The UTF-8 byte-order mark (EF BB BF) that some editors and Windows tools put before text.
/// Every body the gateway reads as text (cell uploads as a JSON array or NDJSON, table schemas
/// as JSON, HQL as plain text or JSON) accepts it and skips it, so that one file saved by such
/// a tool works with every route alike, rather than failing with one and not the other.
enum ByteOrderMark {
    static let utf8: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `bytes` without a leading byte-order mark.
    static func stripped(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: utf8) ? bytes.dropFirst(utf8.count) : bytes[...]
    }
}
