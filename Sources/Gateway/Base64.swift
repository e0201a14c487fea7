import ExtrasBase64

/// RFC 4648 §4 base64 (standard alphabet) for bytes that are not valid UTF-8, by
/// swift-extras-base64. Output is padded; input may be padded or not, because clients often
/// strip the `=` (it must be escaped in a URL) and both forms name the same bytes.
enum Base64Text {
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        Base64.encodeToBytes(bytes: bytes)
    }

    /// The bytes `text` encodes; nil when a character is outside the alphabet, padding is
    /// misplaced, or the length cannot be base64's.
    static func decode(_ text: String) -> [UInt8]? {
        // The library reads a `=` inside a quantum as the end of input ("ab=c" decodes), so
        // padding is checked here: nothing but padding may follow it.
        let utf8 = text.utf8
        if let pad = utf8.firstIndex(of: UInt8(ascii: "=")), utf8[pad...].contains(where: { $0 != UInt8(ascii: "=") }) {
            return nil
        }
        let options: Base64.DecodingOptions = text.utf8.count % 4 == 0 ? [] : .omitPaddingCharacter
        return try? Base64.decode(string: text, options: options)
    }
}

/// RFC 4648 §5 (URL- and filename-safe alphabet), without padding, by swift-extras-base64;
/// decoding accepts only the canonical form, so no two tokens carry the same bytes.
enum Base64URL {
    private static let options: Base64.EncodingOptions = [.base64UrlAlphabet, .omitPaddingCharacter]

    static func encode(_ bytes: [UInt8]) -> String {
        Base64.encodeToString(bytes: bytes, options: options)
    }

    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard let decoded = try? Base64.decode(bytes: text, options: [.base64UrlAlphabet, .omitPaddingCharacter]),
              encode(decoded).utf8.elementsEqual(text) else { return nil }
        return decoded
    }
}
