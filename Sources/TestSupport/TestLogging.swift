import Logging
import Support

extension Logger {
    /// A logger that drops every record: for tests that do not look at logs.
    public static let discarding = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A logger whose records `records` keeps, at `level` and above.
    public static func recording(into records: LogRecords, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test", factory: { _ in RecordingLogHandler(records: records) })
        logger.logLevel = level
        return logger
    }
}

/// The records a `Logger.recording` logger received, from any thread.
public final class LogRecords: Sendable {
    public struct Record: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: [String: String]
    }

    private let records = Locked<[Record]>([])

    public init() {}

    public var all: [Record] { records.current }

    func append(_ record: Record) { records.withLock { $0.append(record) } }
}

private struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        records.append(.init(level: event.level, message: event.message.description,
                             metadata: merged.mapValues { $0.description }))
    }
}
