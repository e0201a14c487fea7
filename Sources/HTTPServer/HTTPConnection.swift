#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import Sockets

/// One client connection: reads and parses on its serial queue, hands each complete request
/// to the worker pool, and resumes reading only after the response was written, so pipelined
/// requests are answered in order.
///
/// Every mutable property is confined to `queue`; the worker touches only `transport` (while
/// reading is suspended, so the two never use it at once) and comes back through `queue.async`.
/// All bytes pass through `transport`: the plain socket, or TLS over it.
final class HTTPConnection: @unchecked Sendable {
    private enum State {
        case reading
        case processing
        /// After an error reply: output shut, discard input until EOF so the reply is not lost
        /// to a reset.
        case lingering
        case closed
    }

    let transport: any ConnectionTransport
    let peer: SocketAddress
    let queue: DispatchQueue
    private let server: HTTPServer
    private var parser: HTTPRequestParser
    private var readSource: (any DispatchSourceRead)?
    private var timer: (any DispatchSourceTimer)?
    private var readSuspended = false
    /// Armed only while a TLS read waits for the socket to become writable.
    private var writeSource: (any DispatchSourceWrite)?
    private var writeSourceArmed = false
    private var state = State.reading
    /// When the current wait (idle, head, body, linger) ends, in monotonic nanoseconds.
    private var deadline: UInt64 = 0
    private var requestStarted = false
    private var drainRequested = false

    init(transport: any ConnectionTransport, peer: SocketAddress, server: HTTPServer, targetQueue: DispatchQueue) {
        self.transport = transport
        self.peer = peer
        self.server = server
        self.parser = HTTPRequestParser(limits: server.configuration.limits,
                                        streamsBody: server.configuration.streamsRequestBody)
        self.queue = DispatchQueue(label: "http.connection", target: targetQueue)
    }

