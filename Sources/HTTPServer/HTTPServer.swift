#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
@preconcurrency import Dispatch
import Logging
import Sockets

/// An HTTP/1.1 server on Dispatch and non-blocking POSIX sockets.
///
/// Reading and parsing happen on per-connection serial queues (readiness from
/// `DispatchSourceRead`). Each complete head is shown to `admit` (route, identity, refusal)
/// before any body byte is read; complete requests go to a bounded queue served by
/// `workerCount` threads that run the (blocking) handler and write the response, or, when the
/// head's context says its route never blocks, are answered on the connection's queue.
/// Between requests, a worker stays with a busy keep-alive connection, and connections whose
/// requests never block wait together in a `KeepAliveGroup`, one worker polling them all.
/// A full queue gets `503` with `Retry-After` at once. One timer checks every connection's
/// deadline.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    /// The part of `configuration` a response's writer needs, copied once.
    let responseSettings: HTTPResponseWriter.Settings
    let handler: HTTPHandler
    let admit: HTTPRequestParser.Admission?
    /// Builds the replies the server makes on its own (parse errors, 408, a full queue), so
    /// they look like the application's: its problem format, request id, CORS fields. The
    /// request is nil when none was parsed.
    let serverProblem: @Sendable (HTTPStatus, String, HTTPRequest?) -> HTTPResponse
    let onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)?
    let workers: WorkerPool
    /// Where plain keep-alive connections wait between inline requests (`KeepAliveGroup`);
    /// empty when workers never stay.
    let keepAliveGroups: [KeepAliveGroup]
    /// Accept failures, refused and failed connections, handler errors (with the request).
    let logger: Logger
    private let metrics: HTTPServerMetrics
    /// Milliseconds between deadline checks.
    let timerTick: Int

    private struct State {
        var listener: Socket?
        var listenSource: (any DispatchSourceRead)?
        /// Set by `start()` when `configuration.tls` is; every accepted connection then speaks TLS.
        var tlsContext: TLSContext?
        var port = 0
        var phase = Phase.created
        var connections: [ObjectIdentifier: HTTPConnection] = [:]
        var connectionsPerClient: [String: Int] = [:]
        var timer: (any DispatchSourceTimer)?
        /// Kept open to be closed when accept fails with EMFILE (see `shedWithSpareDescriptor`).
        var spareDescriptor: Int32 = -1
        var acceptPauses = 0
        /// Resumes a paused listener. Made at start: out of descriptors, Dispatch could not make
        /// a new timer (it needs a descriptor for one).
        var acceptResumeTimer: (any DispatchSourceTimer)?
        var acceptPaused = false
    }

    private enum Phase { case created, running, stopping, stopped }

    private let state = Locked(State())
    private let draining = Locked(false)
    private let ioQueue = DispatchQueue(label: "http.io", attributes: .concurrent)
    private let acceptQueue = DispatchQueue(label: "http.accept")
    private let timerQueue = DispatchQueue(label: "http.timer")
    private let listenerClosed = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - admit: sees every complete head on the connection's queue, before its body: it
    ///     fills the request's `context` (route, id, principal, `runsInline`), decides whether
    ///     the body is streamed, or refuses the request (answered at once; an announced body is
    ///     never read). Must not block. nil: every request proceeds, nothing streamed.
    ///   - handler: called on a worker thread for every complete request (on the connection's
    ///     queue when `context.runsInline`); may block unless inline.
    ///   - onCompletion: called after each response (or server-made reply) was written: access
    ///     logs and metrics. Keep it quick.
    ///   - logger: what the server could not do for a client (accept, TLS, a handler that threw)
    ///     and why; per-connection events at `debug`, so that a flood of them floods nothing.
    ///   - metricsFactory: makes the server's connection gauges and counters (`HTTPServerMetrics`).
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory,
                admit: HTTPRequestParser.Admission? = nil,
                serverProblem: @escaping @Sendable (HTTPStatus, String, HTTPRequest?) -> HTTPResponse = { status, detail, _ in
                    .problem(status, detail: detail)
                },
                onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)? = nil,
                handler: @escaping HTTPHandler) {
        self.configuration = configuration
        responseSettings = HTTPResponseWriter.Settings(configuration)
        self.handler = handler
        self.admit = admit
        self.serverProblem = serverProblem
        self.onCompletion = onCompletion
        self.logger = logger
        self.metrics = HTTPServerMetrics(factory: metricsFactory)
        let workers = WorkerPool(threadCount: configuration.workerCount, capacity: configuration.workerQueueCapacity)
        self.workers = workers
        let stay = HTTPConnectionStateMachine.Timeouts.nanoseconds(configuration.workerStayTime)
        // One group per processor (and at most one per two workers, so that groups never
        // take most of the pool): more groups spread the load over the cores, fewer let each
        // `poll` return more members at once.
        let processors = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let groupCount = stay == 0 || configuration.tls != nil ? 0 : max(1, min(processors, configuration.workerCount / 2))
        self.keepAliveGroups = (0..<groupCount).map { _ in
            KeepAliveGroup(workers: workers, capacity: 128)
        }
        let shortest = min(configuration.headerReadTimeout, configuration.idleTimeout, configuration.bodyReadTimeout)
        self.timerTick = Int(max(5, min(1000, shortest * 1000 / 4)))
    }

    /// A server whose handler is `router`: each head is matched once, and its route decides
    /// streaming and inline answering.
    public convenience init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                            logger: Logger,
                            metricsFactory: any MetricsFactory = MetricsSystem.factory,
                            router: HTTPRouter,
                            onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)? = nil) {
        self.init(configuration: configuration, logger: logger, metricsFactory: metricsFactory, admit: { head in
            router.admit(&head)
        }, onCompletion: onCompletion) { request in
            router.handle(request)
        }
    }

    /// The admission a connection's parser uses: the peer (and its printed address, worked out
    /// once per connection) is known before `admit` runs.
    func admission(for peer: SocketAddress) -> HTTPRequestParser.Admission? {
        guard let admit else { return nil }
        let host = peer.host
        return { head in
            head.remoteAddress = peer
            head.context.clientAddress = host
            return admit(&head)
        }
    }

    deinit {
        workers.stop(deadline: .now())
    }

    /// Loads the TLS identity (when `configuration.tls` is set), binds, listens and starts
    /// accepting. Throws `HTTPServerError.tls` for an unusable certificate or key (the server
    /// never falls back to plaintext), `.listenFailed`, or `.invalidState` when called twice.
    public func start() throws {
        var tlsContext: TLSContext?
        if let tls = configuration.tls {
            do {
                tlsContext = try TLSContext(tls)
            } catch {
                throw HTTPServerError.tls(error)
            }
        }
        let listener: Socket
        do {
            listener = try Socket.listen(host: configuration.host, port: configuration.port,
                                         backlog: configuration.listenBacklog)
        } catch let error as SocketError {
            throw HTTPServerError.listenFailed(error)
        }
        let port: Int
        do {
            port = try listener.localPort()
        } catch {
            port = configuration.port
            logger.warning("could not read the listening socket's port", metadata: [
                "error": "\(error)", "configured_port": "\(configuration.port)"])
        }
        try state.withLock { state in
            guard state.phase == .created else {
                listener.close()
                throw HTTPServerError.invalidState("start() called on a server that already started")
            }
            let source = DispatchSource.makeReadSource(fileDescriptor: listener.fileDescriptor, queue: acceptQueue)
            source.setEventHandler { [self] in acceptConnections() }
            source.setCancelHandler { [self, listener] in
                listener.close()
                listenerClosed.signal()
            }
            state.listener = listener
            state.listenSource = source
            state.tlsContext = tlsContext
            state.port = port
            state.phase = .running
            source.resume()
            state.timer = startDeadlineTimer()
            state.spareDescriptor = open("/dev/null", O_RDONLY)
            let resume = DispatchSource.makeTimerSource(queue: acceptQueue)
            resume.schedule(deadline: .distantFuture)
            resume.setEventHandler { [weak self] in self?.resumeAccepting() }
            resume.resume()
            state.acceptResumeTimer = resume
        }
        ignoreSIGPIPE()
    }

    /// The bound port (the kernel's pick when configured with 0); 0 before `start()`.
    public var port: Int { state.withLock { $0.port } }

    /// Open client connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Open connections waiting for a next request with nothing of it received.
    public var idleConnectionCount: Int {
        state.withLock { Array($0.connections.values) }.filter(\.isIdle).count
    }

    /// Open connections a worker stays with between requests (`workerStayTime`).
    public var stayingConnectionCount: Int {
        state.withLock { Array($0.connections.values) }.filter(\.isStaying).count
    }

    /// Connections waiting in a keep-alive group (`KeepAliveGroup`), joiners included.
    var groupedConnectionCount: Int { keepAliveGroups.reduce(0) { $0 + $1.memberCount } }

    /// Requests waiting for a worker.
    public var queuedRequestCount: Int { workers.waitingCount }

    /// Stops accepting, closes idle keep-alive connections, lets requests in flight finish
    /// (their responses carry `Connection: close`) for up to `gracePeriod` seconds, then
    /// closes everything. Returns when done; later calls return at once.
    public func shutdown(gracePeriod: Double = 10) {
        let source: (any DispatchSourceRead)? = state.withLock { state in
            guard state.phase == .running else {
                if state.phase == .created { state.phase = .stopped }
                return nil
            }
            state.phase = .stopping
            if state.acceptPaused {
                // A suspended source never runs its cancel handler: resume it first.
                state.acceptPaused = false
                state.listenSource?.resume()
            }
            return state.listenSource
        }
        guard let source else {
            workers.stop(deadline: .now())
            return
        }
        source.cancel()
        listenerClosed.wait()
        draining.withLock { $0 = true }
        let graceDeadline = Deadline.after(seconds: gracePeriod)
        for connection in state.withLock({ Array($0.connections.values) }) { connection.drain() }
        waitForConnections(until: graceDeadline)
        for connection in state.withLock({ Array($0.connections.values) }) { connection.forceClose() }
        waitForConnections(until: .after(seconds: 1))
        workers.stop(deadline: .after(seconds: 1))
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
            state.acceptResumeTimer?.cancel()
            state.acceptResumeTimer = nil
            if state.spareDescriptor >= 0 { close(state.spareDescriptor) }
            state.spareDescriptor = -1
            state.phase = .stopped
            state.listenSource = nil
            state.listener = nil
        }
    }

    /// One timer for every connection: a tick looks at each deadline under the connection's
    /// own lock and wakes only the connections whose wait is over.
    private func startDeadlineTimer() -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: timerQueue)
        timer.schedule(deadline: .now() + .milliseconds(timerTick), repeating: .milliseconds(timerTick),
                       leeway: .milliseconds(max(1, timerTick / 4)))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let connections = state.withLock { Array($0.connections.values) }
            let now = Deadline.now().nanoseconds
            for connection in connections { connection.checkDeadline(now: now) }
        }
        timer.resume()
        return timer
    }

    private func waitForConnections(until deadline: Deadline) {
        while connectionCount > 0 && !deadline.hasPassed {
            usleep(2_000)
        }
    }

    var isDraining: Bool { draining.withLock { $0 } }

    /// Loads a new TLS identity (certificate chain and key, as `start()` does) for the
    /// handshakes of connections accepted from now on; connections already open keep the one
    /// they shook hands with. When it throws (`HTTPServerError.tls` for unusable files,
    /// `.invalidState` for a server that does not serve TLS) nothing has changed.
    public func replaceTLSIdentity(_ tls: TLSConfiguration) throws {
        let context: TLSContext
        do {
            context = try TLSContext(tls)
        } catch {
            throw HTTPServerError.tls(error)
        }
        try state.withLock { state in
            guard state.tlsContext != nil else {
                throw HTTPServerError.invalidState("the server was started without TLS; it cannot start serving TLS")
            }
            state.tlsContext = context
        }
    }

    // MARK: accepting

    private func acceptConnections() {
        guard let listener = state.withLock({ $0.listener }) else { return }
        for _ in 0..<64 {
            let accepted: (socket: Socket, peer: SocketAddress)?
            do {
                accepted = try listener.accept()
            } catch SocketError.system(_, let code) where code == EMFILE || code == ENFILE {
                // Out of descriptors: the pending connection would make the listener readable
                // forever and this loop spin. Answer it with the spare descriptor, then rest.
                return shedWithSpareDescriptor(listener)
            } catch SocketError.system(_, let code) where code == ECONNABORTED || code == EPROTO {
                // Gone while it waited in the backlog: the client's doing, the next event brings the rest.
                logger.debug("a queued connection was gone before it was accepted", metadata: ["errno": "\(code)"])
                return
            } catch {
                logger.warning("accepting a connection failed", metadata: ["error": "\(error)"])
                return
            }
            guard let (socket, peer) = accepted else { return }
            // Read for each connection, not once per batch: a connection accepted after a
            // reload (`replaceTLSIdentity`) must get the new identity even in the same batch.
            admit(socket, peer: peer, tlsContext: state.withLock { $0.tlsContext })
        }
    }

    private func admit(_ socket: Socket, peer: SocketAddress, tlsContext: TLSContext?) {
        let transport: any ConnectionTransport
        if let tlsContext {
            guard let tls = TLSTransport(socket: socket, context: tlsContext) else {
                logger.warning("could not set up TLS for a connection", metadata: ["client": "\(peer.host)"])
                socket.close()
                return
            }
            transport = tls
        } else {
            transport = PlainSocketTransport(socket: socket)
        }
        let connection = HTTPConnection(transport: transport, peer: peer, server: self, targetQueue: ioQueue)
        let client = connection.client
        let limitPerClient = configuration.unlimitedClients.contains(client) ? 0 : configuration.maxConnectionsPerClient
        var evicted: [HTTPConnection] = []
        let admitted = state.withLock { state -> Bool in
            guard state.phase == .running else { return false }
            if limitPerClient > 0, state.connectionsPerClient[client, default: 0] >= limitPerClient { return false }
            if state.connections.count >= configuration.maxConnections {
                // Make room by closing an idle keep-alive connection: a new request (a health
                // probe) matters more than a connection that is only being held. It leaves the
                // table when its close is done, so the count may pass the limit for that moment.
                guard let idle = state.connections.values.first(where: { $0.isIdle }) else { return false }
                evicted.append(idle)
            }
            state.connections[ObjectIdentifier(connection)] = connection
            state.connectionsPerClient[client, default: 0] += 1
            // Under the lock: the gauge's last write is the latest count.
            metrics.open.set(state.connections.count)
            return true
        }
        for idle in evicted { idle.closeIfIdle() }
        metrics.evicted.increment(by: evicted.count)
        if admitted {
            metrics.accepted.increment()
            connection.start()
        } else {
            metrics.refused.increment()
            logger.debug("connection refused at a connection limit", metadata: ["client": "\(client)"])
            refuse(socket, tls: tlsContext != nil)
        }
    }

    /// Over a limit: a plaintext 503 means nothing to a TLS client, and a handshake is the
    /// work the limit is there to refuse; a plain client gets one non-blocking attempt at a 503.
    private func refuse(_ socket: Socket, tls: Bool) {
        // Consume what the client already sent: closing with unread bytes would reset the
        // connection, and a reset can destroy the 503 before the client reads it. Failures are
        // the refused client's (gone, or slow): one attempt each, noted at debug.
        do {
            _ = try withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 16) { try socket.read(into: $0) }
            if !tls {
                let bytes = Array(Self.overloadedResponse.utf8)
                _ = try bytes.withUnsafeBytes { try socket.write($0) }
            }
        } catch {
            logger.debug("the refused connection's 503 was not delivered", metadata: ["error": "\(error)"])
        }
        socket.shutdown(reading: false, writing: true)
        socket.close()
    }

    /// EMFILE/ENFILE: with the descriptor kept in reserve, accept and refuse (503) the pending
    /// connections one by one, take the reserve back, and stop accepting for a moment, so that
    /// clients hear "busy" at once and the process does not spin on a listener that stays
    /// readable.
    private func shedWithSpareDescriptor(_ listener: Socket) {
        let (tls, pauses) = state.withLock { state -> (Bool, Int) in
            state.acceptPauses += 1
            return (state.tlsContext != nil, state.acceptPauses)
        }
        metrics.acceptPauses.increment()
        // Once, then every hundredth pause: under a flood each pause is 50 ms apart.
        if pauses == 1 || pauses % 100 == 0 {
            logger.error("out of file descriptors: refusing new connections with 503 and pausing accept", metadata: [
                "pause_ms": "\(Self.acceptPauseMilliseconds)", "pauses_so_far": "\(pauses)"])
        }
        for _ in 0..<64 {
            let spare = state.withLock { state -> Int32 in
                defer { state.spareDescriptor = -1 }
                return state.spareDescriptor
            }
            guard spare >= 0 else { break }
            close(spare)
            let pending: (socket: Socket, peer: SocketAddress)?
            do {
                pending = try listener.accept()
            } catch {
                logger.debug("accepting with the spare descriptor failed", metadata: ["error": "\(error)"])
                pending = nil
            }
            if let (socket, _) = pending { refuse(socket, tls: tls) }
            let reopened = open("/dev/null", O_RDONLY)
            state.withLock { $0.spareDescriptor = reopened }
            if pending == nil { break }
        }
        state.withLock { state in
            guard !state.acceptPaused, let source = state.listenSource, let timer = state.acceptResumeTimer else { return }
            state.acceptPaused = true
            source.suspend()
            timer.schedule(deadline: .now() + .milliseconds(Self.acceptPauseMilliseconds))
        }
    }

    private func resumeAccepting() {
        state.withLock { state in
            guard state.acceptPaused, let source = state.listenSource else { return }
            state.acceptPaused = false
            source.resume()
            state.acceptResumeTimer?.schedule(deadline: .distantFuture)
        }
    }

    static let acceptPauseMilliseconds = 50

    /// Times accepting paused because the process ran out of descriptors.
    public var acceptPauseCount: Int { state.withLock { $0.acceptPauses } }

    private static let overloadedResponse =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"

    func connectionClosed(_ connection: HTTPConnection) {
        state.withLock { state in
            guard state.connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
            metrics.open.set(state.connections.count)
            let remaining = state.connectionsPerClient[connection.client, default: 1] - 1
            state.connectionsPerClient[connection.client] = remaining > 0 ? remaining : nil
        }
    }

    // MARK: serving (worker threads)

    /// Runs the handler and writes its response; returns what the writer did.
    /// `arrival`: `Deadline.now().nanoseconds` when the request was complete.
    func serve(_ request: HTTPRequest, on transport: any ConnectionTransport, keepAlive: Bool, arrival: UInt64)
        -> HTTPResponseWriter.Outcome {
        var response: HTTPResponse
        do {
            response = try handler(request)
        } catch let error as any HTTPResponseConvertible {
            response = error.httpResponse
        } catch {
            logger.error("the request handler failed", metadata: [
                "error": "\(error)", "method": "\(request.method.rawValue)", "path": "\(request.path)",
                "request_id": "\(request.context.requestID)"])
            response = .problem(.internalServerError, detail: "the request handler failed")
        }
        if let stream = request.bodyStream,
           stream.settle(maxBytes: configuration.streamedBodyDrainLimit, deadline: .after(seconds: 1)) == nil {
            // The rest of the body is still coming (or broken): it must never be read as a request.
            response.closeConnection = true
        }
        let writer = HTTPResponseWriter(transport: transport, settings: responseSettings)
        // Decided now, not at arrival: a shutdown that began meanwhile announces the close.
        let outcome = writer.write(response, to: request, keepAlive: keepAlive && !isDraining)
        report(request: request, response: response, outcome: outcome, peer: request.remoteAddress, since: arrival)
        return outcome
    }

    /// Writes a reply the server makes itself (refusals, errors, 503s, 408s), bounded to one second.
    @discardableResult
    func respondImmediately(_ response: HTTPResponse, to request: HTTPRequest?, on transport: any ConnectionTransport,
                            peer: SocketAddress? = nil, error: (any Error)? = nil,
                            keepAlive: Bool = false) -> HTTPResponseWriter.Outcome {
        let start = Deadline.now().nanoseconds
        var quick = responseSettings
        quick.writeTimeout = min(1, responseSettings.writeTimeout)
        let outcome = HTTPResponseWriter(transport: transport, settings: quick)
            .write(response, to: request, keepAlive: keepAlive && !isDraining)
        var reported = outcome
        if reported.error == nil { reported.error = error }
        report(request: request, response: response, outcome: reported, peer: peer ?? request?.remoteAddress, since: start)
        return outcome
    }

    private func report(request: HTTPRequest?, response: HTTPResponse, outcome: HTTPResponseWriter.Outcome,
                        peer: SocketAddress?, since start: UInt64) {
        guard let onCompletion else { return }
        onCompletion(HTTPExchangeRecord(
            request: request, status: outcome.status, responseHeaders: outcome.headers,
            bytesSent: outcome.bodyBytesSent, durationNanoseconds: Int64(Deadline.now().nanoseconds &- start),
            remoteAddress: peer, routePattern: response.routePattern ?? request?.context.routePattern,
            error: outcome.error))
    }
}

private let ignoreSIGPIPEOnce: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// A peer that resets mid-write must give EPIPE, not kill the process.
private func ignoreSIGPIPE() {
    _ = ignoreSIGPIPEOnce
}
