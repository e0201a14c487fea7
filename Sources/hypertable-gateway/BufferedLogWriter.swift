import Foundation
import Gateway
import Support

/// Log lines to standard error, batched: the access log writes a line per request, and a
/// `write(2)` per line was one of the most frequent system calls on the request path. Lines
/// gather in memory and go out in one write when 32 KiB are waiting or 100 ms after the first
/// of them (nginx's `access_log ... buffer= flush=` trade); `flush()` sends them at once
/// (start-up and shutdown messages, before exit).
///
/// Every worker thread logs, so the buffer is split in shards, one lock each, a thread always
/// using the same one: with one buffer the lock was the request path's busiest wait. Lines of
/// one thread stay in order; lines of different threads may interleave differently from the
/// order they were finished in (each carries its own timestamp).
final class BufferedLogWriter: LogLineSink {
    static let flushBytes = 32 * 1024
    static let flushDelayMilliseconds = 100
    static let shardCount = 8

    private struct State {
        var pending: [UInt8] = []
        var flushScheduled = false
    }

    private let shards = (0..<BufferedLogWriter.shardCount).map { _ in Locked(State()) }
    private let queue = DispatchQueue(label: "log.flush")
    /// Keeps the flushes of different shards from interleaving their bytes.
    private let writeLock = Mutex()
    private let descriptor: Int32

    init(descriptor: Int32 = 2) {
        self.descriptor = descriptor
    }

    /// Adds one line (a newline is appended).
    func append(_ line: [UInt8]) {
        line.withUnsafeBytes { append(bytes: $0) }
    }

    /// Adds one line (a newline is appended), copied from `line`.
    func append(bytes line: UnsafeRawBufferPointer) {
        let shard = shards[ThreadShard.index(modulo: Self.shardCount)]
        // Typed bytes, so that `append(contentsOf:)` takes its contiguous path (one copy).
        let bytes = line.assumingMemoryBound(to: UInt8.self)
        let (full, schedule): ([UInt8]?, Bool) = shard.withLock { state in
            state.pending.append(contentsOf: bytes)
            state.pending.append(0x0A)
            if state.pending.count >= Self.flushBytes { return (Self.takePending(&state), false) }
            guard !state.flushScheduled else { return (nil, false) }
            state.flushScheduled = true
            return (nil, true)
        }
        if let full { write(full) }
        if schedule {
            queue.asyncAfter(deadline: .now() + .milliseconds(Self.flushDelayMilliseconds)) { [self] in
                flush(shard)
            }
        }
    }

    /// Adds one line and writes everything waiting now.
    func appendNow(_ line: [UInt8]) {
        append(line)
        flush()
    }

    /// Writes everything waiting.
    func flush() {
        for shard in shards { flush(shard) }
    }

    private func flush(_ shard: Locked<State>) {
        let bytes = shard.withLock { state -> [UInt8] in
            state.flushScheduled = false
            return state.pending.isEmpty ? [] : Self.takePending(&state)
        }
        if !bytes.isEmpty { write(bytes) }
    }

    /// The shard's bytes, leaving it an empty buffer with room for a whole batch: one that
    /// grew from nothing again after each flush reallocated a few times per batch.
    private static func takePending(_ state: inout State) -> [UInt8] {
        var taken: [UInt8] = []
        taken.reserveCapacity(flushBytes + 1024)
        swap(&taken, &state.pending)
        return taken
    }

    private func write(_ bytes: [UInt8]) {
        writeLock.lock()
        defer { writeLock.unlock() }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    // stderr gone: logs are lost, serving goes on (there is nowhere to say so).
                    return
                }
            }
        }
    }
}
