/// The protocol side of one HTTP/1.1 connection, with no socket, thread or clock of its own:
/// bytes and events go in, the one thing to do next comes out. `HTTPConnection` carries the
/// actions out; tests drive this directly from byte fixtures and chosen instants.
///
/// One request is processed at a time and answered in order (RFC 9112 §9.3.2): bytes that
/// arrive meanwhile are buffered (up to `pipelineBufferLimit`, then reading pauses) and parsed
/// once the response is written. Every wait has a deadline, checked by `timerFired(now:)`:
/// between requests the idle timeout, from a request's first byte to its complete head the
/// head timeout, for its body the body timeout, and after an error reply a short linger.
struct HTTPConnectionStateMachine {
    /// Nanoseconds on the monotonic clock (`Deadline.nanoseconds`).
    typealias Instant = UInt64

    struct Timeouts: Equatable {
        /// A keep-alive connection with no request in progress.
        var idle: UInt64
        /// From a request's first byte (or a new connection's start) to its complete head.
        var head: UInt64
        /// From a complete head to the body's last byte at most (whole bodies; streamed bodies
        /// are bounded by their reader).
        var body: UInt64
        /// The body's minimum rate: `bodyGrace` from the head, plus a second per `bodyRate`
        /// bytes (0: no rate, only `body`).
        var bodyRate: Int
        var bodyGrace: UInt64
        /// After an error reply: how long input is drained so the client reads the reply.
        var linger: UInt64

        init(idle: UInt64, head: UInt64, body: UInt64, bodyRate: Int = 0, bodyGrace: UInt64 = 0,
             linger: UInt64 = 2_000_000_000) {
            self.idle = idle
            self.head = head
            self.body = body
            self.bodyRate = bodyRate
            self.bodyGrace = bodyGrace
            self.linger = linger
        }

        init(_ configuration: HTTPServerConfiguration) {
            self.init(idle: Self.nanoseconds(configuration.idleTimeout),
                      head: Self.nanoseconds(configuration.headerReadTimeout),
                      body: Self.nanoseconds(configuration.bodyReadTimeout),
                      bodyRate: configuration.bodyMinimumRate,
                      bodyGrace: Self.nanoseconds(configuration.bodyGracePeriod))
        }

        /// When a body that started at `start` and has `received` bytes so far is late.
        func bodyDeadline(start: UInt64, received: Int) -> UInt64 {
            let total = start &+ body
            guard bodyRate > 0 else { return total }
            let earned = UInt64(received) * 1_000_000_000 / UInt64(bodyRate)
            return min(total, start &+ bodyGrace &+ earned)
        }

