import Support

/// Percent-decoding (RFC 3986 §2.1) and query parsing (`application/x-www-form-urlencoded`
/// style, as browsers and curl send query strings).
public enum PercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed. `plusAsSpace` applies to query
    /// components only (a `+` in a path is a plus).
    public static func decode<C: Collection>(_ bytes: C, plusAsSpace: Bool = false) -> [UInt8]?
    where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex else { return nil }
                let second = bytes.index(after: first)
                guard second != bytes.endIndex,
                      let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) else { return nil }
                output.append(high << 4 | low)
                index = bytes.index(after: second)
                continue
            }
            output.append(plusAsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
            index = bytes.index(after: index)
        }
        return output
    }

    /// Decodes a string's escapes; nil when malformed or the result is not UTF-8.
    public static func decodeToString(_ text: String, plusAsSpace: Bool = false) -> String? {
        guard let bytes = decode(Array(text.utf8), plusAsSpace: plusAsSpace) else { return nil }
        return UTF8Text.string(bytes)
    }

    /// Splits a raw (still encoded) path into decoded segments; nil when an escape is malformed.
    /// `/a/b%2Fc/` gives `["a", "b/c", ""]`: an encoded slash stays inside its segment.
    public static func pathSegments(_ rawPath: String) -> [PathSegment]? {
        var bytes = Substring(rawPath).utf8[...]
        if bytes.first == UInt8(ascii: "/") { bytes = bytes.dropFirst() }
        if bytes.isEmpty { return [] }
        var segments: [PathSegment] = []
        for raw in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let decoded = decode(raw) else { return nil }
            segments.append(PathSegment(bytes: decoded))
        }
        return segments
    }

    /// Parses `a=1&b=x+y&c` into items; `+` is a space, a bare name has an empty value.
    /// Malformed escapes are kept literally rather than failing the whole query.
    public static func queryItems(_ rawQuery: String) -> [QueryItem] {
        var items: [QueryItem] = []
        for pair in Substring(rawQuery).utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[..<$0] } ?? pair[...]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            let name = decode(rawName, plusAsSpace: true) ?? Array(rawName)
            let value = decode(rawValue, plusAsSpace: true) ?? Array(rawValue)
            items.append(QueryItem(nameBytes: name, valueBytes: value))
        }
        return items
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// One decoded path segment. Its bytes may not be UTF-8 (row keys are bytes).
public struct PathSegment: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    /// The segment as text, or nil when its bytes are not valid UTF-8.
    public var string: String? { UTF8Text.string(bytes) }
    public var description: String { string ?? String(decoding: bytes, as: UTF8.self) }
}

/// One `name=value` pair of a query string, decoded. Bytes are exact; the strings replace
/// invalid UTF-8 with U+FFFD.
public struct QueryItem: Sendable, Hashable {
    public let nameBytes: [UInt8]
    public let valueBytes: [UInt8]
    public init(nameBytes: [UInt8], valueBytes: [UInt8]) {
        self.nameBytes = nameBytes
        self.valueBytes = valueBytes
    }
    public init(name: String, value: String) {
        self.init(nameBytes: Array(name.utf8), valueBytes: Array(value.utf8))
    }
    public var name: String { String(decoding: nameBytes, as: UTF8.self) }
    public var value: String { String(decoding: valueBytes, as: UTF8.self) }
}
