/// A consistent snapshot of a `ConnectionPool`'s gauges and counters, for `/metrics`.
public struct ConnectionPoolStatistics: Sendable, Hashable {
    /// Connections lent out, plus slots whose connection is being opened.
    public var inUse: Int
    /// Connections kept open and free to lend.
    public var idle: Int
    /// Borrowers waiting for a connection.
    public var waiting: Int
    /// Open connections beyond `size` (the overflow ones; all of them in per-request mode).
    public var overflowInUse: Int
    /// Slots taken: `inUse + idle` plus connections being closed (a slot is freed only once
    /// its connection is closed, so this never exceeds `size + maxOverflow` when bounded).
    public var open: Int
    /// The most slots ever taken at once; never above `size + maxOverflow` when bounded.
    public var peakOpen: Int
    /// Connections opened successfully since the pool was made.
    public var totalCreated: Int
    /// Connections closed for any reason (overflow return, discard, idle expiry, shutdown).
    public var totalClosed: Int
    /// Of `totalClosed`, those closed because a transport error broke them.
    public var totalDiscarded: Int
    /// Borrowers that gave up waiting (`ConnectionPoolError.waitTimeout`).
    public var waitTimeouts: Int
    /// Connection attempts that failed (`ConnectionPoolError.connectFailed`).
    public var connectFailures: Int

    public init(inUse: Int = 0, idle: Int = 0, waiting: Int = 0, overflowInUse: Int = 0, open: Int = 0,
                peakOpen: Int = 0, totalCreated: Int = 0, totalClosed: Int = 0, totalDiscarded: Int = 0,
                waitTimeouts: Int = 0, connectFailures: Int = 0) {
        self.inUse = inUse
        self.idle = idle
        self.waiting = waiting
        self.overflowInUse = overflowInUse
        self.open = open
        self.peakOpen = peakOpen
        self.totalCreated = totalCreated
        self.totalClosed = totalClosed
        self.totalDiscarded = totalDiscarded
        self.waitTimeouts = waitTimeouts
        self.connectFailures = connectFailures
    }
}
