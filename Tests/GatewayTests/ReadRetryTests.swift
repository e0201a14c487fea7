import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import Support
import XCTest

/// Two ThriftBrokers in front of one store; one dies under a read load: no read fails.
final class ReadRetryTests: XCTestCase {
    func testKillingOneOfTwoBrokersUnderReadLoadFailsNoRead() throws {
        let store = EmulatedBroker()
        let first = EmulatorServer(broker: store, port: 0)
        let second = EmulatorServer(broker: store, port: 0)
        try first.start()
        try second.start()
        defer { second.stop() }
        try store.makeSession().namespaceCreate("/app")
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: first.port), .init(host: "127.0.0.1", port: second.port)]
        configuration.workers = 8
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }

        let clients = 8, requestsEach = 150, killAfter = 300
        let done = Locked(0)
        let failures = Locked<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let client = try? HTTPTestClient(port: gateway.port) else {
                    failures.withLock { $0.append("connect") }
                    return
                }
                for index in 0..<requestsEach {
                    let path = index % 2 == 0 ? "/ns/app/tables" : "/ns/app/query?hql=SHOW%20TABLES"
                    do {
                        let response = try client.request("GET", path)
                        if response.status != 200 { failures.withLock { $0.append("\(response.status) \(response.bodyText)") } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    done.withLock { $0 += 1 }
                }
            }.start()
        }
        XCTAssertTrue(eventually(60) { done.current >= killAfter }, "the load runs")
        first.stop()
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(done.current, clients * requestsEach)
        XCTAssertEqual(failures.current, [], "every read succeeded across the broker's death")
    }
}
