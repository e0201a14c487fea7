#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of memory for each thread, allocated on the thread's first `pointer()` and freed
/// when the thread ends: for what a thread keeps to itself on the request path (a cached
/// `Date` value, the bytes of a response, a block of id numbers), with no lock and no cache
/// line shared between cores. Each one takes a `pthread` key for the life of the process:
/// make them as `static let`s.
public final class ThreadMemory: Sendable {
    private let key: pthread_key_t
    private let byteCount: Int
    private let prepare: @Sendable (UnsafeMutableRawPointer) -> Void

    /// - Parameter prepare: sets a thread's new block up, before its first use.
    public init(byteCount: Int, prepare: @escaping @Sendable (UnsafeMutableRawPointer) -> Void = { _ in }) {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        self.key = key
        self.byteCount = byteCount
        self.prepare = prepare
    }

    /// This thread's block of `byteCount` bytes.
    @inline(__always)
    public func pointer() -> UnsafeMutableRawPointer {
        if let existing = pthread_getspecific(key) { return existing }
        let block = malloc(byteCount)!
        prepare(block)
        pthread_setspecific(key, block)
        return block
    }
}
