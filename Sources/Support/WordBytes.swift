/// Tests on the eight bytes of a word at once (SWAR), for scans that look for a few byte
/// values in mostly plain text: JSON escapes, CR and LF in header fields. Each test is exact
/// about whether some byte matches (a borrow from one byte into the next starts only at a
/// matching byte), which is all the scans ask before they copy eight bytes as they are.
public enum WordBytes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The word at `pointer`, in memory order, from any alignment.
    @inline(__always)
    public static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// Whether some byte of `word` is below `limit` (`limit` at most 0x80).
    @inline(__always)
    public static func containsByte(below limit: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether some byte of `word` is `byte`.
    @inline(__always)
    public static func contains(_ byte: UInt8, in word: UInt64) -> Bool {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highBits != 0
    }
}
