#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import Logging
import Sockets

/// One client connection: the I/O shell around an `HTTPConnectionStateMachine`. Reads happen
/// on the connection's serial queue when the socket is readable; the machine decides, and this
/// class carries its actions out: hand a request to a worker (or answer it right here when its
/// route never blocks), send a reply the server makes itself, pause, linger, close.
///
/// The machine and the flags beside it are guarded by `lock`, because a worker that finished a
/// response moves the connection on itself, with no hop back to the queue (a hop is a thread
/// wake-up per request). Whoever is given `.dispatch` or `.reply` owns the write side until it
/// reports back. A plain socket keeps reading while a request is processed (pipelined bytes
/// are buffered, bounded); a TLS connection, whose `SSL` object one thread may use at a time,
/// and a request whose body the handler streams from the socket, pause reading instead.
final class HTTPConnection: @unchecked Sendable {
    let transport: any ConnectionTransport
    let peer: SocketAddress
    /// The peer's address as text: the key of the per-client connection limit.
    let client: String
    let queue: DispatchQueue
    private let server: HTTPServer
    /// TLS: reads and writes must never overlap.
    private let exclusiveReads: Bool

    private let lock = Mutex()
    // Guarded by `lock` (which is why the dynamic exclusivity checks, some 150 instructions
    // per access, are off).
    @exclusivity(unchecked) private var machine: HTTPConnectionStateMachine
    @exclusivity(unchecked) private var readSource: (any DispatchSourceRead)?
    @exclusivity(unchecked) private var readSuspended = false
    @exclusivity(unchecked) private var closed = false
    /// Armed only while a TLS read waits for the socket to become writable (queue-confined).
    private var writeSource: (any DispatchSourceWrite)?
    private var writeSourceArmed = false

    init(transport: any ConnectionTransport, peer: SocketAddress, server: HTTPServer, targetQueue: DispatchQueue) {
        self.transport = transport
        self.peer = peer
        self.client = peer.host
        self.server = server
        self.exclusiveReads = !transport.allowsConcurrentReadAndWrite
        self.machine = HTTPConnectionStateMachine(
            parser: HTTPRequestParser(limits: server.configuration.limits, admit: server.admission(for: peer)),
            timeouts: HTTPConnectionStateMachine.Timeouts(server.configuration), now: Deadline.now().nanoseconds,
            problem: { [serverProblem = server.serverProblem] status, detail in serverProblem(status, detail, nil) })
        self.queue = DispatchQueue(label: "http.connection", target: targetQueue)
    }

