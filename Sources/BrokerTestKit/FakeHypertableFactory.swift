#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
import HypertableClient
import Logging
import Support
import TestSupport

/// Makes `FakeHypertableService` connections for a `ConnectionPool` and counts them.
///
/// Its connections share one namespace set (like one broker). Knobs refuse connections or
/// slow them down; `configureNewConnection` prepares each new connection (stalls, tables).
public final class FakeHypertableFactory: Sendable {
    private let registry: Locked<Set<String>>
    private let state = Locked(State())

    private struct State {
        var services: [FakeHypertableService] = []
        var created = 0
        var closed = 0
        var refused = 0
        var open = 0
        var peakOpen = 0
        var refuseAll = false
        var refuseNext = 0
        var connectDelayMilliseconds = 0
        var connectsHeld = false
        var connectsWaitingAtGate = 0
        var configure: (@Sendable (FakeHypertableService) -> Void)?
    }

    public init(namespaces: Set<String> = ["/", "test"]) {
        registry = Locked(namespaces)
    }

    // MARK: For the pool

    /// Opens a new fake connection, or throws `BrokerCallError.connectionFailed` when refusing, as a real connect does.
    public func connect() throws -> FakeHypertableService {
        let (delay, refuse, configure): (Int, Bool, (@Sendable (FakeHypertableService) -> Void)?) =
            state.withLock { state in
                let refuse = state.refuseAll || state.refuseNext > 0
                if state.refuseNext > 0 { state.refuseNext -= 1 }
                return (state.connectDelayMilliseconds, refuse, state.configure)
            }
        if delay > 0 { usleep(useconds_t(min(delay, 60_000)) * 1000) }
        waitAtGate()
        if refuse {
            state.withLock { $0.refused += 1 }
            throw BrokerCallError.connectionFailed(context: "connect", reason: "connection refused")
        }
        let service: FakeHypertableService = state.withLock { state in
            state.created += 1
            state.open += 1
            state.peakOpen = max(state.peakOpen, state.open)
            let service = FakeHypertableService(connectionNumber: state.created, registry: registry)
            state.services.append(service)
            return service
        }
        configure?(service)
        return service
    }

    /// Closes a connection this factory made (counted once, however often it is called).
    public func close(_ service: any HypertableService) {
        guard let fake = service as? FakeHypertableService else { return }
        let wasOpen = !fake.isClosed
        fake.close()
        if wasOpen {
            state.withLock { $0.closed += 1; $0.open -= 1 }
        }
    }

    /// `connect` as a pool's connector.
    public var connector: ConnectionPool.Connector {
        { [self] in try self.connect() }
    }

    /// `close` as a pool's closer.
    public var closer: ConnectionPool.Closer {
        { [self] service in self.close(service) }
    }

    /// A pool over this factory.
    public func makePool(_ configuration: PoolConfiguration, logger: Logger = .discarding,
                         metricsFactory: any MetricsFactory = MetricsSystem.factory) -> ConnectionPool {
        ConnectionPool(configuration: configuration, connect: connector, close: closer, logger: logger,
                       metricsFactory: metricsFactory)
    }

    // MARK: Knobs

    /// Refuse every connection attempt until called with `false`.
    public func refuseConnections(_ refuse: Bool) { state.withLock { $0.refuseAll = refuse } }
    /// Refuse the next `count` connection attempts.
    public func refuseNextConnections(_ count: Int) { state.withLock { $0.refuseNext = max(0, count) } }
    /// Each connection attempt takes this long.
    public func setConnectDelay(milliseconds: Int) {
        state.withLock { $0.connectDelayMilliseconds = max(0, milliseconds) }
    }
    /// Runs on every new connection before the pool gets it.
    public func configureNewConnection(_ configure: (@Sendable (FakeHypertableService) -> Void)?) {
        state.withLock { $0.configure = configure }
    }

    /// Makes every connection attempt block until `releaseConnects()` (at most 30 s), so a
    /// test can look at the pool while a connect is in progress.
    public func holdConnects() { state.withLock { $0.connectsHeld = true } }
    public func releaseConnects() { state.withLock { $0.connectsHeld = false } }

    private func waitAtGate() {
        guard state.withLock({ $0.connectsHeld }) else { return }
        state.withLock { $0.connectsWaitingAtGate += 1 }
        let giveUp = Deadline.after(seconds: 30)
        while state.withLock({ $0.connectsHeld }), !giveUp.hasPassed { usleep(1000) }
        state.withLock { $0.connectsWaitingAtGate -= 1 }
    }

    // MARK: Observations

    /// Connection attempts blocked by `holdConnects()` right now.
    public var connectsWaitingAtGate: Int { state.withLock { $0.connectsWaitingAtGate } }
    /// Every connection made, in order.
    public var services: [FakeHypertableService] { state.withLock { $0.services } }
    public var createdCount: Int { state.withLock { $0.created } }
    public var closedCount: Int { state.withLock { $0.closed } }
    public var refusedCount: Int { state.withLock { $0.refused } }
    /// Connections made and not yet closed.
    public var openCount: Int { state.withLock { $0.open } }
    /// The most connections open at once.
    public var peakOpenCount: Int { state.withLock { $0.peakOpen } }
    /// Namespace opens / closes summed over every connection.
    public var namespaceOpenCount: Int { services.reduce(0) { $0 + $1.namespaceOpenCount } }
    public var namespaceCloseCount: Int { services.reduce(0) { $0 + $1.namespaceCloseCount } }
}
