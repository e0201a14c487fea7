/// Tests on the eight bytes of a word at once (SWAR), for scans that look for a few byte
/// values in mostly plain text: JSON escapes, CR and LF in header fields, ASCII. Each test is
/// exact about whether some byte matches (a borrow from one byte into the next starts only at
/// a matching byte), which is all the scans ask before they pass eight bytes over.
/// Inlinable: the scans run in other modules, once per eight bytes of every response.
public enum WordBytes {
    @inlinable static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @inlinable static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    /// The word at `pointer`, in memory order, from any alignment.
    @inlinable
    public static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// Whether some byte of `word` is below `limit` (`limit` at most 0x80).
    @inlinable
    public static func containsByte(below limit: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether some byte of `word` is `byte`.
    @inlinable
    public static func contains(_ byte: UInt8, in word: UInt64) -> Bool {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highBits != 0
    }

    /// Whether some byte of `word` is 0x80 or above.
    @inlinable
    public static func containsNonASCII(_ word: UInt64) -> Bool {
        word & highBits != 0
    }

    /// How many leading bytes a scan eight at a time passes over: up to the first word that
    /// `stops` (or to where fewer than eight bytes are left). The caller looks at the bytes
    /// from there on one by one.
    @inlinable
    public static func passedPrefix(of bytes: UnsafeBufferPointer<UInt8>, stoppingAt stops: (UInt64) -> Bool) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var index = 0
        while bytes.count - index >= 8, !stops(load(base + index)) { index += 8 }
        return index
    }
}
