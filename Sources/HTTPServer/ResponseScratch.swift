import Support

/// Each thread's memory for assembling a response's bytes (`ResponseHead.withBytes`): the
/// head and a body that fit are written here and sent from here, where every response used to
/// allocate and free an array of its own. Allocated on a thread's first response, freed when
/// the thread ends.
enum ResponseScratch {
    /// Responses larger than this are assembled in an array of their own.
    static let capacity = 16 * 1024

    private static let memory = ThreadMemory(byteCount: capacity)

    /// This thread's `capacity` bytes. Not reentrant: the caller is done with them before
    /// anything it calls may ask again (sending a response never does).
    static func bytes() -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: memory.pointer().assumingMemoryBound(to: UInt8.self), count: capacity)
    }
}
