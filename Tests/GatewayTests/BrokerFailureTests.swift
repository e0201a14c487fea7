import Foundation
import Gateway
import GatewayTestKit
import HypertableEmulator
import Sockets
import XCTest

/// Health probes and the broker's failures as clients see them: 502 unreachable, 504 deadline,
/// 503 pool exhausted, recovery after the broker comes back.
final class BrokerFailureTests: XCTestCase {
    func testLivenessAndReadinessWithAHealthyBroker() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        let live = try client.request("GET", "/health/live")
        XCTAssertEqual(live.status, 200)
        XCTAssertEqual(json(live)["status"] as? String, "ok")
        for path in ["/health/ready", "/health"] {
            let ready = try client.request("GET", path)
            XCTAssertEqual(ready.status, 200, ready.bodyText)
            XCTAssertEqual((json(ready)["broker"] as? [String: Any])?["code"] as? Int, 0)
        }
    }

    func testUnreachableBrokerGives503ReadinessAnd502Queries() throws {
        let port = try freePort()
        let gateway = try makeGateway(brokerPort: port) { $0.brokerTimeoutMilliseconds = 1_000 }
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        XCTAssertEqual(try client.request("GET", "/health/live").status, 200)
        let ready = try client.request("GET", "/health/ready")
        XCTAssertEqual(ready.status, 503)
        XCTAssertEqual(ready.header("Retry-After"), "1")
        XCTAssertTrue((json(ready)["detail"] as? String)?.contains("not ready") == true)
        let query = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(query.status, 502)
        XCTAssertEqual(json(query)["type"] as? String, "/problems/broker-unreachable")
    }

    func testBrokerThatNeverAnswersGives504AndTheConnectionIsDiscarded() throws {
        let blackHole = try BlackHoleServer()
        defer { blackHole.stop() }
        let gateway = try makeGateway(brokerPort: blackHole.port) { $0.brokerTimeoutMilliseconds = 200 }
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        let response = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(response.status, 504, response.bodyText)
        XCTAssertEqual(json(response)["type"] as? String, "/problems/broker-timeout")
        let statistics = gateway.pool.statistics
        XCTAssertEqual(statistics.idle, 0, "a timed-out connection must not go back to the pool")
        XCTAssertEqual(statistics.totalDiscarded, 1)
    }

    func testBrokerSendingGarbageGives502AndTheGatewayKeepsServing() throws {
        // Replies to every request with a well-framed but meaningless message, then with a
        // frame header announcing 2 GiB: both must be typed errors, never a crash or a hang.
        for garbage in [[0, 0, 0, 8, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4] as [UInt8], [0x7F, 0xFF, 0xFF, 0xFF, 0]] {
            let broker = try BlackHoleServer(reply: garbage)
            defer { broker.stop() }
            let gateway = try makeGateway(brokerPort: broker.port) { $0.brokerTimeoutMilliseconds = 2_000 }
            defer { gateway.shutdown() }
            let client = try HTTPTestClient(port: gateway.port)
            for _ in 0..<3 {
                let response = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
                XCTAssertEqual(response.status, 502, response.bodyText)
                XCTAssertEqual(json(response)["type"] as? String, "/problems/broker-protocol")
            }
            XCTAssertEqual(gateway.pool.statistics.idle, 0, "a connection that read garbage is never pooled")
            XCTAssertEqual(try client.request("GET", "/health/live").status, 200)
        }
    }

    func testReadinessStaysUpWhileASaturatedPoolKeepsAnswering() throws {
        let fake = FakeHypertableService(namespaces: ["/", "sys"])
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.poolSize = 1
        configuration.maxOverflow = 0
        configuration.poolTimeoutMilliseconds = 100
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let connector = BrokerConnector(brokers: [.init(host: "fake", port: 1)], logger: .discarding) { _ in fake }
        let gateway = try Gateway(configuration: configuration, connector: connector, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        XCTAssertEqual(try HTTPTestClient(port: gateway.port).request("GET", "/health/ready").status, 200)

        // The only connection is busy with a slow (but answering) broker call.
        fake.stallNextCall(milliseconds: 1_500)
        occupyOneConnection(of: gateway)
        let ready = try HTTPTestClient(port: gateway.port).request("GET", "/health/ready")
        XCTAssertEqual(ready.status, 200, ready.bodyText)
        XCTAssertEqual((json(ready)["pool"] as? [String: Any])?["saturated"] as? Bool, true)
    }

    func testReadinessFailsWhenTheOnlyConnectionIsStuckOnAHungBroker() throws {
        let (blackHole, gateway) = try gatewayWithOneConnectionToAHungBroker()
        defer { gateway.shutdown(); blackHole.stop() }
        occupyOneConnection(of: gateway)
        // No connection ever came back healthy: the broker is not known to answer.
        XCTAssertEqual(try HTTPTestClient(port: gateway.port).request("GET", "/health/ready").status, 503)
    }

    func testExhaustedPoolAnswers503WithRetryAfter() throws {
        let (blackHole, gateway) = try gatewayWithOneConnectionToAHungBroker()
        defer { gateway.shutdown(); blackHole.stop() }
        // The first request holds the only connection while the broker stays silent.
        occupyOneConnection(of: gateway)
        XCTAssertEqual(gateway.pool.statistics.inUse, 1)
        let response = try HTTPTestClient(port: gateway.port).request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(response.status, 503, response.bodyText)
        XCTAssertEqual(response.header("Retry-After"), "1")
        XCTAssertEqual(json(response)["type"] as? String, "/problems/pool-exhausted")
    }

    func testBrokerRestartsNeverServeBrokenConnections() throws {
        let broker = EmulatedBroker()
        var emulator = EmulatorServer(broker: broker, port: 0)
        try emulator.start()
        let port = emulator.port
        let gateway = try makeGateway(brokerPort: port)
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: "SHOW TABLES").status, 200)
        XCTAssertEqual(gateway.pool.statistics.idle, 1)

        // A restart between requests: the pooled connection died with the old broker, and the
        // pool notices before lending it, so the client sees nothing.
        emulator.stop()
        emulator = EmulatorServer(broker: broker, port: port)
        try emulator.start()
        let afterRestart = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(afterRestart.status, 200, afterRestart.bodyText)
        XCTAssertEqual(gateway.pool.statistics.totalDiscarded, 1)

        // A broker that stays down: 502, and the dead connection is not kept.
        emulator.stop()
        let during = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(during.status, 502, during.bodyText)
        XCTAssertEqual(gateway.pool.statistics.idle, 0)

        // Back again: served at once.
        emulator = EmulatorServer(broker: broker, port: port)
        try emulator.start()
        defer { emulator.stop() }
        let after = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        XCTAssertEqual(after.status, 200, after.bodyText)
    }

    func testConnectionsSpreadOverSeveralBrokersAndSkipOneThatIsDown() throws {
        // Two brokers; per-request connections so that each request picks a broker anew.
        let first = EmulatorServer(broker: EmulatedBroker(), port: 0)
        let second = EmulatorServer(broker: EmulatedBroker(), port: 0)
        try first.start()
        try second.start()
        defer { second.stop() }
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: first.port), .init(host: "127.0.0.1", port: second.port)]
        configuration.poolSize = 0
        configuration.maxOverflow = 4
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        // Each broker holds a namespace the other lacks: the listing tells who answered.
        try first.broker.makeSession().namespaceCreate("/on_first")
        try second.broker.makeSession().namespaceCreate("/on_second")
        var answeredBy: [String: Int] = [:]
        for _ in 0..<6 {
            let response = try client.request("GET", "/ns")
            XCTAssertEqual(response.status, 200)
            let names = json(response)["namespaces"] as? [String] ?? []
            answeredBy[names.contains("on_first") ? "first" : names.contains("on_second") ? "second" : "?", default: 0] += 1
        }
        XCTAssertEqual(answeredBy, ["first": 3, "second": 3], "connections alternate between the brokers")
        XCTAssertTrue(poolSettles(gateway))
        eventually(5) { first.connectionCount + second.connectionCount == 0 }
        XCTAssertEqual(first.connectionCount + second.connectionCount, 0, "per-request connections close")
        XCTAssertEqual(gateway.connector.brokersDown.count, 0)

        first.stop()
        for _ in 0..<4 {
            let response = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
            XCTAssertEqual(response.status, 200, "the healthy broker serves while the other is down")
        }
        XCTAssertEqual(gateway.connector.brokersDown.map(\.port), [first.port])
    }

    func testPerRequestModeOpensAndClosesAConnectionEachTime() throws {
        let stack = try GatewayTestStack {
            $0.poolSize = 0
            $0.maxOverflow = 4
        }
        let client = try stack.client()
        for _ in 0..<5 {
            XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: "SHOW TABLES").status, 200)
        }
        let statistics = stack.gateway.pool.statistics
        XCTAssertEqual(statistics.totalCreated, 5)
        XCTAssertEqual(statistics.idle, 0)
        eventually(5) { stack.emulator.connectionCount == 0 }
        XCTAssertEqual(stack.emulator.connectionCount, 0)
    }

    func testShutdownClosesEveryBrokerConnection() throws {
        let broker = EmulatedBroker()
        let emulator = EmulatorServer(broker: broker, port: 0)
        try emulator.start()
        defer { emulator.stop() }
        let gateway = try makeGateway(brokerPort: emulator.port)
        let client = try HTTPTestClient(port: gateway.port)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: "SHOW TABLES").status, 200)
        XCTAssertEqual(emulator.connectionCount, 1)
        gateway.shutdown()
        eventually(5) { emulator.connectionCount == 0 }
        XCTAssertEqual(emulator.connectionCount, 0)
        XCTAssertEqual(broker.openSessionCount, 0)
    }

    func testMetricsExposeRequestsPoolAndBrokerErrors() throws {
        let stack = try GatewayTestStack()
        let client = try stack.client()
        _ = try client.request("POST", "/ns/sys/query", body: "SELECT * FROM missing")
        _ = try client.request("POST", "/ns/sys/query", body: "SHOW TABLES")
        let metrics = try client.request("GET", "/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.bodyText
        XCTAssertTrue(text.contains(#"gateway_requests_total{route="/ns/{ns...}/query",method="POST",status="404"} 1"#), text)
        XCTAssertTrue(text.contains(#"gateway_requests_total{route="/ns/{ns...}/query",method="POST",status="200"} 1"#), text)
        XCTAssertTrue(text.contains(#"gateway_broker_errors_total{error="TABLE_NOT_FOUND"} 1"#), text)
        XCTAssertTrue(text.contains(#"gateway_pool_connections{state="idle"} 1"#), text)
        XCTAssertTrue(text.contains("gateway_request_duration_seconds_bucket"), text)
    }

    // MARK: helpers

    private func makeGateway(brokerPort: Int, configure: (inout GatewayConfiguration) -> Void = { _ in }) throws -> Gateway {
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: brokerPort)]
        configuration.gracePeriodSeconds = 1
        configuration.accessLog = false
        configure(&configuration)
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        return gateway
    }

    /// A gateway whose pool holds one connection (no overflow, 100 ms wait) to a broker that
    /// never answers (3 s call deadline).
    private func gatewayWithOneConnectionToAHungBroker() throws -> (BlackHoleServer, Gateway) {
        let blackHole = try BlackHoleServer()
        do {
            let gateway = try makeGateway(brokerPort: blackHole.port) {
                $0.poolSize = 1
                $0.maxOverflow = 0
                $0.poolTimeoutMilliseconds = 100
                $0.brokerTimeoutMilliseconds = 3_000
            }
            return (blackHole, gateway)
        } catch {
            blackHole.stop()
            throw error
        }
    }

    /// Sends a query from another thread and returns once it holds a pooled connection.
    private func occupyOneConnection(of gateway: Gateway) {
        let holder = Thread {
            _ = try? HTTPTestClient(port: gateway.port).request("POST", "/ns/sys/query", body: "SHOW TABLES")
        }
        holder.start()
        eventually(5) { gateway.pool.statistics.inUse > 0 }
    }

    private func poolSettles(_ gateway: Gateway) -> Bool {
        eventually(5) { gateway.pool.statistics.inUse == 0 }
        return gateway.pool.statistics.inUse == 0
    }

    private func freePort() throws -> Int {
        let socket = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { socket.close() }
        return try socket.localPort()
    }
}

/// A TCP server that accepts connections and never answers (a hung broker), or, with
/// `reply`, answers every read with those bytes (a broken one).
final class BlackHoleServer: @unchecked Sendable {
    private let listener: Socket
    private let held = Locked<[Socket]>([])
    private let stopped = Locked(false)
    let port: Int

    init(reply: [UInt8]? = nil) throws {
        listener = try Socket.listen(host: "127.0.0.1", port: 0)
        port = try listener.localPort()
        let thread = Thread { [self] in
            while !stopped.current {
                if (try? listener.poll(events: Int16(POLLIN), deadline: .after(milliseconds: 50))) == true,
                   let accepted = try? listener.accept() {
                    held.withLock { $0.append(accepted.socket) }
                }
                guard let reply else { continue }
                for socket in held.current {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let result = try? buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
                    if case .bytes? = result { try? socket.writeAll(reply, deadline: .after(milliseconds: 200)) }
                }
            }
        }
        thread.start()
    }

    func stop() {
        stopped.withLock { $0 = true }
        held.withLock { sockets in
            for socket in sockets { socket.close() }
            sockets.removeAll()
        }
        listener.close()
    }
}
