#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
import DequeModule
import Dispatch
import Logging
import Support
import Synchronization

/// A bounded pool of broker connections, each with its own namespace cache.
///
/// Sizing follows `PoolConfiguration` (flask-hypertable's `HYPERTABLE_POOL_SIZE` and
/// `HYPERTABLE_MAX_OVERFLOW`): up to `size` connections are kept idle; while all are busy up to
/// `maxOverflow` more are opened, each closed when it comes back; beyond that a borrower waits
/// until its deadline, first come first served, and then gets `ConnectionPoolError.waitTimeout`.
/// `size == 0` is the per-request mode (open per borrow, close on return).
///
/// What it does differently from its Python ancestor, on purpose:
/// - A connection that saw a transport error is closed, never returned (`checkin(_:broken:)`).
/// - All counts live in one locked state; "overflow" is not a flag on a connection but
///   `open - size`, so returning any connection to a full pool simply closes it.
/// - A connection's namespaces are closed on the broker before the connection is closed.
///
/// Connecting and closing happen outside the lock: a slot is reserved under the lock, the
/// connection is opened without it, and the slot is given back if opening fails, so a slow
/// or failing broker never blocks borrowers that could use an idle connection.
public final class ConnectionPool: Sendable {
    /// Opens one broker connection (`HypertableConnection`, an emulator session, a fake).
    public typealias Connector = @Sendable () throws -> any HypertableService
    /// Closes one broker connection's transport. The pool has already closed its namespaces
    /// (unless the transport is broken), so this only tears the connection down; it must not throw.
    public typealias Closer = @Sendable (any HypertableService) -> Void

    public let configuration: PoolConfiguration
    private let connector: Connector
    private let closer: Closer
    private let instrumentation: (any BrokerCallInstrumentation)?
    private let state = Locked(State())
    private let logger: Logger
    private let metrics: ConnectionPoolMetrics

    /// - Parameters:
    ///   - connect: opens a new connection; its error is wrapped in `.connectFailed`.
    ///   - close: closes a connection's transport (called after its namespaces are closed).
    ///   - instrumentation: wraps each borrowing's work (a tracing span); none by default.
    ///   - logger: connect failures, reads run again, connections that could not be closed cleanly.
    ///   - metricsFactory: makes the pool's gauges (`gateway_pool_connections`, `_waiting`, `_events`).
    public init(configuration: PoolConfiguration, connect: @escaping Connector,
                close: @escaping Closer, instrumentation: (any BrokerCallInstrumentation)? = nil, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.configuration = configuration
        self.connector = connect
        self.closer = close
        self.instrumentation = instrumentation
        self.logger = logger
        self.metrics = ConnectionPoolMetrics(factory: metricsFactory)
        state.withLock { publishGauges(&$0) }
    }

    /// Writes the gauges whose values changed; called with the lock held, at the end of every
    /// section that changes counts.
    private func publishGauges(_ state: inout State) {
        metrics.publish(.inUse, state.inUse, into: &state.published)
        metrics.publish(.idle, state.idle.count, into: &state.published)
        metrics.publish(.overflow, max(0, state.open - configuration.size), into: &state.published)
        metrics.publish(.waiting, state.waiters.count, into: &state.published)
        metrics.publish(.created, state.totalCreated, into: &state.published)
        metrics.publish(.closed, state.totalClosed, into: &state.published)
        metrics.publish(.discarded, state.totalDiscarded, into: &state.published)
        metrics.publish(.waitTimeouts, state.waitTimeouts, into: &state.published)
        metrics.publish(.connectFailures, state.connectFailures, into: &state.published)
    }

