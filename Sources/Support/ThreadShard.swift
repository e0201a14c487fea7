#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A small per-thread number for spreading hot shared state over several locks: every worker
/// thread of the request path records metrics and log lines, and one lock for all of them
/// becomes the place where they queue (and sleep). A thread keeps its number for life; numbers
/// are handed out round-robin, so `index(modulo:)` spreads threads evenly.
public enum ThreadShard {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    private static let nextNumber = Atomic<Int>(0)

    /// This thread's number modulo `count` (`count` > 0).
    public static func index(modulo count: Int) -> Int {
        let stored = Int(bitPattern: pthread_getspecific(key))
        if stored != 0 { return (stored - 1) % count }
        let number = nextNumber.wrappingAdd(1, ordering: .relaxed).oldValue
        // Stored plus one: a null pointer means "not assigned yet".
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: number + 1))
        return number % count
    }
}
