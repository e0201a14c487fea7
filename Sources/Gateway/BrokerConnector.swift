import HypertableClient
import Logging
import Support

/// Opens broker connections for the pool, spreading them over every configured ThriftBroker.
///
/// Each new connection starts at the next broker in turn; a broker that refuses is skipped
/// for `cooldownMilliseconds` so that requests do not pay a connect timeout each time while it
/// is down. When every broker is down, all are tried once more before giving up, so a
/// recovered broker is found without waiting for the cool-down.
public final class BrokerConnector: Sendable {
    public typealias Connect = @Sendable (GatewayConfiguration.BrokerAddress) throws -> any HypertableService

    private struct State {
        var next = 0
        var downUntil: [Deadline?]
        /// Brokers whose last attempt failed (an outage is logged when it starts and ends).
        var failing: Set<Int> = []
    }

    public let brokers: [GatewayConfiguration.BrokerAddress]
    public let cooldownMilliseconds: Int
    private let connectTo: Connect
    private let state: Locked<State>
    private let logger: Logger

    /// - Parameter logger: a broker that stops answering (at `warning`, once per outage, with
    ///   its address and the error), each failed attempt during the outage (`debug`), and its
    ///   return (`notice`).
    public init(brokers: [GatewayConfiguration.BrokerAddress], cooldownMilliseconds: Int = 2_000,
                logger: Logger, connect: @escaping Connect) {
        precondition(!brokers.isEmpty, "at least one broker")
        self.brokers = brokers
        self.cooldownMilliseconds = cooldownMilliseconds
        self.logger = logger
        self.connectTo = connect
        self.state = Locked(State(downUntil: Array(repeating: nil, count: brokers.count)))
    }

    /// A connector over real Thrift connections: `timeoutMilliseconds` bounds the connect and
    /// every call (`HYPERTABLE_TIMEOUT_MSECS`); `maxFrameSize` bounds each reply.
    public static func thrift(brokers: [GatewayConfiguration.BrokerAddress], timeoutMilliseconds: Int,
                              maxFrameSize: Int = 16 * 1024 * 1024, logger: Logger) -> BrokerConnector {
        BrokerConnector(brokers: brokers, logger: logger) { address in
            try HypertableConnection.connect(host: address.host, port: address.port, timeout: timeoutMilliseconds,
                                             maxFrameSize: maxFrameSize)
        }
    }

    /// Opens one connection; throws the last broker's error when none answers.
    public func connect() throws -> any HypertableService {
        let order: [Int] = state.withLock { state in
            let start = state.next
            state.next = (state.next + 1) % brokers.count
            let rotation = (0..<brokers.count).map { (start + $0) % brokers.count }
            let up = rotation.filter { index in state.downUntil[index].map { $0.hasPassed } ?? true }
            return up.isEmpty ? rotation : up
        }
        var lastError: (any Error)?
        for index in order {
            do {
                let connection = try connectTo(brokers[index])
                let recovered = state.withLock { state in
                    state.downUntil[index] = nil
                    return state.failing.remove(index) != nil
                }
                if recovered {
                    logger.notice("broker answers again", metadata: ["broker": "\(brokers[index])"])
                }
                return connection
            } catch {
                lastError = error
                let until = Deadline.after(milliseconds: cooldownMilliseconds)
                let outageBegins = state.withLock { state in
                    state.downUntil[index] = until
                    return state.failing.insert(index).inserted
                }
                // Once per outage at warning: while a broker is down every borrower that
                // needs a new connection tries it again.
                logger.log(level: outageBegins ? .warning : .debug, "broker connect failed", metadata: [
                    "broker": "\(brokers[index])", "error": "\(error)",
                    "cooldown_ms": "\(cooldownMilliseconds)", "brokers_configured": "\(brokers.count)"])
            }
        }
        throw lastError ?? BrokerCallError.connectionFailed(context: "connecting", reason: "no broker configured")
    }

    /// Brokers currently considered down (for `/health/ready` detail and metrics).
    public var brokersDown: [GatewayConfiguration.BrokerAddress] {
        state.withLock { state in
            brokers.indices.filter { index in state.downUntil[index].map { !$0.hasPassed } ?? false }.map { brokers[$0] }
        }
    }
}