    /// `state.withLock` for a section that changes counts: the gauges follow.
    private func mutate<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { state in
            defer { publishGauges(&state) }
            return try body(&state)
        }
    }

    deinit {
        shutdown()
    }

    // MARK: Borrowing

    /// Borrows a connection, runs `body` with it and gives it back.
    ///
    /// A `ClientException` (or a `ConnectionPreservingError`) thrown by `body` is a broker-side
    /// answer: the connection goes back to the pool. Any other error may have left the
    /// transport out of step with the broker, so the connection is closed instead.
    /// - Parameters:
    ///   - deadline: when to stop waiting for a connection; by default
    ///     `waitTimeoutMilliseconds` from now.
    ///   - retryingRead: `body` only reads, so when its connection fails without an answer (the
    ///     broker died or restarted under it) it runs once more on a fresh connection, another
    ///     broker's when several are configured. Never for writes (the broker may have applied
    ///     them), never after a timeout (a hung broker must not cost two deadlines).
    public func withConnection<T>(deadline: Deadline? = nil, retryingRead: Bool = false,
                                  _ body: (PooledConnection) throws -> T) throws -> T {
        let (connection, result) = try checkout(deadline: deadline, retryingRead: retryingRead, body)
        checkin(connection, broken: false)
        return result
    }

    /// Borrows a connection and runs `open` with it; the connection stays borrowed, with what
    /// `open` returned, for a caller that goes on using it (a scanner being streamed) and
    /// checks it in itself. When `open` throws, the connection is given back (closed unless
    /// the error leaves it healthy). `retryingRead` as in `withConnection`.
    public func checkout<T>(deadline: Deadline? = nil, retryingRead: Bool,
                            _ open: (PooledConnection) throws -> T) throws -> (PooledConnection, T) {
        guard let instrumentation else { return try borrow(deadline: deadline, retryingRead: retryingRead, open) }
        return try instrumentation.around { try borrow(deadline: deadline, retryingRead: retryingRead, open) }
    }

    private func borrow<T>(deadline: Deadline?, retryingRead: Bool,
                           _ open: (PooledConnection) throws -> T) throws -> (PooledConnection, T) {
        var attemptsLeft = retryingRead ? 2 : 1
        while true {
            attemptsLeft -= 1
            // A read that may run again skips the idle probe (a `poll` per request) on its
            // first attempt: a dead connection fails its call at once, and the second attempt,
            // probing, gets a live one.
            let connection = try checkout(deadline: deadline, probingIdle: attemptsLeft == 0)
            do {
                return (connection, try open(connection))
            } catch {
                checkin(connection, broken: !Self.leavesConnectionHealthy(error))
                guard attemptsLeft > 0, Self.mayRetryRead(after: error) else { throw error }
                retriedReads.wrappingAdd(1, ordering: .relaxed)
                logger.info("a read's broker connection broke; running it again on a fresh one", metadata: [
                    "connection_id": "\(connection.id)", "error": "\(error)"])
            }
        }
    }

    /// Reads that failed on a broken connection and were run again.
    public var retriedReadCount: Int { retriedReads.load(ordering: .relaxed) }
    private let retriedReads = Atomic<Int>(0)

    /// Whether a read that failed with `error` may run again on a fresh connection: the
    /// connection broke (not an answer from the broker, not a timeout).
    public static func mayRetryRead(after error: any Error) -> Bool {
        if leavesConnectionHealthy(error) || error is ConnectionPoolError { return false }
        // A `BrokerCallError` says itself; any other error came from a connection of another
        // kind (a test fake, an embedded broker's failure): treat it as a broken connection.
        guard let brokerError = error as? BrokerCallError else { return true }
        return brokerError.allowsReadRetry
    }

    /// Whether a connection that threw `error` is still in step with the broker and may be
    /// lent again: an answer from the broker (`ClientException`), a call refused before it was
    /// sent, or an error its borrower declared harmless.
    public static func leavesConnectionHealthy(_ error: any Error) -> Bool {
        if error is ClientException || error is any ConnectionPreservingError { return true }
        return (error as? BrokerCallError)?.leavesConnectionUsable ?? false
    }

    /// Borrows a connection, waiting until `deadline` (by default `waitTimeoutMilliseconds`
    /// from now) when all are busy. Every successful checkout must be matched by exactly one
    /// `checkin`; streaming handlers use this pair to hold a connection across chunks.
    public func checkout(deadline: Deadline? = nil) throws(ConnectionPoolError) -> PooledConnection {
        try checkout(deadline: deadline, probingIdle: true)
    }

    /// `probingIdle`: an idle connection is probed (`IdleLivenessChecking`) before it is lent.
    private func checkout(deadline: Deadline?, probingIdle: Bool) throws(ConnectionPoolError) -> PooledConnection {
        let start = Deadline.now()
        let deadline = deadline ?? Deadline(nanoseconds: start.nanoseconds
            &+ UInt64(configuration.waitTimeoutMilliseconds) &* 1_000_000)
        var expired: [PooledConnection] = []
        let decision: CheckoutDecision = mutate { state in
            if state.isShutDown { return .fail(.poolClosed) }
            expired = expireIdle(&state, now: start.nanoseconds)
            if let connection = state.idle.popLast() {
                state.lend(connection)
                return .use(connection)
            }
            if reserveSlot(&state) { return .create }
            if deadline <= start {
                state.waitTimeouts += 1
                return .fail(.waitTimeout(waitedMilliseconds: 0, inUse: state.inUse, waiting: state.waiters.count))
            }
            let waiter = Waiter()
            state.waiters.append(waiter)
            return .wait(waiter)
        }
        if !expired.isEmpty {
            // A connection idle that long may well be dead, and closing its namespaces would
            // then wait out the transport's timeout: not on this borrower's time. Its slot
            // stays counted in `closing` until the close is done.
            DispatchQueue.global().async { [self, expired] in
                for connection in expired { retire(connection, broken: false) }
            }
        }

        switch decision {
        case let .use(connection):
            // An idle connection whose broker went away (restart, firewall) is dropped here,
            // not discovered by the request as a 502; then borrow again, same deadline.
            if probingIdle, let liveness = connection.service as? any IdleLivenessChecking, liveness.isDeadWhileIdle {
                checkin(connection, broken: true)
                return try checkout(deadline: deadline, probingIdle: true)
            }
            return connection
        case .create:
            return try createConnection()
        case let .fail(error):
            throw error
        case let .wait(waiter):
            return try wait(waiter, until: deadline, since: start)
        }
    }

    /// Gives back a connection from `checkout`. With `broken` (a transport error happened on
    /// it) the connection is closed and its slot freed; otherwise it goes to the longest
    /// waiting borrower, or back to the idle list, or, if that would keep more than `size`
    /// open (an overflow connection) or the pool is shut down, it is closed.
    /// A connection given back twice is ignored the second time. `failure`, with `broken`, is
    /// what broke it, logged at `notice` (for a borrower that has no other place to say so).
    public func checkin(_ connection: PooledConnection, broken: Bool = false, because failure: (any Error)? = nil) {
        if broken, let failure {
            logger.notice("a broker connection is discarded after a failed call", metadata: [
                "connection": "\(connection.id)", "error": "\(failure)",
            ])
        }
        let now = Deadline.now().nanoseconds
        var wake: Waiter?
        let action: CheckinAction = mutate { state in
            guard state.takeBack(connection) else { return .ignore }
            if broken {
                state.closing += 1
                state.totalDiscarded += 1
                return .close
            }
            state.lastHealthyCheckin = now
            if state.isShutDown {
                state.closing += 1
                return .close
            }
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                state.lend(connection)
                waiter.grant = .connection(connection)
                wake = waiter
                return .handedOver
            }
            if state.open - state.closing > configuration.size {
                state.closing += 1
                return .close
            }
            connection.idleSince = now
            state.idle.append(connection)
            return .keep
        }
        wake?.semaphore.signal()
        if case .close = action { retire(connection, broken: broken) }
    }

    // MARK: Observing and stopping

    /// A consistent snapshot of gauges and counters.
    public var statistics: ConnectionPoolStatistics {
        let size = configuration.size
        return state.withLock { state in
            ConnectionPoolStatistics(
                inUse: state.inUse, idle: state.idle.count, waiting: state.waiters.count,
                overflowInUse: max(0, state.open - size), open: state.open, peakOpen: state.peakOpen,
                totalCreated: state.totalCreated, totalClosed: state.totalClosed,
                totalDiscarded: state.totalDiscarded, waitTimeouts: state.waitTimeouts,
                connectFailures: state.connectFailures)
        }
    }

    /// Whether `shutdown()` has been called.
    public var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// When a connection last came back without a transport error: evidence that the broker
    /// answers even while every connection is busy (readiness uses it).
    public var lastHealthyReturn: Deadline? {
        state.withLock { $0.lastHealthyCheckin.map { Deadline(nanoseconds: $0) } }
    }

    /// Stops lending: closes every idle connection (namespaces first), makes every waiting
    /// borrower fail at once with `.poolClosed`, and closes borrowed connections as they come
    /// back. Later checkouts fail with `.poolClosed`. Calling it again does nothing more.
    public func shutdown() {
        let (idle, waiters): ([PooledConnection], Deque<Waiter>) = mutate { state in
            state.isShutDown = true
            let idle = state.idle
            state.idle.removeAll()
            state.closing += idle.count
            let waiters = state.waiters
            state.waiters.removeAll()
            for waiter in waiters { waiter.grant = .closed }
            return (idle, waiters)
        }
        for waiter in waiters { waiter.semaphore.signal() }
        for connection in idle { retire(connection, broken: false) }
    }

    // MARK: Internals

    private func wait(_ waiter: Waiter, until deadline: Deadline,
                      since start: Deadline) throws(ConnectionPoolError) -> PooledConnection {
        let timeout = DispatchTime.now() + .milliseconds(Int(deadline.remainingMilliseconds))
        _ = waiter.semaphore.wait(timeout: timeout)
        // Whether or not the wait timed out, a grant may have arrived just before we took the
        // lock; a granted waiter has already been removed from the queue.
        let grant: Grant? = mutate { state in
            if let grant = waiter.grant { return grant }
            state.waiters.removeAll { $0 === waiter }
            state.waitTimeouts += 1
            return nil
        }
        switch grant {
        case let .connection(connection)?:
            return connection
        case .slot?:
            return try createConnection()
        case .closed?:
            throw .poolClosed
        case nil:
            let waited = Int((Deadline.now().nanoseconds &- start.nanoseconds) / 1_000_000)
            let (inUse, waiting) = state.withLock { ($0.inUse, $0.waiters.count) }
            throw .waitTimeout(waitedMilliseconds: waited, inUse: inUse, waiting: waiting)
        }
    }

    /// Opens a connection for a slot already reserved (`open` and `connecting` counted).
    private func createConnection() throws(ConnectionPoolError) -> PooledConnection {
        let service: any HypertableService
        do {
            service = try connector()
        } catch {
            let wake: Waiter? = mutate { state in
                state.open -= 1
                state.connecting -= 1
                state.connectFailures += 1
                return grantFreedSlot(&state)
            }
            wake?.semaphore.signal()
            // The connector logs which broker failed and how; this says what it cost.
            logger.debug("the pool could not open a connection; the borrower gets the error", metadata: [
                "error": "\(error)"])
            throw .connectFailed(underlying: error)
        }
        let (connection, isShutDown): (PooledConnection, Bool) = mutate { state in
            state.connecting -= 1
            state.totalCreated += 1
            state.nextID += 1
            let connection = PooledConnection(service: service, id: state.nextID,
                                              namespaceCacheCapacity: configuration.namespaceCacheCapacity)
            if state.isShutDown {
                state.closing += 1
                return (connection, true)
            }
            state.lend(connection)
            return (connection, false)
        }
        if isShutDown {
            retire(connection, broken: false)
            throw .poolClosed
        }
        return connection
    }

    /// Takes a slot for a new connection if the bound allows one.
    private func reserveSlot(_ state: inout State) -> Bool {
        if let capacity = configuration.capacity, state.open >= capacity { return false }
        state.open += 1
        state.connecting += 1
        state.peakOpen = max(state.peakOpen, state.open)
        return true
    }

    /// After a slot was freed: lets the longest waiting borrower open a connection in it.
    /// (`open` was already decremented, so `reserveSlot` takes that same slot.)
    private func grantFreedSlot(_ state: inout State) -> Waiter? {
        guard !state.isShutDown, !state.waiters.isEmpty, reserveSlot(&state) else { return nil }
        let waiter = state.waiters.removeFirst()
        waiter.grant = .slot
        return waiter
    }

    /// Removes idle connections unused for longer than `maxIdleMilliseconds` (the oldest sit
    /// at the front of the idle list); the caller closes them outside the lock.
    private func expireIdle(_ state: inout State, now: UInt64) -> [PooledConnection] {
        guard let maxIdle = configuration.maxIdleMilliseconds else { return [] }
        let limit = UInt64(maxIdle) * 1_000_000
        var expired: [PooledConnection] = []
        while let oldest = state.idle.first, now &- oldest.idleSince > limit {
            state.idle.removeFirst()
            state.closing += 1
            expired.append(oldest)
        }
        return expired
    }

    /// Closes a connection counted in `closing`: namespaces first (skipped when the transport
    /// is broken; the broker frees them with the connection), then the transport. Its slot is
    /// freed only afterwards, so the broker never sees more than `size + maxOverflow`
    /// connections from this pool, not even for a moment.
    private func retire(_ connection: PooledConnection, broken: Bool) {
        if broken {
            connection.forgetAllNamespaces()
        } else {
            do {
                try connection.closeAllNamespaces()
            } catch {
                // The transport failed while closing: nothing more can be said over it.
                logger.notice("closing a retired connection's namespaces failed; closing the connection anyway", metadata: [
                    "connection_id": "\(connection.id)", "error": "\(error)"])
                connection.forgetAllNamespaces()
            }
        }
        closer(connection.service)
        let wake: Waiter? = mutate { state in
            state.closing -= 1
            state.open -= 1
            state.totalClosed += 1
            return grantFreedSlot(&state)
        }
        wake?.semaphore.signal()
    }
}

