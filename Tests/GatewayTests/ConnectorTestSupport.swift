import GatewayTestKit
import HypertableClient
import Support

final class LockedLog: Sendable {
    private let storage = Locked<[String]>([])
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
    var entries: [String] { storage.current }
}

/// Any service will do for the connector: it never calls one.
func FakeServiceForConnector() -> any HypertableService { FakeHypertableService() }
