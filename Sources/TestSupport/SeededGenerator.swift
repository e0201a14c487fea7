import Support

/// SplitMix64: a seeded generator, so a randomized test gives the same cases on every run and
/// a failing run can be replayed with its seed.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= SplitMix64.increment
        return SplitMix64.finalize(state)
    }
}
