#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A TCP socket: the one place in the project that calls POSIX socket functions.
///
/// The descriptor starts non-blocking; blocking-style helpers (`readSome`, `writeAll`) wait
/// with `poll(2)` up to a `Deadline`, so no call can hang forever. A client socket that one
/// thread uses call by call (a broker connection) can switch to kernel-side waiting with
/// `useKernelTimeouts(milliseconds:)`: then a read that must wait is one `recv(2)` that sleeps in
/// the kernel (bounded by `SO_RCVTIMEO`), not a failed read, a `poll` and a read again. A
/// server's client socket can let the one thread that has it wait the same way
/// (`allowWaitingReceives`, `receiveWaiting`) while its other calls stay non-blocking.
/// `shutdown()` may be called from any thread to wake a peer blocked in `poll` or `recv`;
/// `close()` releases the descriptor once and is idempotent.
public final class Socket: @unchecked Sendable {
    // Read on every call without a lock; `close()` swaps in -1 exactly once.
    private let fd: Atomic<Int32>
    /// The kernel timeout now set (`SO_RCVTIMEO`/`SO_SNDTIMEO`, milliseconds); 0: non-blocking
    /// mode. Touched only by the socket's one user (see `useKernelTimeouts`).
    private var kernelTimeout = 0
    /// The timeout `useKernelTimeouts` asked for; a call with a nearer deadline lowers the
    /// kernel's for a while.
    private var baseKernelTimeout = 0

    /// The descriptor, or -1 once closed. For `DispatchSource` registration.
    public var fileDescriptor: Int32 { fd.load(ordering: .acquiring) }

    public init(adopting fd: Int32) {
        self.fd = Atomic(fd)
    }

    deinit {
        let descriptor = fd.load(ordering: .acquiring)
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    // MARK: creating

    /// Binds and listens on `host:port` (port 0 picks a free port), non-blocking, `SO_REUSEADDR`.
    public static func listen(host: String, port: Int, backlog: Int32 = 1024) throws -> Socket {
        let address = try SocketAddress.resolve(host: host, port: port, passive: true)
        let fd = systemSocket(address.family, Int32(socketStreamType), 0)
        guard fd >= 0 else { throw SocketError.lastError("socket") }
        let socket = Socket(adopting: fd)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        try socket.setNonBlocking()
        let rc = address.withSockAddr { systemBind(fd, $0, $1) }
        guard rc == 0 else { throw SocketError.lastError("bind") }
        guard systemListen(fd, backlog) == 0 else { throw SocketError.lastError("listen") }
        return socket
    }

    /// Connects to `host:port`, giving up at `deadline`. Tries each resolved address in turn.
    public static func connect(host: String, port: Int, deadline: Deadline) throws -> Socket {
        let addresses = try SocketAddress.resolveAll(host: host, port: port)
        var lastError: SocketError = .addressResolution(host: host, message: "no addresses")
        for address in addresses {
            do {
                return try connect(to: address, deadline: deadline)
            } catch let error as SocketError {
                lastError = error
                if case .timedOut = error { throw error }
            }
        }
        throw lastError
    }

    static func connect(to address: SocketAddress, deadline: Deadline) throws -> Socket {
        let fd = systemSocket(address.family, Int32(socketStreamType), 0)
        guard fd >= 0 else { throw SocketError.lastError("socket") }
        let socket = Socket(adopting: fd)
        try socket.setNonBlocking()
        try socket.setNoDelay()
        let rc = address.withSockAddr { systemConnect(fd, $0, $1) }
        if rc != 0 {
            guard errno == EINPROGRESS else { throw SocketError.lastError("connect") }
            guard try socket.poll(events: Int16(POLLOUT), deadline: deadline) else {
                throw SocketError.timedOut(operation: "connect to \(address)")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw SocketError.system(call: "connect", errno: error) }
        }
        return socket
    }

    // MARK: options

    public func setNonBlocking() throws {
        try setBlocking(false)
    }

    private func setBlocking(_ blocking: Bool) throws {
        let fd = fileDescriptor
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0, fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) == 0 else {
            throw SocketError.lastError("fcntl")
        }
    }