        static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1e9) }
    }

    enum Phase: Equatable {
        /// No byte of a next request yet.
        case waiting
        /// Some of a request's head has arrived.
        case readingHead
        /// The head is complete and admitted; its whole body is being buffered.
        case readingBody
        /// A request is with its handler; the response is not written yet.
        case processing
        /// An error reply was sent and output shut: input is discarded until EOF or the deadline.
        case lingering
        case closed
    }

    enum Action {
        /// Keep reading (the read source stays armed).
        case read
        /// Buffer is full while a request is processed: stop reading until the response is done.
        case pauseReading
        /// Hand the request to its handler; reading continues only for pipelined bytes.
        case dispatch(HTTPRequest)
        /// The head asked for `100 Continue` and was admitted: send it, then keep reading.
        case sendContinue
        /// Send this reply made by the server itself; then, with `close`, shut output and linger
        /// (`replySent(close:now:)` tells the machine the reply is out).
        case reply(HTTPResponse, request: HTTPRequest?, error: HTTPParseError?, close: Bool)
        /// Shut output and discard input until EOF or the linger deadline, so the client reads
        /// the reply before the close instead of a reset.
        case linger
        /// Close now.
        case close
    }

    /// Bytes that may wait in the parser while a request is processed.
    static let pipelineBufferLimit = 64 * 1024

    private(set) var phase = Phase.waiting
    /// When the current wait ends (monotonic nanoseconds).
    private(set) var deadline: Instant
    private(set) var draining = false
    let timeouts: Timeouts
    /// Builds the replies the server makes itself (parse errors, 408): the application's
    /// problem format, request id included.
    private let problem: @Sendable (HTTPStatus, String) -> HTTPResponse
    /// While a whole body is read: when its head completed, and body bytes received since.
    private var bodyStart: Instant = 0
    private var bodyReceived = 0
    private var parser: HTTPRequestParser

    /// A new connection must send its first head within the head timeout (slowloris guard).
    init(parser: HTTPRequestParser, timeouts: Timeouts, now: Instant,
         problem: @escaping @Sendable (HTTPStatus, String) -> HTTPResponse = { .problem($0, detail: $1) }) {
        self.parser = parser
        self.timeouts = timeouts
        self.problem = problem
        self.deadline = now &+ timeouts.head
    }

    // MARK: input

    /// Bytes from the client.
    mutating func received(_ bytes: UnsafeRawBufferPointer, now: Instant) -> Action {
        switch phase {
        case .closed:
            return .close
        case .lingering:
            return .read
        case .processing:
            parser.append(bytes)
            return parser.bufferedByteCount > Self.pipelineBufferLimit ? .pauseReading : .read
        case .waiting, .readingHead, .readingBody:
            if phase == .readingBody {
                bodyReceived += bytes.count
                deadline = timeouts.bodyDeadline(start: bodyStart, received: bodyReceived)
            }
            parser.append(bytes)
            return advance(now: now)
        }
    }

    mutating func received(_ bytes: [UInt8], now: Instant) -> Action {
        bytes.withUnsafeBytes { received($0, now: now) }
    }

    /// The client closed its side: nothing more will come.
    mutating func endOfStream() -> Action {
        // A request in progress keeps going; its writer finds out if the client is gone.
        if phase == .processing { return .read }
        phase = .closed
        return .close
    }

    /// The handler's response was written. `following`: bytes read past a streamed body (they
    /// start the next request); nil when the streamed body was not read to its end, so what
    /// the client still sends is body, not requests.
    mutating func responseFinished(close: Bool, following: [UInt8]?, now: Instant) -> Action {
        guard phase == .processing else { return phase == .closed ? .close : .read }
        guard let following else { return startLingering(now: now) }
        if close || draining {
            phase = .closed
            return .close
        }
        phase = .waiting
        deadline = now &+ timeouts.idle
        if !following.isEmpty { parser.append(following) }
        return advance(now: now)
    }

    /// A reply from `.reply` was sent (or failed).
    mutating func replySent(close: Bool, now: Instant) -> Action {
        if close { return startLingering(now: now) }
        if draining {
            phase = .closed
            return .close
        }
        phase = .waiting
        deadline = now &+ timeouts.idle
        return advance(now: now)
    }

    /// Checks the current wait's deadline.
    mutating func timerFired(now: Instant) -> Action {
        switch phase {
        case .processing, .closed:
            return .read
        case .waiting, .readingHead, .readingBody, .lingering:
            guard now >= deadline else { return .read }
            if phase == .readingHead || phase == .readingBody {
                var response = problem(.requestTimeout, "request not received in time")
                response.closeConnection = true
                phase = .lingering
                deadline = now &+ timeouts.linger
                return .reply(response, request: nil, error: nil, close: true)
            }
            phase = .closed
            return .close
        }
    }

    /// Shutdown: close when idle, else after the response in progress.
    mutating func drain() -> Action {
        draining = true
        if phase == .waiting && !parser.isMidRequest {
            phase = .closed
            return .close
        }
        return .read
    }

    /// What the parser holds unconsumed: a streamed body's first bytes, handed to its reader.
    mutating func takeUnconsumedBytes() -> [UInt8] {
        parser.takeUnconsumedBytes()
    }

    var isProcessing: Bool { phase == .processing }

    // MARK: parsing

    private mutating func advance(now: Instant) -> Action {
        let event: HTTPRequestParser.Event?
        do {
            event = try parser.nextEvent()
        } catch {
            var response = problem(error.status, error.detail)
            response.closeConnection = true
            phase = .lingering
            deadline = now &+ timeouts.linger
            return .reply(response, request: nil, error: error, close: true)
        }
        switch event {
        case .request(let request)?:
            phase = .processing
            return .dispatch(request)
        case .refused(let request, var response, let bodyPending)?:
            if bodyPending { response.closeConnection = true }
            // The reply is written by the caller; until `replySent`, nothing else is parsed.
            phase = .processing
            return .reply(response, request: request, error: nil, close: bodyPending || response.closeConnection)
        case nil:
            break
        }
        if parser.takeContinueRequest() {
            enterBodyPhase(now: now)
            return .sendContinue
        }
        if parser.isReadingBody {
            enterBodyPhase(now: now)
        } else if parser.isMidRequest {
            if phase == .waiting {
                phase = .readingHead
                deadline = now &+ timeouts.head
            }
        } else if phase != .waiting {
            phase = .waiting
            deadline = now &+ timeouts.idle
        } else if draining {
            phase = .closed
            return .close
        }
        return .read
    }

    private mutating func enterBodyPhase(now: Instant) {
        guard phase != .readingBody else { return }
        phase = .readingBody
        bodyStart = now
        // What arrived with the head counts toward the rate.
        bodyReceived = parser.bufferedByteCount
        deadline = timeouts.bodyDeadline(start: now, received: bodyReceived)
    }

    /// Waiting for a next request, nothing of it received: a keep-alive connection that may be
    /// closed to make room for a new one.
    var isIdle: Bool { phase == .waiting && !parser.isMidRequest }

    private mutating func startLingering(now: Instant) -> Action {
        phase = .lingering
        deadline = now &+ timeouts.linger
        return .linger
    }
}
