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
    /// A thread's block: the next number and the end of the block (none yet: both 0).
    private static let blocks = ThreadMemory(byteCount: 2 * MemoryLayout<UInt64>.size) {
        $0.initializeMemory(as: UInt64.self, repeating: 0, count: 2)
    }

    /// A number no other call in this process returns.
    public static func next() -> UInt64 {
        let block = blocks.pointer().assumingMemoryBound(to: UInt64.self)
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