    func start() {
        queue.async { [self] in
            let fd = transport.socket.fileDescriptor
            guard fd >= 0 else { return finishClose() }
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in readable() }
            source.setCancelHandler { [transport] in transport.close() }
            readSource = source
            // A new connection gets the head timeout for its first request (slowloris guard).
            deadline = Deadline.after(seconds: server.configuration.headerReadTimeout).nanoseconds
            let tick = server.timerTick
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .milliseconds(tick), repeating: .milliseconds(tick),
                           leeway: .milliseconds(max(1, tick / 4)))
            timer.setEventHandler { [self] in checkDeadline() }
            self.timer = timer
            timer.resume()
            source.resume()
        }
    }

    // MARK: reading

    private func readable() {
        // One read per readiness event; more only while TLS holds decrypted bytes the socket's
        // readiness will not announce.
        while state == .reading || state == .lingering {
            let result: TransportReadResult
            do {
                result = try withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 16) { buffer in
                    let outcome = try transport.read(into: buffer)
                    if case .bytes(let count) = outcome, state == .reading {
                        parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    }
                    return outcome
                }
            } catch {
                return close()
            }
            switch result {
            case .wouldBlock(.readable): return
            case .wouldBlock(.writable): return waitUntilWritableToRead()
            case .endOfStream: return close()
            case .bytes:
                if state == .reading { processBuffered() }
                guard transport.hasBufferedInput else { return }
            }
        }
    }

    /// A TLS read that must first send (a handshake flight into a full socket buffer): park the
    /// read source, which would spin or stay silent, until the socket takes bytes again.
    private func waitUntilWritableToRead() {
        suspendReading()
        if writeSource == nil {
            let fd = transport.socket.fileDescriptor
            guard fd >= 0 else { return close() }
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in
                disarmWriteSource()
                guard state == .reading || state == .lingering else { return }
                resumeReading()
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

    /// Parses what is buffered: dispatches a complete request, or keeps waiting.
    private func processBuffered() {
        do {
            if let request = try parser.nextRequest() {
                return dispatch(request)
            }
        } catch {
            return failParse(error)
        }
        if parser.takeContinueRequest() {
            _ = try? transport.writeAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: .after(seconds: 1))
        }
        if parser.isReadingBody {
            // The head arrived in time; a body may take long, as long as bytes keep coming.
            requestStarted = true
            deadline = Deadline.after(seconds: server.configuration.idleTimeout).nanoseconds
        } else if parser.isMidRequest {
            if !requestStarted {
                requestStarted = true
                deadline = Deadline.after(seconds: server.configuration.headerReadTimeout).nanoseconds
            }
        } else if requestStarted || drainRequested {
            requestStarted = false
            if drainRequested { return close() }
            deadline = Deadline.after(seconds: server.configuration.idleTimeout).nanoseconds
        }
    }

    private func dispatch(_ parsed: HTTPRequest) {
        var addressed = parsed
        addressed.remoteAddress = peer
        let stream: RequestBodyStream? = parsed.streamedBody.map { head in
            // The worker reads the rest of the body itself; what the parser holds is its start.
            let configuration = server.configuration
            return RequestBodyStream(transport: transport, head: head, buffered: parser.takeUnconsumedBytes(),
                                     limits: configuration.limits, idleTimeout: configuration.idleTimeout,
                                     writeTimeout: configuration.writeTimeout)
        }
        addressed.bodyStream = stream
        addressed.streamedBody = nil
        let request = addressed
        state = .processing
        requestStarted = false
        suspendReading()
        let keepAlive = request.keepAlive && !server.isDraining && !drainRequested
        let arrival = ContinuousClock.now
        let accepted = server.workers.submit { [self] in
            let outcome = server.serve(request, on: transport, keepAlive: keepAlive, arrival: arrival)
            // Bytes after a streamed body belong to the next request; nil: the body was not
            // read to its end.
            let following: [UInt8]? = stream.map { $0.bytesAfterBody } ?? []
            queue.async { [self] in responseFinished(close: outcome.close, following: following) }
        }
        if !accepted {
            let response = HTTPResponse.problem(.serviceUnavailable, detail: "server busy: request queue full")
            var busy = response
            busy.headers.add("Retry-After", String(server.configuration.retryAfterSeconds))
            busy.closeConnection = true
            server.respondImmediately(busy, to: request, on: transport)
            if stream?.isComplete == false { return linger() }
            close()
        }
    }

    /// - Parameter following: bytes received after a streamed body; nil when its end was not
    ///   reached, so what the client still sends is body: let it go unread and close.
    private func responseFinished(close shouldClose: Bool, following: [UInt8]?) {
        guard state == .processing else { return }
        guard let following else { return linger() }
        if shouldClose || server.isDraining || drainRequested { return close() }
        if !following.isEmpty { parser.append(following) }
        state = .reading
        deadline = Deadline.after(seconds: server.configuration.idleTimeout).nanoseconds
        resumeReading()
        if parser.bufferedByteCount > 0 { processBuffered() }
        // Pipelined bytes TLS already decrypted: no readiness event will come for them.
        if state == .reading && transport.hasBufferedInput { readable() }
    }

    private func failParse(_ error: HTTPParseError) {
        suspendReading()
        var response = HTTPResponse.problem(error.status, detail: error.detail)
        response.closeConnection = true
        server.respondImmediately(response, to: nil, on: transport, peer: peer, error: error)
        linger()
    }

    /// Half-closes and drains input for a moment so the client reads our reply before the close.
    private func linger() {
        transport.shutdownOutput()
        state = .lingering
        deadline = Deadline.after(seconds: 2).nanoseconds
        resumeReading()
    }

    // MARK: timeouts

    private func checkDeadline() {
        guard state == .reading || state == .lingering else { return }
        guard Deadline.now().nanoseconds >= deadline else { return }
        if state == .reading && parser.isMidRequest {
            var response = HTTPResponse.problem(.requestTimeout, detail: "request not received in time")
            response.closeConnection = true
            server.respondImmediately(response, to: nil, on: transport, peer: peer)
        }
        close()
    }

    // MARK: shutdown

    /// Closes now when idle; otherwise closes after the response in progress.
    func drain() {
        queue.async { [self] in
            drainRequested = true
            if state == .reading && !parser.isMidRequest { close() }
        }
    }

    /// Ends the connection from any thread; a worker writing to it gets an error.
    func forceClose() {
        transport.socket.shutdown()
        queue.async { [self] in
            if state != .processing { close() }
        }
    }

    private func suspendReading() {
        guard !readSuspended, let readSource else { return }
        readSource.suspend()
        readSuspended = true
    }

    private func resumeReading() {
        guard readSuspended, let readSource else { return }
        readSource.resume()
        readSuspended = false
    }

    private func close() {
        guard state != .closed else { return }
        state = .closed
        timer?.cancel()
        timer = nil
        if let writeSource {
            // Like the read source: resumed before cancelling, or it is never released.
            if !writeSourceArmed { writeSource.resume() }
            writeSourceArmed = false
            writeSource.cancel()
            self.writeSource = nil
        }
        if let readSource {
            // A suspended source must be resumed before it can be cancelled and released.
            resumeReading()
            readSource.cancel()
            self.readSource = nil
        } else {
            transport.close()
        }
        finishClose()
    }

    private func finishClose() {
        state = .closed
        server.connectionClosed(self)
    }
}
