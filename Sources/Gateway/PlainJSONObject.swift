import Support

/// A JSON object whose members are all strings without escapes (RFC 8259 §4, §7), read
/// without Foundation: the shape nearly every uploaded cell has, read in a fraction of what
/// `JSONSerialization` and a dictionary of `Any` cost. The caller names the members it knows;
/// any other name is left to the full parser too.
///
/// It reads a strict subset of JSON: an escape, a number, `null`, `true`, `false`, a nested
/// value, a repeated name, a control character or bytes that are not UTF-8 make `parse`
/// answer nil, and the caller reads the record with `JSONSerialization`, which decides what it
/// means or why it is invalid. So whatever this reader accepts, the full parser reads the same.
enum PlainJSONObject {
    /// The values of the object in `bytes` (with JSON whitespace around it and nothing else)
    /// by name, in the order of `names`, nil for a name the object lacks; nil for bytes that
    /// are anything else (see the type's comment) or an object with a name not in `names`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, names: [StaticString]) -> [String?]? {
        var reader = Reader(bytes: bytes)
        var values = [String?](repeating: nil, count: names.count)
        reader.skipWhitespace()
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        reader.skipWhitespace()
        if !reader.take(UInt8(ascii: "}")) {
            while true {
                guard let slot = reader.name(in: names) else { return nil }
                reader.skipWhitespace()
                guard reader.take(UInt8(ascii: ":")) else { return nil }
                reader.skipWhitespace()
                guard let value = reader.plainString(), values[slot] == nil else { return nil }
                values[slot] = value
                reader.skipWhitespace()
                if reader.take(UInt8(ascii: ",")) {
                    reader.skipWhitespace()
                    continue
                }
                guard reader.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        reader.skipWhitespace()
        return reader.isAtEnd ? values : nil
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        /// RFC 8259 §2: space, tab, line feed, carriage return.
        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A member name that is one of `names` (plain: no escape), as its index; else nil.
        mutating func name(in names: [StaticString]) -> Int? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += 1 }
            guard index < bytes.count else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return names.firstIndex { candidate in
                candidate.utf8CodeUnitCount == name.count
                    && candidate.withUTF8Buffer { $0.elementsEqual(name) }
            }
        }

        /// A string with no escape and no control character, its bytes UTF-8; else nil.
        mutating func plainString() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let content = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return UTF8Text.string(content)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }
    }
}
