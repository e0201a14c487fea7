import Foundation
import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import Logging
import Support
import Tracing
import XCTest

/// A `GatewayHarness` (embedded broker + gateway on port 0) with the access log collected
/// and a one-line HQL helper.
final class GatewayTestStack {
    let harness: GatewayHarness
    let logLines = LogLineCollector()
    var broker: EmulatedBroker { harness.broker }
    var emulator: EmulatorServer { harness.emulator }
    var gateway: Gateway { harness.gateway }

    init(logLevel: Logger.Level = .info, tracer: (any Tracer)? = nil,
         configure: (inout GatewayConfiguration) -> Void = { _ in }) throws {
        harness = try GatewayHarness(configure: { configuration in
            configuration.accessLog = true
            configuration.poolSize = 5
            configuration.maxOverflow = 10
            configure(&configuration)
        }, logger: .json(into: logLines, level: logLevel), tracer: tracer)
    }

    deinit { harness.stop() }

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

/// Decodes a JSON body into Foundation objects for assertions.
func json(_ response: HTTPTestResponse, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
        XCTFail("not a JSON object: \(response.bodyText)", file: file, line: line)
        return [:]
    }
    return object
}
