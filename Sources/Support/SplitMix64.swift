/// SplitMix64's output function: a bijection on 64-bit values that spreads every input bit
/// over the whole output. Request, trace and span ids are keyed process-unique numbers run
/// through it (unique, since it is a bijection, and without visible order); seeded test
/// generators step their state by `increment` and finalize it.
public enum SplitMix64 {
    /// The golden-ratio constant the generator steps by.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inlinable
    public static func finalize(_ input: UInt64) -> UInt64 {
        var value = input
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
