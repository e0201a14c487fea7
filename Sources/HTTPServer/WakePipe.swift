#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe that only wakes threads waiting in `poll`: each byte written is one wake-up. Both
/// ends are non-blocking (a full pipe already holds enough wake-ups; an empty one has none
/// to take) and closed on exec.
final class WakePipe: Sendable {
    /// The read end: readable while a wake-up is pending.
    let descriptor: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    /// Adds one wake-up.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Takes one wake-up; false when none was pending (another waiter took it first).
    func take() -> Bool {
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) == 1
    }

    /// Takes every pending wake-up.
    func drain() {
        while take() {}
    }
}