    /// Sets the kernel's timeout `option` (`SO_RCVTIMEO`, `SO_SNDTIMEO`) to `milliseconds`.
    private func setTimeout(_ option: Int32, milliseconds: Int) throws {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: .init((milliseconds % 1000) * 1000))
        guard setsockopt(fileDescriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw SocketError.lastError(option == SO_RCVTIMEO ? "setsockopt(SO_RCVTIMEO)" : "setsockopt(SO_SNDTIMEO)")
        }
    }

    /// Makes the descriptor blocking, with every wait bounded in the kernel by `milliseconds`
    /// (`SO_RCVTIMEO`, `SO_SNDTIMEO`). For a socket used by one thread at a time, call by call:
    /// `readSome` and `writeAll` then wait inside `recv`/`send`, and lower the kernel timeout
    /// only when a call's deadline is nearer than it.
    public func useKernelTimeouts(milliseconds: Int) throws {
        try setBlocking(true)
        baseKernelTimeout = max(1, milliseconds)
        try setKernelTimeout(baseKernelTimeout)
    }

    private func setKernelTimeout(_ milliseconds: Int) throws {
        try setTimeout(SO_RCVTIMEO, milliseconds: milliseconds)
        try setTimeout(SO_SNDTIMEO, milliseconds: milliseconds)
        kernelTimeout = milliseconds
    }

    /// In kernel-timeout mode, the next blocking call must not outlive `deadline` by more than
    /// a small tolerance (a thirty-second-th of the timeout, at most 50 ms): that keeps the
    /// common call, whose deadline is the full timeout, free of `setsockopt`.
    private func boundKernelWait(by deadline: Deadline) throws {
        guard kernelTimeout > 0 else { return }
        let remaining = Int(deadline.remainingMilliseconds)
        if remaining == 0 { throw SocketError.timedOut(operation: "read") }
        let tolerance = min(50, baseKernelTimeout / 32)
        if remaining + tolerance < kernelTimeout
            || (kernelTimeout < baseKernelTimeout && remaining > kernelTimeout + tolerance) {
            try setKernelTimeout(min(baseKernelTimeout, remaining))
        }
    }

    /// Disables Nagle's algorithm: requests and replies are small and latency-bound.
    public func setNoDelay() throws {
        var one: Int32 = 1
        guard setsockopt(fileDescriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one,
                         socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError.lastError("setsockopt(TCP_NODELAY)")
        }
    }

    /// The local port (after `listen` on port 0, the one the kernel picked).
    public func localPort() throws -> Int {
        try localAddress().port
    }

    public func localAddress() throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fileDescriptor, $0, &length) }
        }
        guard rc == 0 else { throw SocketError.lastError("getsockname") }
        return SocketAddress(storage: storage, length: length)
    }

    // MARK: accept

    /// Accepts one pending connection, or returns nil when none is waiting (`EAGAIN`).
    /// The new socket is non-blocking with `TCP_NODELAY`.
    public func accept() throws -> (socket: Socket, peer: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemAccept(fileDescriptor, $0, &length) }
        }
        if client < 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { return nil }
            throw SocketError.system(call: "accept", errno: code)
        }
        let socket = Socket(adopting: client)
        try socket.setNonBlocking()
        try? socket.setNoDelay()
        return (socket, SocketAddress(storage: storage, length: length))
    }

    // MARK: non-blocking I/O

    public enum ReadResult: Sendable, Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfStream
    }

    /// One non-blocking `recv(2)` (in kernel-timeout mode, one that waits up to the timeout).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> ReadResult {
        try receive(into: buffer, flags: kernelTimeout > 0 ? 0 : Int32(dontWaitFlag))
    }

    /// Lets `receiveWaiting` sleep in the kernel, up to `milliseconds` per call: the descriptor
    /// becomes blocking (`SO_RCVTIMEO` bounds the wait), while `read` and `write` go on never
    /// blocking (`MSG_DONTWAIT`). For a socket whose readiness source is suspended while one
    /// thread waits for the peer's next bytes: a wait is then one `recv`, not a `poll` and a
    /// read. `shutdown()` wakes the waiting thread (the `recv` reads the end of the stream).
    /// Code that reads or writes the descriptor itself, not through `Socket`, would then block:
    /// not for a socket that TLS reads (OpenSSL does).
    public func allowWaitingReceives(upToMilliseconds milliseconds: Int) throws {
        try setTimeout(SO_RCVTIMEO, milliseconds: milliseconds)
        try setBlocking(true)
    }

    /// One `recv(2)` that waits for bytes up to the timeout `allowWaitingReceives` set
    /// (`.wouldBlock` when it passed); without that call, as `read`.
    public func receiveWaiting(into buffer: UnsafeMutableRawBufferPointer) throws -> ReadResult {
        try receive(into: buffer, flags: 0)
    }

    private func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32) throws -> ReadResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .bytes(0) }
        while true {
            let n = systemReceive(fileDescriptor, base, buffer.count, flags)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfStream }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw SocketError.system(call: "recv", errno: code)
        }
    }

    /// One non-blocking `send(2)`; returns bytes written, 0 when the kernel buffer is full.
    /// In kernel-timeout mode, one that waits up to the timeout.
    public func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let flags = kernelTimeout > 0 ? Int32(sendFlags) : Int32(sendFlags) | Int32(dontWaitFlag)
        while true {
            let n = systemSend(fileDescriptor, base, bytes.count, flags)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return 0 }
            throw SocketError.system(call: "send", errno: code)
        }
    }

    // MARK: deadline-bounded I/O

    /// Waits for `events`; true when ready, false when the deadline passed.
    public func poll(events: Int16, deadline: Deadline) throws -> Bool {
        while true {
            var pfd = pollfd(fd: fileDescriptor, events: events, revents: 0)
            let rc = systemPoll(&pfd, 1, deadline.remainingMilliseconds)
            if rc > 0 { return true }
            if rc == 0 { return false }
            if errno == EINTR { continue }
            throw SocketError.lastError("poll")
        }
    }

    /// Whether an idle request/response connection can no longer be used, found without
    /// blocking: the peer closed or reset it, or bytes nobody asked for are waiting (the
    /// stream is out of step). Any readiness on such a socket means one of those.
    public func idleConnectionIsBroken() -> Bool {
        let descriptor = fileDescriptor
        guard descriptor >= 0 else { return true }
        var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let rc = systemPoll(&pfd, 1, 0)
        if rc < 0 { return errno != EINTR }
        return rc > 0
    }

    /// Reads at least one byte (up to `buffer.count`), waiting until `deadline`.
    /// Throws `.connectionClosed` on EOF and `.timedOut` when the deadline passes.
    public func readSome(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        while true {
            try boundKernelWait(by: deadline)
            switch try read(into: buffer) {
            case .bytes(let n): return n
            case .endOfStream: throw SocketError.connectionClosed
            case .wouldBlock:
                // Kernel-timeout mode: the recv itself waited; loop to check the deadline.
                if kernelTimeout > 0 { continue }
                guard try poll(events: Int16(POLLIN), deadline: deadline) else {
                    throw SocketError.timedOut(operation: "read")
                }
            }
        }
    }

    /// Writes every byte, waiting for buffer space until `deadline`.
    public func writeAll(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws {
        var offset = 0
        while offset < bytes.count {
            try boundKernelWait(by: deadline)
            let n = try write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if n > 0 {
                offset += n
            } else if kernelTimeout > 0 {
                continue
            } else {
                guard try poll(events: Int16(POLLOUT), deadline: deadline) else {
                    throw SocketError.timedOut(operation: "write")
                }
            }
        }
    }

    public func writeAll(_ bytes: [UInt8], deadline: Deadline) throws {
        try bytes.withUnsafeBytes { try writeAll($0, deadline: deadline) }
    }

    // MARK: closing

    /// Half- or full-closes the connection without releasing the descriptor; safe from any thread.
    public func shutdown(reading: Bool = true, writing: Bool = true) {
        let how: Int32
        switch (reading, writing) {
        case (true, true): how = Int32(SHUT_RDWR)
        case (true, false): how = Int32(SHUT_RD)
        case (false, true): how = Int32(SHUT_WR)
        case (false, false): return
        }
        let descriptor = fileDescriptor
        if descriptor >= 0 { _ = systemShutdown(descriptor, how) }
    }

    /// Releases the descriptor. Idempotent.
    public func close() {
        let descriptor = fd.exchange(-1, ordering: .acquiringAndReleasing)
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    public var isClosed: Bool { fileDescriptor < 0 }
}

#if canImport(Glibc)
private let socketStreamType = SOCK_STREAM.rawValue
private let sendFlags = MSG_NOSIGNAL
private let dontWaitFlag = MSG_DONTWAIT
private let systemSocket = Glibc.socket
private let systemBind = Glibc.bind
private let systemListen = Glibc.listen
private let systemConnect = Glibc.connect
private let systemAccept = Glibc.accept
private let systemReceive = Glibc.recv
private let systemSend = Glibc.send
private let systemPoll = Glibc.poll
private let systemShutdown = Glibc.shutdown
private let systemClose = Glibc.close
#else
private let socketStreamType = SOCK_STREAM
private let sendFlags: Int32 = 0
private let dontWaitFlag = MSG_DONTWAIT
private let systemSocket = Darwin.socket
private let systemBind = Darwin.bind
private let systemListen = Darwin.listen
private let systemConnect = Darwin.connect
private let systemAccept = Darwin.accept
private let systemReceive = Darwin.recv
private let systemSend = Darwin.send
private let systemPoll = Darwin.poll
private let systemShutdown = Darwin.shutdown
private let systemClose = Darwin.close
#endif
