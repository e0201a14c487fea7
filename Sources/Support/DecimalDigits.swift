/// Decimal digits of integers written straight into memory, two per step: a cell's timestamp
/// has 19 of them and every log line a few numbers, and a division per digit was most of the
/// cost of writing one.
public enum DecimalDigits {
    /// "00" to "99", each pair at twice its value.
    private static let pairs: StaticString = """
        0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
        5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """

    /// The most digits a `UInt64` has.
    public static let maximumCount = 20

    /// Writes the digits of `value` so that the last one lands just before `end`, and returns
    /// where the first one landed (at most `maximumCount` bytes before `end`).
    @inline(__always)
    public static func write(_ value: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let table = pairs.utf8Start
        var magnitude = value
        var start = end
        while magnitude >= 10 {
            let pair = Int(magnitude % 100) &* 2
            magnitude /= 100
            start -= 2
            start[0] = table[pair]
            start[1] = table[pair + 1]
        }
        // The last pair came from 10...99 (no leading zero), or one digit is left.
        if magnitude > 0 || start == end {
            start -= 1
            start[0] = UInt8(ascii: "0") + UInt8(magnitude)
        }
        return start
    }
}
