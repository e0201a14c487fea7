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
/// reports back. A TLS connection, whose `SSL` object one thread may use at a time, and a
/// request whose body the handler streams from the socket, pause reading while a worker has
/// the request.
///
/// A plain connection whose request went to a worker pauses reading too, because the worker
/// *stays* with it after the response (`workerStayTime`): it waits for the next request
/// (inside `recv` while the connection is busy, in `poll` while it is quiet) and serves it
/// itself, so a busy keep-alive connection costs a read, a write and one wake-up per request
/// instead of the event loop's readiness round (`epoll_wait`, `FIONREAD`, re-arming, a
/// hand-over to a worker). Only a request the application vouched for
/// (`HTTPRequestContext.mayKeepWorker`: a credential, or no credentials checked) starts a
/// stay. The stay ends when its time is up, when a request waits for a worker (seen after
/// each request, `WorkerPool.mayStay`, and at once through the pool's wake pipe once the
/// connection is quiet), after a refused request, or at shutdown; reading then resumes on the
/// source. With stays off, a plain socket keeps reading while a request is processed
/// (pipelined bytes are buffered, bounded).
///
/// A request for an inline route is answered on the queue, and the connection then waits for
/// its next request in a `KeepAliveGroup` (with the same conditions and the same stay time):
/// one worker polls every member and serves their inline requests, so a busy connection of
/// health checks costs a fraction of a thread wake-up per request instead of one. A member
/// whose next request may block leaves the group for a worker of its own, which stays with it
/// as above.
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
    /// A worker waits on the socket for the next request (its read source is suspended): the
    /// timer, `drain` and eviction leave the connection to that worker.
    @exclusivity(unchecked) private var staying = false
    /// `drain()` came while a worker stayed: it drains when the stay ends.
    @exclusivity(unchecked) private var drainAfterStay = false
    /// Nanoseconds a worker stays; 0 when it never does (TLS, or stays turned off).
    private let stayNanoseconds: UInt64
    /// How long a staying worker waits inside `recv` before it takes its connection for a
    /// quiet one and waits in `poll` instead: 2 ms, less when the whole stay is shorter.
    private let staySliceMilliseconds: Int
    /// The socket lets a staying worker wait inside `recv` (set at the first stay; touched
    /// only by the staying worker, one at a time).
    @exclusivity(unchecked) private var waitingReadsAllowed = false
    /// The last wait for a request outlasted a `recv` slice: the next wait is in `poll`
    /// (touched only by the staying worker).
    @exclusivity(unchecked) private var quiet = false
    /// Armed only while a TLS read waits for the socket to become writable (queue-confined).
    private var writeSource: (any DispatchSourceWrite)?
    private var writeSourceArmed = false

    init(transport: any ConnectionTransport, peer: SocketAddress, server: HTTPServer, targetQueue: DispatchQueue) {
        self.transport = transport
        self.peer = peer
        self.client = peer.host
        self.server = server
        self.exclusiveReads = !transport.allowsConcurrentReadAndWrite
        self.stayNanoseconds = exclusiveReads ? 0 : HTTPConnectionStateMachine.Timeouts.nanoseconds(server.configuration.workerStayTime)
        self.staySliceMilliseconds = Int(max(1, min(2, stayNanoseconds / 1_000_000)))
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
                (result, action) = try readIntoMachine(staying: false)
            } catch {
                return readFailed(error)
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

    /// One read, its bytes given to the machine: what the transport said, and the machine's
    /// action (`.read` when no bytes came). For a staying worker (`staying`), an action other
    /// than reading on ends the stay in the same step.
    private func readIntoMachine(staying: Bool) throws -> (TransportReadResult, HTTPConnectionStateMachine.Action) {
        try withUnsafeTemporaryAllocation(byteCount: Self.readBufferSize, alignment: 16) { buffer in
            try readIntoMachine(staying: staying, waiting: false, buffer: buffer)
        }
    }

    /// Bytes read at once. More than fits the stack, so the buffer is heap memory: a staying
    /// worker allocates it once for its whole stay rather than once per read.
    private static let readBufferSize = 16 * 1024

    private func readIntoMachine(staying: Bool, waiting: Bool, buffer: UnsafeMutableRawBufferPointer) throws
        -> (TransportReadResult, HTTPConnectionStateMachine.Action) {
        let outcome = try waiting ? transport.readWaiting(into: buffer) : transport.read(into: buffer)
        guard case .bytes(let count) = outcome else { return (outcome, .read) }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        let now = Deadline.now().nanoseconds
        return (outcome, lock.withLock {
            let action = machine.received(bytes, now: now)
            if staying {
                if case .read = action {} else { self.staying = false }
            }
            return action
        })
    }

    /// A reset or a broken TLS record: the client's side, routine on the internet.
    private func readFailed(_ error: any Error) {
        server.logger.debug("connection read failed; closing", metadata: [
            "client": "\(client)", "error": "\(error)"])
        close()
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
        let (stream, keepAlive) = prepare(&request)
        let arrival = Deadline.now().nanoseconds
        // A route that never blocks is answered here; the connection then waits for its next
        // request in a keep-alive group, when it may stay.
        if request.context.runsInline && stream == nil && !exclusiveReads {
            guard stayNanoseconds > 0, keepAlive, request.context.mayKeepWorker else {
                let outcome = server.serve(request, on: transport, keepAlive: keepAlive, arrival: arrival)
                let now = Deadline.now().nanoseconds
                return lock.withLock { machine.responseFinished(close: outcome.close, following: [], now: now) }
            }
            // `serve` marked the connection staying when it answers `.read` (the request may
            // keep a worker: checked above).
            let next = serve(request, stream: nil, keepAlive: keepAlive, arrival: arrival)
            guard case .read = next else { return next }
            setReading(false)
            if joinKeepAliveGroup() { return nil }
            lock.withLock { staying = false }
            return .read
        }
        if stream != nil || exclusiveReads || stayNanoseconds > 0 { setReading(false) }
        return submit(request, stream: stream, keepAlive: keepAlive, arrival: arrival)
    }

    /// Hands `request` to a worker, which then stays with the connection when it may; nil
    /// when a worker took it, otherwise (the queue is full) the action after a 503.
    private func submit(_ request: HTTPRequest, stream: RequestBodyStream?, keepAlive: Bool,
                        arrival: UInt64) -> HTTPConnectionStateMachine.Action? {
        let finishing = request
        let accepted = server.workers.submit { [self] in
            continueOnWorker(serve(finishing, stream: stream, keepAlive: keepAlive, arrival: arrival))
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

    /// Readies a parsed request for its handler, wherever it runs: its peer, the reader of a
    /// body the handler streams (its start is what the parser holds), and whether the
    /// connection is kept after it.
    private func prepare(_ request: inout HTTPRequest) -> (stream: RequestBodyStream?, keepAlive: Bool) {
        // Each change below copies the request's storage when the action still shares it:
        // made only when needed (the admission already set the address).
        if request.remoteAddress == nil { request.remoteAddress = peer }
        let keepAlive = request.keepAlive && !server.isDraining && !lock.withLock { machine.draining }
        return (streamReader(for: &request), keepAlive)
    }

    private func streamReader(for request: inout HTTPRequest) -> RequestBodyStream? {
        guard let head = request.streamedBody else { return nil }
        let configuration = server.configuration
        let stream = RequestBodyStream(transport: transport, head: head,
                                       buffered: lock.withLock { machine.takeUnconsumedBytes() },
                                       limits: configuration.limits, idleTimeout: configuration.idleTimeout,
                                       writeTimeout: configuration.writeTimeout,
                                       minimumRate: configuration.bodyMinimumRate,
                                       gracePeriod: configuration.bodyGracePeriod)
        request.bodyStream = stream
        request.streamedBody = nil
        return stream
    }

    /// Runs the handler on this worker and writes its response; returns the machine's next action.
    /// When that is to read on and the worker may stay, the connection is marked `staying` in
    /// the same step, so that nothing closes it under the worker.
    private func serve(_ request: HTTPRequest, stream: RequestBodyStream?, keepAlive: Bool,
                       arrival: UInt64) -> HTTPConnectionStateMachine.Action {
        let outcome = server.serve(request, on: transport, keepAlive: keepAlive, arrival: arrival)
        // Bytes after a streamed body belong to the next request; nil: the body was not read
        // to its end.
        let following: [UInt8]? = stream.map { $0.bytesAfterBody } ?? []
        let now = Deadline.now().nanoseconds
        return lock.withLock {
            let action = machine.responseFinished(close: outcome.close, following: following, now: now)
            if case .read = action, stayNanoseconds > 0, request.context.mayKeepWorker { staying = true }
            return action
        }
    }

    /// On the worker that wrote a response: stays for the next requests while it may (see the
    /// type's comment), then carries out what the machine says.
    private func continueOnWorker(_ first: HTTPConnectionStateMachine.Action) {
        var action = first
        if stayNanoseconds > 0, first.mayStartStay {
            // One read buffer for the whole stay, however many requests it serves.
            let next = withUnsafeTemporaryAllocation(byteCount: Self.readBufferSize, alignment: 16) { buffer in
                stay(from: first, reading: buffer)
            }
            guard let next else { return }
            action = next
        }
        run(action)
        if exclusiveReads && transport.hasBufferedInput {
            // Pipelined bytes TLS already decrypted: no readiness event will come for them.
            queue.async { [self] in readable() }
        }
    }

    /// Serves the connection's next requests on this worker while it stays; returns the
    /// action that ended the stay (to be run), or nil when reading went back to the source
    /// (or the connection closed).
    private func stay(from first: HTTPConnectionStateMachine.Action,
                      reading buffer: UnsafeMutableRawBufferPointer) -> HTTPConnectionStateMachine.Action? {
        var action = first
        while true {
            switch action {
            case .read:
                // Not marked staying (no credential vouched for the request): reading goes
                // back to the source.
                guard lock.withLock({ staying }) else { return action }
                guard let next = awaitNextRequest(reading: buffer) else { return nil }
                action = next
            case .dispatch(let parsed):
                var request = parsed
                let (stream, keepAlive) = prepare(&request)
                action = serve(request, stream: stream, keepAlive: keepAlive, arrival: Deadline.now().nanoseconds)
            default:
                return action
            }
        }
    }

    /// Waits on this worker (marked `staying`) for the next request's bytes, up to the stay
    /// time, and returns the machine's action for the first bytes that need more than
    /// reading on; nil when the stay ended and reading went back to the source (or the
    /// connection closed).
    ///
    /// A busy connection's next request comes soon: the worker waits for it inside `recv`
    /// (`readWaiting`), one system call, for a short slice. When the slice passes with
    /// nothing, the connection is quiet: the worker waits for the rest of the stay in `poll`
    /// beside the pool's wake pipe, where a job waiting for a thread wakes it at once (a
    /// slice after slice of `recv` would wake it every few milliseconds instead). A quiet
    /// connection's waits start in `poll` (one wake-up per request, not a timed-out slice and
    /// then another), until a request comes within a slice again.
    /// `shutdown()` on the socket (eviction, drain, shutdown) ends either wait at once.
    private func awaitNextRequest(reading buffer: UnsafeMutableRawBufferPointer) -> HTTPConnectionStateMachine.Action? {
        let workers = server.workers
        if !waitingReadsAllowed {
            waitingReadsAllowed = transport.allowWaitingReads(upToMilliseconds: staySliceMilliseconds)
        }
        let start = Deadline.now().nanoseconds
        let end = start &+ stayNanoseconds
        if waitingReadsAllowed && !quiet {
            while workers.mayStay, stayWaitRemaining(until: end) != nil {
                switch readWhileStaying(waiting: true, buffer: buffer) {
                case .readOn: continue
                case .nothing:
                    quiet = true
                    return awaitNextRequestPolling(reading: buffer, since: start, until: end)
                case .ended(let action): return action
                }
            }
            endStay()
            return nil
        }
        return awaitNextRequestPolling(reading: buffer, since: start, until: end)
    }

    /// The quiet part of a stay: `poll` on the socket and on the pool's wake pipe, as a holder
    /// (`WorkerPool.beginHolding`), until bytes come, a job waits for a thread, or the stay's
    /// or the connection's time is up.
    private func awaitNextRequestPolling(reading buffer: UnsafeMutableRawBufferPointer, since start: UInt64,
                                         until end: UInt64) -> HTTPConnectionStateMachine.Action? {
        let workers = server.workers
        guard workers.beginHolding() else {
            endStay()
            return nil
        }
        defer { workers.endHolding() }
        return withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { descriptors in
            descriptors[0] = pollfd(fd: transport.socket.fileDescriptor, events: Int16(POLLIN), revents: 0)
            descriptors[1] = pollfd(fd: workers.holdWakeDescriptor, events: Int16(POLLIN), revents: 0)
            while let remaining = stayWaitRemaining(until: end) {
                let milliseconds = Int32(min(1000, (remaining + 999_999) / 1_000_000))
                let ready = poll(descriptors.baseAddress, 2, milliseconds)
                if ready < 0 && errno != EINTR { break }
                if descriptors[1].revents != 0 && workers.takeHoldWake() { break }
                guard descriptors[0].revents != 0 else { continue }
                // Bytes within a slice of the wait's start: busy again, the next wait is a `recv`.
                if quiet && Deadline.now().nanoseconds &- start < UInt64(staySliceMilliseconds) * 1_000_000 {
                    quiet = false
                }
                switch readWhileStaying(waiting: false, buffer: buffer) {
                case .readOn, .nothing: continue
                case .ended(let action): return action
                }
            }
            endStay()
            return nil
        }
    }

    private enum StayRead {
        /// Bytes came, not yet a whole request: wait for more.
        case readOn
        /// No bytes (the `recv` slice passed, or a spurious readiness).
        case nothing
        /// What ends the wait: the machine's action for a request or the end of the stream,
        /// or nil when the connection failed (and is closed).
        case ended(HTTPConnectionStateMachine.Action?)
    }

    /// One read on a staying worker (`readWaiting` when `waiting`), its bytes given to the machine.
    private func readWhileStaying(waiting: Bool, buffer: UnsafeMutableRawBufferPointer) -> StayRead {
        let result: TransportReadResult
        let action: HTTPConnectionStateMachine.Action
        do {
            (result, action) = try readIntoMachine(staying: true, waiting: waiting, buffer: buffer)
        } catch {
            readFailed(error)
            return .ended(nil)
        }
        switch result {
        case .wouldBlock: return .nothing
        case .endOfStream: return .ended(lock.withLock { staying = false; return machine.endOfStream() })
        case .bytes:
            if case .read = action { return .readOn }
            return .ended(action)
        }
    }

    /// Nanoseconds the current wait may last: until the stay's `end` or the connection's own
    /// deadline (idle, head; the timer leaves staying connections alone, then finds it
    /// passed), whichever comes first; nil when that has passed or `drain()` came during the
    /// stay.
    private func stayWaitRemaining(until end: UInt64) -> UInt64? {
        let (draining, deadline) = lock.withLock { (drainAfterStay, machine.deadline) }
        let until = min(end, deadline)
        let now = Deadline.now().nanoseconds
        return !draining && now < until ? until - now : nil
    }

    /// Hands reading back to the source, draining first when `drain()` came during the stay.
    private func endStay() {
        let action = lock.withLock { () -> HTTPConnectionStateMachine.Action in
            staying = false
            guard drainAfterStay else { return .read }
            drainAfterStay = false
            return machine.drain()
        }
        run(action)
    }

    // MARK: waiting in a keep-alive group (on the group's leader)

    /// Joins one of the server's keep-alive groups (the connection marked staying, its source
    /// suspended); false when every group is full.
    private func joinKeepAliveGroup() -> Bool {
        let groups = server.keepAliveGroups
        guard !groups.isEmpty else { return false }
        let first = Int(UInt32(bitPattern: transport.socket.fileDescriptor)) % groups.count
        for offset in 0..<groups.count where groups[(first + offset) % groups.count].join(self) {
            return true
        }
        return false
    }

    /// Carries on from the machine's action for a group member's bytes: inline requests are
    /// served here; a request that may block goes to a worker, and anything else is run as
    /// usual, both ending the connection's time in the group (nil).
    private func continueInGroup(_ first: HTTPConnectionStateMachine.Action) -> KeepAliveGroup.Turn? {
        var action = first
        while true {
            switch action {
            case .read:
                guard lock.withLock({ staying }) else {
                    run(action)
                    return nil
                }
                return KeepAliveGroup.Turn(answered: true, waitEnd: groupWaitEnd(now: Deadline.now().nanoseconds))
            case .dispatch(let parsed):
                var request = parsed
                let (stream, keepAlive) = prepare(&request)
                let arrival = Deadline.now().nanoseconds
                guard request.context.runsInline, stream == nil else {
                    if let next = submit(request, stream: stream, keepAlive: keepAlive, arrival: arrival) { run(next) }
                    return nil
                }
                action = serve(request, stream: nil, keepAlive: keepAlive, arrival: arrival)
            default:
                run(action)
                return nil
            }
        }
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
        let expired = lock.withLock { !closed && !staying && !machine.isProcessing && now >= machine.deadline }
        guard expired else { return }
        queue.async { [self] in
            let now = Deadline.now().nanoseconds
            run(lock.withLock { machine.timerFired(now: now) })
        }
    }

    /// Whether a worker stays with the connection, waiting for its next request.
    var isStaying: Bool { lock.withLock { staying } }

    /// Whether the connection waits for a next request with nothing of it received.
    var isIdle: Bool { lock.withLock { !closed && machine.isIdle } }

    /// Closes the connection if it is still idle (the server needs its slot).
    func closeIfIdle() {
        queue.async { [self] in
            let closeHere = lock.withLock { () -> Bool in
                guard machine.isIdle else { return false }
                // A staying worker reads the end of the stream and closes; under the lock, no
                // request can have begun meanwhile.
                if staying { transport.socket.shutdown() }
                return !staying
            }
            if closeHere { close() }
        }
    }

    /// Closes now when idle; otherwise closes after the response in progress.
    func drain() {
        queue.async { [self] in
            let action = lock.withLock { () -> HTTPConnectionStateMachine.Action in
                if staying {
                    // Idle: end the stream under the staying worker, which then closes at
                    // once; mid-request: it drains when the stay ends.
                    if machine.isIdle { transport.socket.shutdown() } else { drainAfterStay = true }
                    return .read
                }
                return machine.drain()
            }
            // Only a close: reading is whoever has the connection's business (a worker may
            // have paused it).
            if case .close = action { close() }
        }
    }

    /// Ends the connection from any thread; a worker writing to it gets an error.
    func forceClose() {
        transport.socket.shutdown()
        queue.async { [self] in
            // A staying worker reads the end of the stream and closes.
            if !lock.withLock({ machine.isProcessing || staying }) { close() }
        }
    }

    private func close() {
        let (first, source) = lock.withLock { () -> (Bool, (any DispatchSourceRead)?) in
            guard !closed else { return (false, nil) }
            closed = true
            // Only a staying worker closes a staying connection: its stay is over.
            staying = false
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

extension HTTPConnection: KeepAliveGroup.Member {
    var groupDescriptor: Int32 { transport.socket.fileDescriptor }

    func serveInGroup(reading buffer: UnsafeMutableRawBufferPointer, now: UInt64) -> KeepAliveGroup.Turn? {
        switch readWhileStaying(waiting: false, buffer: buffer) {
        case .readOn, .nothing: return KeepAliveGroup.Turn(answered: false, waitEnd: groupWaitEnd(now: now))
        case .ended(nil): return nil
        case .ended(let action?): return continueInGroup(action)
        }
    }

    func leaveGroup() {
        endStay()
    }

    func groupWaitEnd(now: UInt64) -> UInt64? {
        lock.withLock { drainAfterStay ? nil : min(now &+ stayNanoseconds, machine.deadline) }
    }
}

private extension HTTPConnectionStateMachine.Action {
    /// Reading on, or a pipelined request already parsed: what a staying worker carries on with.
    var mayStartStay: Bool {
        switch self {
        case .read, .dispatch: return true
        default: return false
        }
    }
}
