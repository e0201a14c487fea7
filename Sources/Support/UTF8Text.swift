/// UTF-8 text from bytes, with ASCII (nearly every path, statement and name) checked eight
/// bytes per step first: `String(validating:as:)` looks up generic metadata on every call,
/// about 1,300 instructions, paid twice on every query before this.
public enum UTF8Text {
    /// The text, or nil when the bytes are not well-formed UTF-8.
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func string(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer(string)
    }

    /// Whether the bytes are well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil
    }

    /// Whether every byte is below 0x80.
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = WordBytes.passedPrefix(of: bytes, stoppingAt: WordBytes.containsNonASCII)
        return bytes[start...].allSatisfy { $0 < 0x80 }
    }
}
