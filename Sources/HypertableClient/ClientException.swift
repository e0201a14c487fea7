/// `exception ClientException {1: i32 code, 2: string message}`: every error the broker
/// reports. The code is Hypertable's (`Common/Error.h`); `HypertableErrorCode` names the ones
/// we map. A `ClientException` leaves the connection healthy.
public struct ClientException: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ code: HypertableErrorCode, _ message: String) {
        self.init(code: code.rawValue, message: message)
    }

    /// Hypertable's symbolic name for `code` (`TABLE_NOT_FOUND`), when we know it.
    public var name: String? { HypertableErrorCode(rawValue: code)?.name }

    public var description: String {
        "ClientException(\(name ?? String(code)), \(message))"
    }
}

