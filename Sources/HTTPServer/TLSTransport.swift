#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import Sockets

/// TLS over a connection's non-blocking socket: one OpenSSL `SSL` in server mode, the
/// handshake done by the first reads (`SSL_read` runs it implicitly).
///
/// OpenSSL's `SSL` is not thread-safe; the connection's queue and a worker thread take turns
/// with it, and `lock` makes each call exclusive regardless. Only `socket.shutdown()` (to wake a
/// blocked worker) bypasses it, which touches no TLS state.
final class TLSTransport: ConnectionTransport, @unchecked Sendable {
    let socket: Socket
    private let ssl: OpaquePointer
    /// Keeps the `SSL_CTX` alive as long as the `SSL` made from it.
    private let context: TLSContext
    private let lock = Mutex()
    // Guarded by `lock`:
    private var retryEvents = Int16(POLLOUT)
    /// A fatal error happened: OpenSSL forbids `SSL_shutdown` afterwards.
    private var failed = false
    private var closeNotifySent = false

    /// nil when OpenSSL cannot make the per-connection state (out of memory).
    init?(socket: Socket, context: TLSContext) {
        TLSErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else {
            TLSErrorQueue.clear()
            return nil
        }
        guard SSL_set_fd(ssl, socket.fileDescriptor) == 1 else {
            TLSErrorQueue.clear()
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.socket = socket
        self.ssl = ssl
        self.context = context
    }

    deinit {
        SSL_free(ssl)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .bytes(0) }
        return try lock.withLock {
            TLSErrorQueue.clear()
            let result = SSL_read(ssl, base, Int32(clamping: buffer.count))
            if result > 0 { return .bytes(Int(result)) }
            let savedErrno = errno
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                return .wouldBlock(.readable)
            case SSL_ERROR_WANT_WRITE:
                return .wouldBlock(.writable)
            case SSL_ERROR_ZERO_RETURN:
                // close_notify, or (SSL_OP_IGNORE_UNEXPECTED_EOF) a plain TCP close.
                return .endOfStream
            case SSL_ERROR_SYSCALL:
                failed = true
                TLSErrorQueue.clear()
                if savedErrno == 0 { return .endOfStream }
                throw SocketError.system(call: "SSL_read", errno: savedErrno)
            default:
                // Not TLS, a failed handshake, a bad record: nothing more can be read.
                failed = true
                throw TLSTransportError(operation: "SSL_read", reason: TLSErrorQueue.drain())
            }
        }
    }

    /// OpenSSL reads the descriptor itself, which must stay non-blocking: no waiting reads
    /// (TLS connections never keep a worker between requests).
    func allowWaitingReads(upToMilliseconds milliseconds: Int) -> Bool { false }

    func readWaiting(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult {
        try read(into: buffer)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return try lock.withLock {
            TLSErrorQueue.clear()
            let result = SSL_write(ssl, base, Int32(clamping: bytes.count))
            if result > 0 { return Int(result) }
            let savedErrno = errno
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_WRITE:
                retryEvents = Int16(POLLOUT)
                return 0
            case SSL_ERROR_WANT_READ:
                retryEvents = Int16(POLLIN)
                return 0
            case SSL_ERROR_SYSCALL:
                failed = true
                TLSErrorQueue.clear()
                throw SocketError.system(call: "SSL_write", errno: savedErrno == 0 ? EPIPE : savedErrno)
            default:
                failed = true
                throw TLSTransportError(operation: "SSL_write", reason: TLSErrorQueue.drain())
            }
        }
    }

    var writeRetryEvents: Int16 { lock.withLock { retryEvents } }

    var allowsConcurrentReadAndWrite: Bool { false }

    var hasBufferedInput: Bool { lock.withLock { SSL_pending(ssl) > 0 } }

    func shutdownOutput() {
        sendCloseNotify()
        socket.shutdown(reading: false, writing: true)
    }

    func close() {
        sendCloseNotify()
        socket.close()
    }

    /// One non-blocking attempt at close_notify (RFC 8446 §6.1) so the client can tell our close
    /// from a truncation; skipped after a fatal error or before the handshake finished.
    private func sendCloseNotify() {
        lock.withLock {
            guard !failed, !closeNotifySent, !socket.isClosed, SSL_is_init_finished(ssl) == 1 else { return }
            closeNotifySent = true
            TLSErrorQueue.clear()
            _ = SSL_shutdown(ssl)
            TLSErrorQueue.clear()
        }
    }
}

/// A TLS failure on an established or handshaking connection, with OpenSSL's reason. The
/// connection ends; the server goes on.
struct TLSTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    var operation: String
    var reason: String

    var description: String { "\(operation) failed: \(reason)" }
}
