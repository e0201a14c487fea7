/// Lowercase hexadecimal digits of 64-bit values, eight digits per step (within one word, no
/// table): every response prints ids this way (request id, trace id, `traceparent`), and a
/// digit at a time cost about ten instructions each.
public enum LowercaseHex {
    /// The 16 digits of `value`, most significant first, at `offset` in `buffer`.
    @inline(__always)
    public static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        precondition(offset >= 0 && buffer.count - offset >= 16, "16 hex digits need 16 bytes")
        let raw = UnsafeMutableRawPointer(buffer.baseAddress! + offset)
        raw.storeBytes(of: digits(UInt32(truncatingIfNeeded: value >> 32)).bigEndian, as: UInt64.self)
        (raw + 8).storeBytes(of: digits(UInt32(truncatingIfNeeded: value)).bigEndian, as: UInt64.self)
    }

    /// The 16 digits of `value` as a string.
    public static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(value, into: buffer, at: 0)
            return 16
        }
    }

    /// The eight ASCII digits of `value` in one word, the most significant digit in its most
    /// significant byte.
    @inline(__always)
    static func digits(_ value: UInt32) -> UInt64 {
        // Spread the nibbles one per byte: 0xABCDEF12 becomes 0x0A0B0C0D0E0F0102.
        var word = UInt64(value)
        word = (word | (word << 16)) & 0x0000_FFFF_0000_FFFF
        word = (word | (word << 8)) & 0x00FF_00FF_00FF_00FF
        word = (word | (word << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        // 1 in each byte whose nibble is 10 or more (adding 6 carries into bit 4), then
        // '0' + nibble, and 'a' - '0' - 10 more for the letters. No byte carries into the next.
        let letters = ((word &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return word &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
    }
}
