import Gateway
import Logging
import Support

/// Collects the JSON lines a `JSONLogHandler` writes, as the executable's standard error would
/// get them (without the batching), from any thread.
public final class LogLineCollector: LogLineSink {
    private let lines = Locked<[String]>([])

    public init() {}

    public func append(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        lines.withLock { $0.append(text) }
    }

    public func appendNow(_ line: [UInt8]) { append(line) }

    public var all: [String] { lines.current }
}

extension Logger {
    /// A logger writing JSON lines, as the executable's, into `collector`, at `level` and above.
    public static func json(into collector: LogLineCollector, level: Logger.Level = .info) -> Logger {
        Logger(label: "test") { _ in JSONLogHandler(sink: collector, level: level) }
    }
}
