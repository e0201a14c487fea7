import Sockets

/// How a connection's bytes cross the wire: the plain socket, or TLS over it.
///
/// Calls never block, but for `readWaiting`. A connection reads on its serial queue and
/// writes responses on a worker; the two overlap only where `allowsConcurrentReadAndWrite`
/// says they may.
protocol ConnectionTransport: AnyObject, Sendable {
    /// A plain socket may be read on one thread while another writes; TLS may not (one `SSL`
    /// object, one thread at a time), so its connection pauses reading while it writes.
    var allowsConcurrentReadAndWrite: Bool { get }

    /// The socket underneath, for readiness sources, `poll` and a cross-thread `shutdown()`.
    var socket: Socket { get }

    /// One non-blocking read of plaintext.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult

    /// Lets `readWaiting` wait in the kernel, up to `milliseconds` per call, for a thread that
    /// has the connection to itself (its readiness source suspended); every other call goes on
    /// never blocking. False when this transport cannot (TLS) or the socket refused.
    func allowWaitingReads(upToMilliseconds milliseconds: Int) -> Bool

    /// One read that waits for bytes up to the time `allowWaitingReads` set (`.wouldBlock`
    /// when it passed); without that call, as `read`.
    func readWaiting(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult

    /// One non-blocking write of plaintext; returns bytes taken, 0 when it would block (then
    /// wait for `writeRetryEvents` before trying again with the same bytes).
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int

    /// `poll(2)` events the last write that returned 0 waits for: `POLLOUT`, or `POLLIN` when TLS
    /// must first read (a handshake message).
    var writeRetryEvents: Int16 { get }

    /// Plaintext already decrypted and buffered above the socket: the socket's read readiness
    /// will not announce it, so read before waiting.
    var hasBufferedInput: Bool { get }

    /// Ends our direction (TLS: close_notify first) but keeps reading possible.
    func shutdownOutput()

    /// Releases the connection. Idempotent.
    func close()
}

enum TransportReadResult: Equatable {
    case bytes(Int)
    /// Nothing now; try again when the socket is readable (`.readable`) or, for a TLS read
    /// that must send first, writable (`.writable`).
    case wouldBlock(TransportReadiness)
    case endOfStream
}

enum TransportReadiness: Equatable {
    case readable
    case writable
}

extension ConnectionTransport {
    /// Waits, up to `deadline`, until a write that returned 0 may be tried again (its
    /// `writeRetryEvents`); false when the deadline passed. Every wait on a client's send
    /// buffer goes through here, so that a keep-alive group's leader hands its other members
    /// on before it waits (`KeepAliveGroup.beforeBlocking`).
    func waitToWrite(until deadline: Deadline) throws -> Bool {
        KeepAliveGroup.beforeBlocking()
        return try socket.poll(events: writeRetryEvents, deadline: deadline)
    }

    /// Writes every byte, each wait for the socket bounded by `deadline`.
    func writeAll(_ bytes: [UInt8], deadline: Deadline) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = try write(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                if written > 0 {
                    offset += written
                } else if try !waitToWrite(until: deadline) {
                    throw SocketError.timedOut(operation: "write")
                }
            }
        }
    }
}
