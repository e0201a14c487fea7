#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// Waits for `condition` to hold, checking every 5 ms, for at most `seconds`: tests wait on
/// conditions, and the bound only turns a hang into a failure.
@discardableResult
public func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Deadline.after(seconds: seconds)
    while !deadline.hasPassed {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
