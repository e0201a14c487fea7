import HypertableClient
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
    }

    public let brokers: [GatewayConfiguration.BrokerAddress]
    public let cooldownMilliseconds: Int
    private let connectTo: Connect
    private let state: Locked<State>

    public init(brokers: [GatewayConfiguration.BrokerAddress], cooldownMilliseconds: Int = 2_000,
                connect: @escaping Connect) {
        precondition(!brokers.isEmpty, "at least one broker")
        self.brokers = brokers
        self.cooldownMilliseconds = cooldownMilliseconds
        self.connectTo = connect
        self.state = Locked(State(downUntil: Array(repeating: nil, count: brokers.count)))
    }

    /// A connector over real Thrift connections: `timeoutMilliseconds` bounds the connect and
    /// every call (`HYPERTABLE_TIMEOUT_MSECS`); `maxFrameSize` bounds each reply.
    public static func thrift(brokers: [GatewayConfiguration.BrokerAddress], timeoutMilliseconds: Int,
                              maxFrameSize: Int = 16 * 1024 * 1024) -> BrokerConnector {
        BrokerConnector(brokers: brokers) { address in
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
                state.withLock { $0.downUntil[index] = nil }
                return connection
            } catch {
                lastError = error
                let until = Deadline.after(milliseconds: cooldownMilliseconds)
                state.withLock { $0.downUntil[index] = until }
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
