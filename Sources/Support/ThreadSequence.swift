#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Numbers unique within the process, for ids made on every request (request ids, trace and
/// span ids): each thread takes a block of `blockSize` from one shared counter with one
/// atomic add and counts through it on its own. A shared counter added to on every request
/// moved its cache line between the cores each time, at a cost far above its instructions.
/// The numbers are not in order across threads, and skip what a thread leaves of its block
/// when it ends; callers mix them with a key before showing them (a bijection, so they stay
/// unique).
public enum ThreadSequence {
    public static let blockSize: UInt64 = 1_024

    private static let taken = Atomic<UInt64>(0)
    /// A thread's block: the next number and the end of the block.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// A number no other call in this process returns.
    public static func next() -> UInt64 {
        let block: UnsafeMutablePointer<UInt64>
        if let existing = pthread_getspecific(key) {
            block = existing.assumingMemoryBound(to: UInt64.self)
        } else {
            block = malloc(2 * MemoryLayout<UInt64>.size)!.assumingMemoryBound(to: UInt64.self)
            block[0] = 0
            block[1] = 0
            pthread_setspecific(key, block)
        }
        if block[0] == block[1] {
            let start = taken.wrappingAdd(blockSize, ordering: .relaxed).oldValue
            block[0] = start
            block[1] = start &+ blockSize
        }
        let number = block[0]
        block[0] = number &+ 1
        return number
    }
}
