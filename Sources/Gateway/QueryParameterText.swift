import HTTPServer
import Support

/// Query parameters whose broker field is text. Where the broker field holds bytes (rows,
/// row prefixes, qualifiers) the decoded bytes go through unchanged; where the IDL field is a
/// Thrift `string` that the gateway sends as text (column specs, regular expressions, HQL), the
/// bytes must be UTF-8. `QueryItem.value` would replace a stray byte with U+FFFD, and the
/// broker would then run a different statement or scan than the client wrote, so the
/// request is refused instead, naming the parameter and the first bad byte.
extension QueryItem {
    /// The value as UTF-8 text; a 400 naming the parameter when it is not UTF-8.
    func text() throws -> String {
        if let text = UTF8Text.string(valueBytes) { return text }
        let offset = Self.firstInvalidUTF8Offset(valueBytes)
        throw Problem.badRequest("\(parameterName) is not valid UTF-8 (byte 0x"
                                 + String(valueBytes[offset], radix: 16, uppercase: true)
                                 + " at offset \(offset) after percent-decoding); it is text for the broker, "
                                 + "which cannot take arbitrary bytes there")
    }

    /// The name for messages: the parameter's own name, or its bytes escaped when not UTF-8.
    var parameterName: String {
        String(validating: nameBytes, as: UTF8.self)
            ?? nameBytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "%" + String($0, radix: 16, uppercase: true) }
                .joined()
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return max(0, bytes.count - 1)
            case .error:
                return offset
            }
        }
    }
}
