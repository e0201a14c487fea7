/// HTTP header fields in arrival order with case-insensitive lookup (RFC 9110 §5.1: field
/// names are case-insensitive; order of same-named fields matters for list-valued fields).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        // Room for the few fields added later (request id, trace, CORS): growing an array
        // of exactly the literal's size reallocates it on the first `set`.
        fields.reserveCapacity(pairs.count + 4)
        for (name, value) in pairs { fields.append(Field(name: name, value: value)) }
    }

    /// Empty, with room for `capacity` fields.
    public init(capacity: Int) {
        fields.reserveCapacity(capacity)
    }

    /// `Content-Type: type` and room for the few fields added later (request id, trace,
    /// CORS): the common response's fields, without the array a dictionary literal builds first.
    public init(contentType: String) {
        fields.reserveCapacity(5)
        fields.append(Field(name: "Content-Type", value: contentType))
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value for `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.equalNames($0.name, name) }?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    /// The comma-separated list elements of every `name` field, trimmed, empty ones dropped
    /// (RFC 9110 §5.6.1).
    public func listValues(for name: String) -> [String] {
        values(for: name).flatMap { value in
            value.split(separator: ",").map { $0.trimmingHTTPWhitespace() }.filter { !$0.isEmpty }
        }
    }

    /// True when the list-valued field `name` holds `token` (case-insensitive), e.g. `Connection: close`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        listValues(for: name).contains { Self.equalNames($0, token) }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.equalNames($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field (or removes them when `value` is nil).
    public mutating func set(_ name: String, _ value: String?) {
        if contains(name) { remove(name) }
        if let value { fields.append(Field(name: name, value: value)) }
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalNames($0.name, name) }
    }

    /// Case-insensitive ASCII comparison. Every lookup of every request comes here: native
    /// strings are compared through their contiguous UTF-8 (a `zip` of two UTF-8 views cost
    /// several times as much).
    static func equalNames(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        let compared = x.withContiguousStorageIfAvailable { left in
            y.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where asciiLower(left[index]) != asciiLower(right[index]) {
                    return false
                }
                return true
            }
        }
        if let compared, let result = compared { return result }
        return zip(x, y).allSatisfy { asciiLower($0) == asciiLower($1) }
    }

    /// How many fields are named `name` (without collecting their values).
    func count(of name: String) -> Int {
        var count = 0
        for field in fields where Self.equalNames(field.name, name) { count += 1 }
        return count
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

extension StringProtocol {
    /// Drops leading and trailing SP and HTAB (OWS, RFC 9110 §5.6.3).
    func trimmingHTTPWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