    func start() {
        queue.async { [self] in
            let fd = transport.socket.fileDescriptor
            guard fd >= 0 else { return close() }
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in readable() }
            source.setCancelHandler { [transport] in transport.close() }
            lock.withLock { readSource = source }
            source.resume()
        }
    }

    // MARK: reading (on `queue`)

    private func readable() {
        // One read per readiness event (the source fires again while bytes wait); more only
        // while TLS holds decrypted bytes the socket's readiness will not announce.
        while true {
            if lock.withLock({ closed || readSuspended }) { return }
            let result: TransportReadResult
            let action: HTTPConnectionStateMachine.Action
            do {
                (result, action) = try withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 16) { buffer in
                    let outcome = try transport.read(into: buffer)
                    guard case .bytes(let count) = outcome else { return (outcome, .read) }
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                    let now = Deadline.now().nanoseconds
                    return (outcome, lock.withLock { machine.received(bytes, now: now) })
                }
            } catch {
                // A reset or a broken TLS record: the client's side, routine on the internet.
                server.logger.debug("connection read failed; closing", metadata: [
                    "client": "\(client)", "error": "\(error)"])
                return close()
            }
            switch result {
            case .wouldBlock(.readable): return
            case .wouldBlock(.writable): return waitUntilWritableToRead()
            case .endOfStream: return run(lock.withLock { machine.endOfStream() })
            case .bytes:
                run(action)
                guard transport.hasBufferedInput else { return }
            }
        }
    }

    /// A TLS read that must first send (a handshake flight into a full socket buffer): park the
    /// read source, which would spin or stay silent, until the socket takes bytes again.
    private func waitUntilWritableToRead() {
        setReading(false)
        if writeSource == nil {
            let fd = transport.socket.fileDescriptor
            guard fd >= 0 else { return close() }
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in
                disarmWriteSource()
                setReading(true)
                readable()
            }
            writeSource = source
        }
        if !writeSourceArmed, let writeSource {
            writeSourceArmed = true
            writeSource.resume()
        }
    }

    private func disarmWriteSource() {
        guard writeSourceArmed, let writeSource else { return }
        writeSource.suspend()
        writeSourceArmed = false
    }

    // MARK: carrying out actions (on `queue` or on the worker that owns the write side)

    private func run(_ first: HTTPConnectionStateMachine.Action) {
        var action = first
        while true {
            switch action {
            case .read:
                setReading(true)
                return
            case .pauseReading:
                setReading(false)
                return
            case .dispatch(let request):
                guard let next = dispatch(request) else { return }
                action = next
            case .sendContinue:
                do {
                    try transport.writeAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: .after(seconds: 1))
                } catch {
                    // The body read that follows meets the same broken connection and ends it.
                    server.logger.debug("sending 100 Continue failed", metadata: [
                        "client": "\(client)", "error": "\(error)"])
                }
                action = .read
            case .reply(let response, let request, let error, let close):
                server.respondImmediately(response, to: request, on: transport, peer: peer, error: error, keepAlive: !close)
                let now = Deadline.now().nanoseconds
                action = lock.withLock { machine.replySent(close: close, now: now) }
            case .linger:
                transport.shutdownOutput()
                action = .read
            case .close:
                return close()
            }
        }
    }

    /// Runs `parsed` inline and returns what follows, or hands it to a worker and returns nil.
    private func dispatch(_ parsed: consuming HTTPRequest) -> HTTPConnectionStateMachine.Action? {
        // Moved, not copied: a copy retains every field of the request.
        var request = parsed
        // Each change below copies the request's storage when the action still shares it:
        // made only when needed (the admission already set the address).
        if request.remoteAddress == nil { request.remoteAddress = peer }
        let stream: RequestBodyStream? = request.streamedBody.map { head in
            // The worker reads the rest of the body itself; what the parser holds is its start.
            let configuration = server.configuration
            return RequestBodyStream(transport: transport, head: head,
                                     buffered: lock.withLock { machine.takeUnconsumedBytes() },
                                     limits: configuration.limits, idleTimeout: configuration.idleTimeout,
                                     writeTimeout: configuration.writeTimeout,
                                     minimumRate: configuration.bodyMinimumRate,
                                     gracePeriod: configuration.bodyGracePeriod)
        }
        if stream != nil {
            request.bodyStream = stream
            request.streamedBody = nil
        }
        let keepAlive = request.keepAlive && !server.isDraining && !lock.withLock { machine.draining }
        let arrival = ContinuousClock.now
        if request.context.runsInline && stream == nil && !exclusiveReads {
            let outcome = server.serve(request, on: transport, keepAlive: keepAlive, arrival: arrival)
            let now = Deadline.now().nanoseconds
            return lock.withLock { machine.responseFinished(close: outcome.close, following: [], now: now) }
        }
        if stream != nil || exclusiveReads { setReading(false) }
        let finishing = request
        let accepted = server.workers.submit { [self] in
            let outcome = server.serve(finishing, on: transport, keepAlive: keepAlive, arrival: arrival)
            // Bytes after a streamed body belong to the next request; nil: the body was not
            // read to its end.
            let following: [UInt8]? = stream.map { $0.bytesAfterBody } ?? []
            let now = Deadline.now().nanoseconds
            run(lock.withLock { machine.responseFinished(close: outcome.close, following: following, now: now) })
            if exclusiveReads && transport.hasBufferedInput {
                // Pipelined bytes TLS already decrypted: no readiness event will come for them.
                queue.async { [self] in readable() }
            }
        }
        if accepted { return nil }
        var busy = server.serverProblem(.serviceUnavailable, "server busy: request queue full", request)
        busy.headers.add("Retry-After", String(server.configuration.retryAfterSeconds))
        busy.closeConnection = true
        server.respondImmediately(busy, to: request, on: transport, peer: peer, error: nil, keepAlive: false)
        let now = Deadline.now().nanoseconds
        let bodyUnread = stream.map { !$0.isComplete } ?? false
        return lock.withLock { machine.responseFinished(close: true, following: bodyUnread ? nil : [], now: now) }
    }

    private func setReading(_ reading: Bool) {
        lock.withLock {
            guard !closed, let readSource, readSuspended == reading else { return }
            if reading { readSource.resume() } else { readSource.suspend() }
            readSuspended = !reading
        }
    }

    // MARK: timeouts and shutdown (any thread)

    /// Called by the server's shared timer: a cheap look, and a hop to the queue only when
    /// the current wait is over.
    func checkDeadline(now: UInt64) {
        let expired = lock.withLock { !closed && !machine.isProcessing && now >= machine.deadline }
        guard expired else { return }
        queue.async { [self] in
            let now = Deadline.now().nanoseconds
            run(lock.withLock { machine.timerFired(now: now) })
        }
    }

    /// Whether the connection waits for a next request with nothing of it received.
    var isIdle: Bool { lock.withLock { !closed && machine.isIdle } }

    /// Closes the connection if it is still idle (the server needs its slot).
    func closeIfIdle() {
        queue.async { [self] in
            if lock.withLock({ machine.isIdle }) { close() }
        }
    }

    /// Closes now when idle; otherwise closes after the response in progress.
    func drain() {
        queue.async { [self] in run(lock.withLock { machine.drain() }) }
    }

    /// Ends the connection from any thread; a worker writing to it gets an error.
    func forceClose() {
        transport.socket.shutdown()
        queue.async { [self] in
            if !lock.withLock({ machine.isProcessing }) { close() }
        }
    }

    private func close() {
        let (first, source) = lock.withLock { () -> (Bool, (any DispatchSourceRead)?) in
            guard !closed else { return (false, nil) }
            closed = true
            if let readSource, readSuspended {
                // A suspended source must be resumed before it can be cancelled and released.
                readSource.resume()
                readSuspended = false
            }
            let source = readSource
            readSource = nil
            return (true, source)
        }
        guard first else { return }
        queue.async { [self] in
            if let writeSource {
                // Like the read source: resumed before cancelling, or it is never released.
                if !writeSourceArmed { writeSource.resume() }
                writeSourceArmed = false
                writeSource.cancel()
                self.writeSource = nil
            }
        }
        if let source {
            source.cancel()  // its cancel handler closes the transport
        } else {
            transport.close()
        }
        server.connectionClosed(self)
    }
}
