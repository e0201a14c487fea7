#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock after which an operation gives up.
public struct Deadline: Sendable, Comparable, Hashable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func now() -> Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }

    /// A deadline `milliseconds` from now; a negative or zero value means "already passed".
    public static func after(milliseconds: Int) -> Deadline {
        let now = Deadline.now().nanoseconds
        return Deadline(nanoseconds: now &+ UInt64(max(0, milliseconds)) &* 1_000_000)
    }

    public static func after(seconds: Double) -> Deadline {
        after(milliseconds: Int((seconds * 1000).rounded()))
    }

    /// No deadline at all.
    public static let distantFuture = Deadline(nanoseconds: UInt64.max / 2)

    /// Milliseconds left, clamped to `0...Int32.max`, as `poll(2)` takes them.
    public var remainingMilliseconds: Int32 {
        let now = Deadline.now().nanoseconds
        if nanoseconds <= now { return 0 }
        let left = (nanoseconds - now + 999_999) / 1_000_000
        return Int32(clamping: left)
    }

    public var hasPassed: Bool { Deadline.now().nanoseconds >= nanoseconds }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
