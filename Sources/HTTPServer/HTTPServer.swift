#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import Sockets

/// An HTTP/1.1 server on Dispatch and non-blocking POSIX sockets.
///
/// Reading and parsing happen on per-connection serial queues (readiness from
/// `DispatchSourceRead`); complete requests go to a bounded queue served by
/// `workerCount` threads that run the (blocking) handler and write the response.
/// A full queue gets `503` with `Retry-After` at once.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    let handler: HTTPHandler
    let onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)?
    let workers: WorkerPool
    /// Milliseconds between a connection's timeout checks.
    let timerTick: Int

    private struct State {
        var listener: Socket?
        var listenSource: (any DispatchSourceRead)?
        /// Set by `start()` when `configuration.tls` is; every accepted connection then speaks TLS.
        var tlsContext: TLSContext?
        var port = 0
        var phase = Phase.created
        var connections: [ObjectIdentifier: HTTPConnection] = [:]
    }

    private enum Phase { case created, running, stopping, stopped }

    private let state = Locked(State())
    private let draining = Locked(false)
    private let ioQueue = DispatchQueue(label: "http.io", attributes: .concurrent)
    private let acceptQueue = DispatchQueue(label: "http.accept")
    private let listenerClosed = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - handler: called on a worker thread for every complete request; may block.
    ///   - onCompletion: called on the worker thread after each response (or parse-error
    ///     reply) was written: access logs and metrics. Keep it quick.
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)? = nil,
                handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.onCompletion = onCompletion
        self.workers = WorkerPool(threadCount: configuration.workerCount, capacity: configuration.workerQueueCapacity)
        let shortest = min(configuration.headerReadTimeout, configuration.idleTimeout)
        self.timerTick = Int(max(5, min(1000, shortest * 1000 / 4)))
    }

    /// A server whose handler is `router`.
    public convenience init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                            router: HTTPRouter,
                            onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)? = nil) {
        var configuration = configuration
        if configuration.streamsRequestBody == nil {
            configuration.streamsRequestBody = { method, path in router.streamsRequestBody(method: method, path: path) }
        }
        self.init(configuration: configuration, onCompletion: onCompletion) { request in
            router.handle(request)
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
        let port = (try? listener.localPort()) ?? configuration.port
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
        }
        ignoreSIGPIPE()
    }

    /// The bound port (the kernel's pick when configured with 0); 0 before `start()`.
    public var port: Int { state.withLock { $0.port } }

    /// Open client connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

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
            state.phase = .stopped
            state.listenSource = nil
            state.listener = nil
        }
    }

    private func waitForConnections(until deadline: Deadline) {
        while connectionCount > 0 && !deadline.hasPassed {
            usleep(2_000)
        }
    }

    var isDraining: Bool { draining.withLock { $0 } }

    // MARK: accepting

    private func acceptConnections() {
        let (listener, tlsContext) = state.withLock { ($0.listener, $0.tlsContext) }
        guard let listener else { return }
        for _ in 0..<64 {
            let accepted: (socket: Socket, peer: SocketAddress)?
            do {
                accepted = try listener.accept()
            } catch {
                return  // EMFILE and friends: try again on the next readiness event
            }
            guard let (socket, peer) = accepted else { return }
            let transport: any ConnectionTransport
            if let tlsContext {
                guard let tls = TLSTransport(socket: socket, context: tlsContext) else {
                    socket.close()
                    continue
                }
                transport = tls
            } else {
                transport = PlainSocketTransport(socket: socket)
            }
            let connection = HTTPConnection(transport: transport, peer: peer, server: self, targetQueue: ioQueue)
            let admitted = state.withLock { state -> Bool in
                guard state.phase == .running, state.connections.count < configuration.maxConnections else {
                    return false
                }
                state.connections[ObjectIdentifier(connection)] = connection
                return true
            }
            if admitted {
                connection.start()
            } else if tlsContext != nil {
                // Over the limit: a plaintext 503 means nothing to a TLS client, and a handshake
                // is the work the limit is there to refuse.
                socket.close()
            } else {
                // Over the limit: one non-blocking attempt at a 503, then close.
                let bytes = Array(Self.overloadedResponse.utf8)
                _ = try? bytes.withUnsafeBytes { try socket.write($0) }
                socket.close()
            }
        }
    }

    private static let overloadedResponse =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"

    func connectionClosed(_ connection: HTTPConnection) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    // MARK: serving (worker threads)

    /// Runs the handler and writes its response; returns what the writer did.
    func serve(_ request: HTTPRequest, on transport: any ConnectionTransport, keepAlive: Bool, arrival: ContinuousClock.Instant)
        -> HTTPResponseWriter.Outcome {
        var response: HTTPResponse
        do {
            response = try handler(request)
        } catch let error as any HTTPResponseConvertible {
            response = error.httpResponse
        } catch {
            response = .problem(.internalServerError, detail: "the request handler failed")
        }
        if let stream = request.bodyStream,
           stream.settle(maxBytes: configuration.streamedBodyDrainLimit, deadline: .after(seconds: 1)) == nil {
            // The rest of the body is still coming (or broken): it must never be read as a request.
            response.closeConnection = true
        }
        let writer = HTTPResponseWriter(transport: transport, configuration: configuration)
        // Decided now, not at arrival: a shutdown that began meanwhile announces the close.
        let outcome = writer.write(response, to: request, keepAlive: keepAlive && !isDraining)
        report(request: request, response: response, outcome: outcome, peer: request.remoteAddress, since: arrival)
        return outcome
    }

    /// Writes a short reply from a connection's queue (errors, 503s, 408s), bounded to one second.
    @discardableResult
    func respondImmediately(_ response: HTTPResponse, to request: HTTPRequest?, on transport: any ConnectionTransport,
                            peer: SocketAddress? = nil, error: (any Error)? = nil) -> HTTPResponseWriter.Outcome {
        let start = ContinuousClock.now
        var quick = configuration
        quick.writeTimeout = min(1, configuration.writeTimeout)
        let outcome = HTTPResponseWriter(transport: transport, configuration: quick).write(response, to: request, keepAlive: false)
        var reported = outcome
        if reported.error == nil { reported.error = error }
        report(request: request, response: response, outcome: reported, peer: peer ?? request?.remoteAddress, since: start)
        return outcome
    }

    private func report(request: HTTPRequest?, response: HTTPResponse, outcome: HTTPResponseWriter.Outcome,
                        peer: SocketAddress?, since start: ContinuousClock.Instant) {
        guard let onCompletion else { return }
        onCompletion(HTTPExchangeRecord(
            request: request, status: outcome.status, responseHeaders: outcome.headers,
            bytesSent: outcome.bodyBytesSent, duration: ContinuousClock.now - start,
            remoteAddress: peer, routePattern: response.routePattern, error: outcome.error))
    }
}

private let ignoreSIGPIPEOnce: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// A peer that resets mid-write must give EPIPE, not kill the process.
private func ignoreSIGPIPE() {
    _ = ignoreSIGPIPEOnce
}
