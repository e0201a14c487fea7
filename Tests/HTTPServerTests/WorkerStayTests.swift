import Foundation
import HTTPTestKit
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// A worker that answered a plain keep-alive connection stays with it for the next request
/// (`workerStayTime`). Each test sets a stay far longer than its waits, so that only the rule
/// under test can end a stay in time.
final class WorkerStayTests: XCTestCase {
    private func startServer(workers: Int = 2, stay: Double = 60,
                             _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                             admit: HTTPRequestParser.Admission? = nil) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: workers)
        configuration.workerStayTime = stay
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, logger: .discarding, admit: admit) { request in
            .text("hello \(request.path)")
        }
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        return server
    }

    func testTheWorkerStaysAndServesTheNextRequestsItself() throws {
        let server = try startServer()
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/1").bodyText, "hello /1")
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        for index in 2...20 {
            XCTAssertEqual(try client.request("GET", "/\(index)").bodyText, "hello /\(index)")
        }
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 }, "still with the connection after 20 requests")
    }

    func testPipelinedRequestsAreAnsweredInOrderDuringAStay() throws {
        let server = try startServer()
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/first").status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        try client.send(raw: (1...5).map { "GET /p\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        for index in 1...5 {
            XCTAssertEqual(try client.readResponse().bodyText, "hello /p\(index)")
        }
    }

    func testARequestWaitingForAWorkerEndsAStay() throws {
        // One worker, staying with the first client for up to a minute: the second client's
        // request must not wait for that minute.
        let server = try startServer(workers: 1)
        let first = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try first.request("GET", "/a").status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        let second = try HTTPTestClient(port: server.port, timeout: 20)
        XCTAssertEqual(try second.request("GET", "/b").bodyText, "hello /b")
        // The first connection is served again, from its read source or a new stay.
        XCTAssertEqual(try first.request("GET", "/c").bodyText, "hello /c")
    }

    func testARefusedRequestEndsTheStay() throws {
        let server = try startServer(admit: { head in
            head.path == "/secret" ? .refuse(.problem(.unauthorized)) : .proceed(streamBody: false)
        })
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/open").status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        XCTAssertEqual(try client.request("GET", "/secret").status, 401)
        // A refused client does not keep a worker: the stay ended long before its minute.
        XCTAssertTrue(eventually { server.stayingConnectionCount == 0 })
        XCTAssertEqual(try client.request("GET", "/open").status, 200, "the connection itself is kept")
    }

    func testTheIdleTimeoutEndsAStay() throws {
        let server = try startServer { $0.idleTimeout = 0.3 }
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/x").status, 200)
        XCTAssertTrue(client.waitForClose(timeout: 20), "closed at the idle timeout, not at the stay's end")
        XCTAssertTrue(eventually { server.connectionCount == 0 })
    }

    func testAStayingConnectionCanBeEvictedAtTheGlobalLimit() throws {
        let server = try startServer { $0.maxConnections = 1 }
        let held = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try held.request("GET", "/held").status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        // The only connection is idle between requests, a worker staying with it or not.
        let probe = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try probe.request("GET", "/health").status, 200)
        XCTAssertTrue(held.waitForClose(timeout: 20))
    }

    func testShutdownClosesAStayingConnectionWithoutWaitingForTheGracePeriod() throws {
        let server = try startServer()
        let client = try HTTPTestClient(port: server.port)
        XCTAssertEqual(try client.request("GET", "/x").status, 200)
        XCTAssertTrue(eventually { server.stayingConnectionCount == 1 })
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.shutdown(gracePeriod: 30)
            finished.signal()
        }
        // A stay that ignored the drain would hold shutdown for the whole grace period and then
        // be force-closed.
        XCTAssertTrue(client.waitForClose(timeout: 20))
        XCTAssertEqual(finished.wait(timeout: .now() + 20), .success)
    }

    func testWithStaysOffTheReadSourceServesEveryRequest() throws {
        let server = try startServer(stay: 0)
        let client = try HTTPTestClient(port: server.port)
        for index in 1...10 {
            XCTAssertEqual(try client.request("GET", "/\(index)").bodyText, "hello /\(index)")
        }
        XCTAssertEqual(server.stayingConnectionCount, 0)
    }
}
