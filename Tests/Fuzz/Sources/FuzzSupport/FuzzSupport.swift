import CFuzzDriver

/// Helpers shared by the fuzz targets: deterministic split points and invariant checks.
///
/// Split points come from a PRNG seeded by the input itself, so a crash input replays with the
/// same splits every time (libFuzzer's `-seed` plays no part), and the seed corpora stay plain
/// requests, frames and statements with no control bytes in front.

/// SplitMix64 seeded with the FNV-1a hash of the input.
public struct InputRandom {
    private var state: UInt64

    public init<C: Collection>(seededBy bytes: C) where C.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        state = hash
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0).
    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    public mutating func nextBool() -> Bool { next() & 1 == 1 }
}

/// Ways to cut an input into the pieces a socket might deliver.
public enum Splitting {
    /// The whole input as one piece (none when it is empty).
    public static func whole(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.isEmpty ? [] : [bytes[...]]
    }

    /// One byte per piece: every state boundary is crossed with nothing buffered ahead.
    public static func byteByByte(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.indices.map { bytes[$0..<$0 + 1] }
    }

    /// Pieces of random sizes (mostly small, sometimes large), reproducible for a given input.
    public static func random(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var random = InputRandom(seededBy: bytes)
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            let left = bytes.count - start
            let size = random.next(below: 4) == 0 ? 1 + random.next(below: left) : 1 + random.next(below: min(left, 8))
            pieces.append(bytes[start..<start + size])
            start += size
        }
        return pieces
    }
}

/// Stops the run when an invariant fails, so libFuzzer records the input as a crash.
/// (A trap, not a thrown error: the target's contract is "no crash", and the message says which
/// invariant broke.)
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        fatalError("invariant failed: \(message())", file: file, line: line)
    }
}

/// The fuzz input as a byte array.
public func fuzzInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// A target's `main`: runs libFuzzer on `test` (see CFuzzDriver.c for why a target has one).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    fuzz_driver_main(argc, argv, test)
}
