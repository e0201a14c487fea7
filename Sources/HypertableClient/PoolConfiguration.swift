import Support

/// How a `ConnectionPool` sizes itself, how long a borrower waits, and how long an idle
/// connection may stay idle.
///
/// The first two settings keep flask-hypertable's names and meaning:
/// - `size` (`HYPERTABLE_POOL_SIZE`, default 5): connections kept open while idle.
///   `0` selects the per-request mode: every borrow opens a connection and every return
///   closes it (namespaces first).
/// - `maxOverflow` (`HYPERTABLE_MAX_OVERFLOW`, default 10): extra connections made while all
///   kept ones are busy; each is closed when it comes back. `0` disables overflow.
///
/// At most `size + maxOverflow` connections exist at once. The one exception is the
/// per-request mode with overflow disabled (`size == 0 && maxOverflow == 0`): there is no
/// pool to bound, so concurrency is unbounded, exactly like flask-hypertable's per-request
/// mode. With `size == 0 && maxOverflow > 0`, `maxOverflow` bounds the number of
/// simultaneous per-request connections (the ThriftBroker spends one thread per connection).
public struct PoolConfiguration: Sendable, Hashable {
    /// Largest accepted `size` or `maxOverflow`: far above any sane broker thread count, and
    /// small enough that no count derived from it can overflow.
    public static let maximumConnections = 10_000
    /// Largest accepted wait timeout or idle time: one hour.
    public static let maximumMilliseconds = 3_600_000

    /// Connections kept open while idle (`HYPERTABLE_POOL_SIZE`).
    public var size: Int
    /// Extra connections allowed while all kept ones are busy (`HYPERTABLE_MAX_OVERFLOW`).
    public var maxOverflow: Int
    /// How long a borrower waits for a connection when all are busy before
    /// `ConnectionPoolError.waitTimeout` (`HYPERTABLE_POOL_TIMEOUT_MSECS`, default 5000).
    /// `0` fails at once.
    public var waitTimeoutMilliseconds: Int
    /// An idle connection unused for longer than this is closed instead of being lent out
    /// (`HYPERTABLE_POOL_MAX_IDLE_MSECS`). Guards against connections that a firewall or a
    /// restarted broker silently dropped. `nil` (the default, or `0` in the environment)
    /// keeps idle connections forever.
    public var maxIdleMilliseconds: Int?
    /// Namespaces kept open per connection; beyond it the least recently used is closed.
    public var namespaceCacheCapacity: Int

    public init(size: Int = 5, maxOverflow: Int = 10, waitTimeoutMilliseconds: Int = 5000,
                maxIdleMilliseconds: Int? = nil,
                namespaceCacheCapacity: Int = NamespaceCache.defaultCapacity) {
        self.size = min(max(0, size), Self.maximumConnections)
        self.maxOverflow = min(max(0, maxOverflow), Self.maximumConnections)
        self.waitTimeoutMilliseconds = min(max(0, waitTimeoutMilliseconds), Self.maximumMilliseconds)
        self.maxIdleMilliseconds = maxIdleMilliseconds.map { min(max(1, $0), Self.maximumMilliseconds) }
        self.namespaceCacheCapacity = max(1, namespaceCacheCapacity)
    }

    /// Reads the settings from environment variables; an unset or empty variable keeps its
    /// default. A value that is not a decimal integer in range is a
    /// `PoolConfigurationError` naming the variable.
    public init(environment: [String: String]) throws(PoolConfigurationError) {
        let defaults = PoolConfiguration()
        let size = try Self.integer(environment, "HYPERTABLE_POOL_SIZE",
                                    default: defaults.size, range: 0...Self.maximumConnections)
        let overflow = try Self.integer(environment, "HYPERTABLE_MAX_OVERFLOW",
                                        default: defaults.maxOverflow, range: 0...Self.maximumConnections)
        let timeout = try Self.integer(environment, "HYPERTABLE_POOL_TIMEOUT_MSECS",
                                       default: defaults.waitTimeoutMilliseconds,
                                       range: 0...Self.maximumMilliseconds)
        let maxIdle = try Self.integer(environment, "HYPERTABLE_POOL_MAX_IDLE_MSECS",
                                       default: 0, range: 0...Self.maximumMilliseconds)
        self.init(size: size, maxOverflow: overflow, waitTimeoutMilliseconds: timeout,
                  maxIdleMilliseconds: maxIdle == 0 ? nil : maxIdle)
    }

    /// The per-request mode: nothing is kept idle; each borrow opens, each return closes.
    public var isPerRequest: Bool { size == 0 }

    /// Most connections that may exist at once; `nil` when unbounded (see the type's notes).
    public var capacity: Int? {
        size == 0 && maxOverflow == 0 ? nil : size + maxOverflow
    }

    private static func integer(_ environment: [String: String], _ variable: String,
                                default value: Int, range: ClosedRange<Int>) throws(PoolConfigurationError) -> Int {
        try EnvironmentSetting.integer(environment, variable, range: range) ?? value
    }
}

/// A pool setting in the environment that cannot be used (the one rule for every setting,
/// `EnvironmentSetting`).
public typealias PoolConfigurationError = EnvironmentSettingError

