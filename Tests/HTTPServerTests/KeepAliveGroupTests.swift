import Foundation
import HTTPTestKit
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// Keep-alive connections whose requests are served inline wait in a group, one worker
/// polling them all (`KeepAliveGroup`). Each test sets a stay far longer than its waits, so
/// that only the rule under test can end a member's wait in time. Two workers make one group.
final class KeepAliveGroupTests: XCTestCase {
    /// Released by the test: what the blocking route waits for.
    private let release = DispatchSemaphore(value: 0)
    private let blockedRequests = Locked(0)
    /// The inline route's body size: `/big` answers this many bytes.
    private static let bigBody = 256 * 1024

    private func startServer(workers: Int = 2, stay: Double = 60,
                             _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: workers)
        configuration.workerStayTime = stay
        configuration.compression = false
        configure(&configuration)
        var router = HTTPRouter()
        router.get("/inline/{name}", runsInline: true) { request, parameters in
            .text("inline \(parameters["name"] ?? "")")
        }
        router.get("/big", runsInline: true) { _, _ in
            .text(String(repeating: "b", count: Self.bigBody))
        }
        router.get("/blocking/{name}") { [release, blockedRequests] _, parameters in
            blockedRequests.withLock { $0 += 1 }
            _ = release.wait(timeout: .now() + 60)
            return .text("blocking \(parameters["name"] ?? "")")
        }
        router.get("/worker/{name}") { _, parameters in
            .text("worker \(parameters["name"] ?? "")")
        }
        let server = HTTPServer(configuration: configuration, logger: .discarding, router: router)
        try server.start()
        addTeardownBlock { [release] in
            for _ in 0..<8 { release.signal() }
            server.shutdown(gracePeriod: 1)
        }
        return server
    }

    func testConnectionsWithInlineRequestsShareOneGroup() throws {
        let server = try startServer()
        XCTAssertEqual(server.keepAliveGroups.count, 1)
        let clients = try (0..<8).map { _ in try HTTPTestClient(port: server.port) }
        for (index, client) in clients.enumerated() {
            XCTAssertEqual(try client.request("GET", "/inline/\(index)").bodyText, "inline \(index)")
        }
        XCTAssertTrue(eventually { server.groupedConnectionCount == 8 })
        for round in 0..<20 {
            for (index, client) in clients.enumerated() {
                XCTAssertEqual(try client.request("GET", "/inline/\(round)-\(index)").bodyText, "inline \(round)-\(index)")
            }
        }
        XCTAssertEqual(server.groupedConnectionCount, 8, "every connection still waits in the group")
        // One thread leads the group: the other worker is free for a request that blocks.
        let other = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try other.request("GET", "/worker/w").bodyText, "worker w")
    }

    func testPipelinedRequestsOfSeveralMembersAreEachAnsweredInOrder() throws {
        let server = try startServer()
        let members = try (0..<2).map { _ in try HTTPTestClient(port: server.port) }
        for member in members { XCTAssertEqual(try member.request("GET", "/inline/first").status, 200) }
        XCTAssertTrue(eventually { server.groupedConnectionCount == 2 })
        // Both members' batches are ready together: one pass of the leader serves both.
        for (index, member) in members.enumerated() {
            try member.send(raw: (1...5).map { "GET /inline/m\(index)-\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        }
        for (index, member) in members.enumerated() {
            let bodies = try (1...5).map { _ in try member.readResponse().bodyText }
            XCTAssertEqual(bodies, (1...5).map { "inline m\(index)-\($0)" })
        }
        XCTAssertEqual(server.groupedConnectionCount, 2)
    }

    func testARequestThatMayBlockLeavesTheGroupForAWorker() throws {
        let server = try startServer()
        let member = try HTTPTestClient(port: server.port)
        let neighbour = try HTTPTestClient(port: server.port, timeout: 20)
        XCTAssertEqual(try member.request("GET", "/inline/a").status, 200)
        XCTAssertEqual(try neighbour.request("GET", "/inline/b").status, 200)
        XCTAssertTrue(eventually { server.groupedConnectionCount == 2 })
        try member.sendRequest("GET", "/blocking/x")
        XCTAssertTrue(eventually { self.blockedRequests.current == 1 })
        XCTAssertTrue(eventually { server.groupedConnectionCount == 1 }, "the blocking request's connection left the group")
        // Its handler waits on a worker, not on the group's leader.
        XCTAssertEqual(try neighbour.request("GET", "/inline/c").bodyText, "inline c")
        release.signal()
        XCTAssertEqual(try member.readResponse().bodyText, "blocking x")
        XCTAssertEqual(try member.request("GET", "/inline/d").bodyText, "inline d")
    }

    func testAClientThatStopsReadingHoldsUpOnlyItself() throws {
        // The write timeout outlasts the neighbour's patience: only a hand-off answers it.
        let server = try startServer { $0.writeTimeout = 120 }
        let reader = try HTTPTestClient(port: server.port, timeout: 20)
        let stalled = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try reader.request("GET", "/inline/r").status, 200)
        XCTAssertEqual(try stalled.request("GET", "/inline/s").status, 200)
        XCTAssertTrue(eventually { server.groupedConnectionCount == 2 })
        // Far more response bytes than the sockets' buffers hold, never read.
        try stalled.send(raw: String(repeating: "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", count: 256))
        XCTAssertTrue(eventually { server.groupedConnectionCount == 1 }, "the stalled writer left the group's poll")
        for index in 0..<10 {
            XCTAssertEqual(try reader.request("GET", "/inline/\(index)").bodyText, "inline \(index)")
        }
        // The stalled client's responses all arrive once it reads.
        for _ in 0..<256 {
            XCTAssertEqual(try stalled.readResponse().body.count, Self.bigBody)
        }
        XCTAssertEqual(try stalled.request("GET", "/inline/again").bodyText, "inline again")
    }

    func testAJobWaitingForAThreadDisbandsTheGroup() throws {
        // Two workers: one leads the group, one runs the first blocking request; the second
        // blocking request needs the leader's thread.
        let server = try startServer()
        let member = try HTTPTestClient(port: server.port, timeout: 20)
        XCTAssertEqual(try member.request("GET", "/inline/m").status, 200)
        XCTAssertTrue(eventually { server.groupedConnectionCount == 1 })
        let first = try HTTPTestClient(port: server.port, timeout: 20)
        let second = try HTTPTestClient(port: server.port, timeout: 20)
        try first.sendRequest("GET", "/blocking/1")
        XCTAssertTrue(eventually { self.blockedRequests.current == 1 })
        try second.sendRequest("GET", "/blocking/2")
        XCTAssertTrue(eventually { self.blockedRequests.current == 2 }, "the leader's thread took the waiting job")
        XCTAssertEqual(server.groupedConnectionCount, 0)
        // With every worker busy, inline requests are answered where they are read.
        XCTAssertEqual(try member.request("GET", "/inline/n").bodyText, "inline n")
        release.signal()
        release.signal()
        XCTAssertEqual(try first.readResponse().status, 200)
        XCTAssertEqual(try second.readResponse().status, 200)
    }

    func testAMemberGoesBackToItsSourceWhenItsStayEnds() throws {
        let server = try startServer(stay: 0.05)
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/inline/1").status, 200)
        XCTAssertTrue(eventually { server.groupedConnectionCount == 0 && server.stayingConnectionCount == 0 })
        XCTAssertEqual(try client.request("GET", "/inline/2").bodyText, "inline 2", "read from its source again")
    }

    func testTheIdleTimeoutClosesEveryMember() throws {
        let server = try startServer { $0.idleTimeout = 0.3 }
        let members = try (0..<3).map { _ in try HTTPTestClient(port: server.port) }
        for member in members { XCTAssertEqual(try member.request("GET", "/inline/x").status, 200) }
        // Closed at the idle timeout, not at the stay's end (a minute).
        XCTAssertEqual(members.filter { $0.waitForClose(timeout: 20) }.count, 3)
        XCTAssertTrue(eventually { server.connectionCount == 0 && server.groupedConnectionCount == 0 })
    }

    func testShutdownClosesMembersWithoutWaitingForTheGracePeriod() throws {
        let server = try startServer()
        let clients = try (0..<3).map { _ in try HTTPTestClient(port: server.port) }
        for client in clients { XCTAssertEqual(try client.request("GET", "/inline/x").status, 200) }
        XCTAssertTrue(eventually { server.groupedConnectionCount == 3 })
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.shutdown(gracePeriod: 30)
            finished.signal()
        }
        for client in clients { XCTAssertTrue(client.waitForClose(timeout: 20)) }
        XCTAssertEqual(finished.wait(timeout: .now() + 20), .success)
    }

    func testAMemberCanBeEvictedAtTheGlobalLimitAndTheGroupGoesOn() throws {
        let server = try startServer { $0.maxConnections = 2 }
        let members = try (0..<2).map { _ in try HTTPTestClient(port: server.port) }
        for member in members { XCTAssertEqual(try member.request("GET", "/inline/held").status, 200) }
        XCTAssertTrue(eventually { server.groupedConnectionCount == 2 })
        // Both members are idle between requests: a third client takes one's slot.
        let probe = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try probe.request("GET", "/inline/probe").status, 200)
        XCTAssertTrue(eventually { members.contains { $0.waitForClose(timeout: 0.01) } }, "one member was closed")
        let survivor = try XCTUnwrap(members.first { !$0.waitForClose(timeout: 0.01) })
        XCTAssertEqual(try survivor.request("GET", "/inline/after").bodyText, "inline after")
    }

    func testWithStaysOffThereAreNoGroups() throws {
        let server = try startServer(stay: 0)
        XCTAssertTrue(server.keepAliveGroups.isEmpty)
        let client = try HTTPTestClient(port: server.port)
        for index in 1...5 {
            XCTAssertEqual(try client.request("GET", "/inline/\(index)").bodyText, "inline \(index)")
        }
    }
}
