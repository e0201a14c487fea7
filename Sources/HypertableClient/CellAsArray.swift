/// `typedef list<string> CellAsArray` (Client.thrift): a cell as a list of strings, for
/// languages where structs are costly. Converted as ThriftBroker.cc's `convert_cell`
/// overloads do.
public enum CellAsArray {
    /// A reply cell: always five elements, `[row, family, qualifier, value, timestamp]`, an
    /// absent qualifier or value as "" and the timestamp in decimal, printed unsigned
    /// (`format("%llu", timestamp)`); revision and flag are not returned (IDL: "Note, revision
    /// and cell flag are not returned for the array interface").
    public static func encode(_ cell: Cell) -> [Bytes] {
        let timestamp = UInt64(bitPattern: cell.key.timestamp ?? SerializedCellsFormat.autoAssign)
        return [cell.key.row, Bytes(cell.key.columnFamily.utf8), cell.key.columnQualifier, cell.value ?? [],
                Bytes(String(timestamp).utf8)]
    }

    /// An argument cell: 1 to 7 elements, `[row, family, qualifier, value, timestamp,
    /// revision, flag]`; missing trailing elements keep `Hypertable::Cell`'s defaults (auto
    /// timestamp and revision, insert). Numbers are read as `strtoll(s, &end, 0)` reads them
    /// (decimal, 0x hex, 0 octal, leading blanks and a sign; "" is 0) and must use the whole
    /// string (`cell_str_to_num`).
    /// - Throws: BAD_KEY for another size, an unreadable number or a flag outside 0...255
    ///   (and, here, a flag that is no `KeyFlag`).
    public static func decode(_ array: [Bytes]) throws(ClientException) -> Cell {
        guard (1...7).contains(array.count) else {
            throw ClientException(.badKey, "CellAsArray: bad size: \(array.count)")
        }
        var key = Key(row: array[0])
        var value: Bytes?
        if array.count > 1 { key.columnFamily = String(decoding: array[1], as: UTF8.self) }
        if array.count > 2 { key.columnQualifier = array[2] }
        if array.count > 3 { value = array[3] }
        if array.count > 4 {
            let timestamp = try number(array[4], "timestamp")
            key.timestamp = timestamp == SerializedCellsFormat.autoAssign ? nil : timestamp
        }
        if array.count > 5 {
            let revision = try number(array[5], "revision")
            key.revision = revision == SerializedCellsFormat.autoAssign ? nil : revision
        }
        if array.count > 6 {
            let raw = try number(array[6], "cell flag", in: 0...255)
            guard let flag = KeyFlag(rawValue: Int32(raw)) else {
                throw ClientException(.badKey, "Error converting \(String(decoding: array[6], as: UTF8.self)) to cell flag")
            }
            key.flag = flag
        }
        return Cell(key: key, value: value)
    }

    /// `cell_str_to_num`: `strtoll` with base 0 over the whole string.
    static func number(_ text: Bytes, _ label: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(ClientException) -> Int64 {
        let failure = ClientException(.badKey, "Error converting \(String(decoding: text, as: UTF8.self)) to \(label)")
        guard let value = strtollBase0(text), range.contains(value) else { throw failure }
        return value
    }

    /// `strtoll(s, &end, 0)` when `end` reaches the end of `s`, else nil. Out-of-range values
    /// saturate, as strtoll does (ThriftBroker does not check errno).
    static func strtollBase0(_ text: Bytes) -> Int64? {
        var i = 0
        while i < text.count, [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d].contains(text[i]) { i += 1 }
        if i == text.count { return text.isEmpty ? 0 : nil }
        var negative = false
        if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        var base: UInt64 = 10
        if i < text.count, text[i] == UInt8(ascii: "0") {
            if i + 2 < text.count, text[i + 1] | 0x20 == UInt8(ascii: "x"), digit(text[i + 2], base: 16) != nil {
                base = 16
                i += 2
            } else {
                base = 8
            }
        }
        let start = i
        var magnitude: UInt64 = 0
        var overflow = false
        while i < text.count, let d = digit(text[i], base: base) {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: base)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            if o1 || o2 { overflow = true }
            magnitude = m2
            i += 1
        }
        guard i == text.count, i > start || base == 8 else { return nil }
        if negative {
            if overflow || magnitude > UInt64(Int64.max) + 1 { return Int64.min }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        if overflow || magnitude > UInt64(Int64.max) { return Int64.max }
        return Int64(magnitude)
    }

    private static func digit(_ byte: UInt8, base: UInt64) -> UInt64? {
        let value: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt64(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt64(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < base ? value : nil
    }
}