// MARK: - State

extension ConnectionPool {
    /// Everything mutable, behind the pool's one lock.
    private struct State {
        /// Free connections, oldest return first (checkout takes the newest: it is warm).
        var idle: [PooledConnection] = []
        /// Connections lent out (each marked `isBorrowed`: a flag, where a set of ids hashed
        /// an id twice per request).
        var borrowed = 0
        /// Slots taken: connections lent out, idle, being opened or being closed.
        var open = 0
        /// Slots whose connection is being opened right now.
        var connecting = 0
        /// Slots whose connection is being closed right now (namespaces, then transport).
        var closing = 0
        /// Borrowers waiting, first come first served.
        /// First come, first served: granted from the front, timed-out ones removed anywhere.
        var waiters = Deque<Waiter>()
        var isShutDown = false
        var nextID: UInt64 = 0

        var peakOpen = 0
        var totalCreated = 0
        var totalClosed = 0
        var totalDiscarded = 0
        var waitTimeouts = 0
        var connectFailures = 0
        /// When a borrower last gave a connection back without a transport error.
        var lastHealthyCheckin: UInt64?
        /// The gauge values last written.
        var published = ConnectionPoolMetrics.Published()

        var inUse: Int { borrowed + connecting }

        /// Counts `connection` as lent out.
        mutating func lend(_ connection: PooledConnection) {
            connection.isBorrowed = true
            borrowed += 1
        }

        /// Counts `connection` as back; false when it was not lent out (given back twice).
        mutating func takeBack(_ connection: PooledConnection) -> Bool {
            guard connection.isBorrowed else { return false }
            connection.isBorrowed = false
            borrowed -= 1
            return true
        }
    }

    /// What a waiting borrower is given.
    private enum Grant {
        /// A connection, already counted as borrowed.
        case connection(PooledConnection)
        /// A reserved slot in which to open a connection.
        case slot
        case closed
    }

    /// One waiting borrower. `grant` is only touched under the pool's lock; the semaphore is
    /// signalled once, after the grant is set.
    private final class Waiter: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        var grant: Grant?
    }

    private enum CheckoutDecision {
        case use(PooledConnection)
        case create
        case wait(Waiter)
        case fail(ConnectionPoolError)
    }

    private enum CheckinAction {
        case keep
        case handedOver
        case close
        case ignore
    }
}
