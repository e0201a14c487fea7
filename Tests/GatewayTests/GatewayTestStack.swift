import Foundation
import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import Sockets
import XCTest

/// The embedded broker and a gateway in front of it, both on port 0, for one test.
final class GatewayTestStack {
    let broker: EmulatedBroker
    let emulator: EmulatorServer
    let gateway: Gateway
    let logLines = LogCollector()

    init(configure: (inout GatewayConfiguration) -> Void = { _ in }) throws {
        broker = EmulatedBroker()
        emulator = EmulatorServer(broker: broker, host: "127.0.0.1", port: 0)
        try emulator.start()
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: emulator.port)]
        configuration.brokerTimeoutMilliseconds = 5_000
        configuration.gracePeriodSeconds = 2
        configure(&configuration)
        let lines = logLines
        gateway = try Gateway(configuration: configuration, log: { lines.append($0) })
        try gateway.start()
    }

    deinit {
        gateway.shutdown()
        emulator.stop()
    }

    func client() throws -> HTTPTestClient { try HTTPTestClient(port: gateway.port, timeout: 10) }

    /// POSTs one HQL statement to `/ns/{namespace}/query`.
    @discardableResult
    func hql(_ statement: String, namespace: String = "sys", expect status: Int = 200,
             file: StaticString = #filePath, line: UInt = #line) throws -> HTTPTestResponse {
        let response = try client().request("POST", "/ns/\(namespace)/query",
                                            headers: [("Content-Type", "text/plain")], body: statement)
        XCTAssertEqual(response.status, status, "\(statement) -> \(response.bodyText)", file: file, line: line)
        return response
    }
}

/// Collects log lines from several threads.
final class LogCollector: Sendable {
    private let lines = Locked<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.current }
}

/// Decodes a JSON body into Foundation objects for assertions.
func json(_ response: HTTPTestResponse, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
        XCTFail("not a JSON object: \(response.bodyText)", file: file, line: line)
        return [:]
    }
    return object
}
