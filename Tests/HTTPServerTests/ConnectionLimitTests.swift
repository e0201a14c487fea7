#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HTTPTestKit
import Support
import XCTest
@testable import HTTPServer

/// What protects the server from clients that hold connections: per-address limits, idle
/// connections closed first at the global limit, minimum body rates, running out of descriptors.
final class ConnectionLimitTests: XCTestCase {
    private func startServer(_ configure: (inout HTTPServerConfiguration) -> Void) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 2)
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, logger: .discarding) { request in .text("hello \(request.path)") }
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        return server
    }

    /// A raw request from a chosen loopback source address; returns the status line.
    private func statusLine(port: Int, from source: String, keepOpen: inout [Int32]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        XCTAssertEqual(bound, 0, "bind to \(source)")
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) }
        }
        XCTAssertEqual(connected, 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /x HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        keepOpen.append(fd)
        guard count > 0 else { return "" }
        return String(decoding: buffer[0..<count], as: UTF8.self).components(separatedBy: "\r\n")[0]
    }

    func testOneAddressCannotTakeMoreThanItsShare() throws {
        let server = try startServer { $0.maxConnectionsPerClient = 3 }
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        for _ in 0..<3 {
            XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.1", keepOpen: &open), "HTTP/1.1 200 OK")
        }
        XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.1", keepOpen: &open),
                       "HTTP/1.1 503 Service Unavailable")
        // Another client is not held back by the first one's connections.
        XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.2", keepOpen: &open), "HTTP/1.1 200 OK")
    }

    func testTrustedProxiesAreExemptFromThePerAddressLimit() throws {
        let server = try startServer {
            $0.maxConnectionsPerClient = 1
            $0.unlimitedClients = ["127.0.0.1"]
        }
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        for _ in 0..<4 {
            XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.1", keepOpen: &open), "HTTP/1.1 200 OK")
        }
    }

    func testAtTheGlobalLimitIdleConnectionsMakeRoom() throws {
        let server = try startServer { $0.maxConnections = 3 }
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        // Three idle keep-alive connections fill the server...
        for _ in 0..<3 {
            XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.1", keepOpen: &open), "HTTP/1.1 200 OK")
        }
        // ...and a new client (a health probe, say) is still served: an idle one is closed for it.
        XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.3", keepOpen: &open), "HTTP/1.1 200 OK")
        XCTAssertTrue(eventually { server.connectionCount <= 3 }, "the evicted connection is gone")
    }

    func testAtTheGlobalLimitWithNothingIdleNewClientsGet503() throws {
        let server = try startServer { $0.maxConnections = 2 }
        // Two connections in the middle of a head are not idle.
        let first = try HTTPTestClient(port: server.port)
        let second = try HTTPTestClient(port: server.port)
        defer { first.close(); second.close() }
        try first.send(raw: "GET /slow HTTP/1.1\r\n")
        try second.send(raw: "GET /slow HTTP/1.1\r\n")
        // Both heads were read (neither connection counts as idle any more).
        XCTAssertTrue(eventually { server.connectionCount == 2 && server.idleConnectionCount == 0 })
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        XCTAssertEqual(try statusLine(port: server.port, from: "127.0.0.1", keepOpen: &open),
                       "HTTP/1.1 503 Service Unavailable")
    }

    func testABodyBelowTheMinimumRateGets408() throws {
        let server = try startServer {
            $0.bodyMinimumRate = 1000
            $0.bodyGracePeriod = 0.3
        }
        let client = try HTTPTestClient(port: server.port)
        defer { client.close() }
        // 100 bytes of a 100,000-byte body earn 0.1 s beyond the grace: then it is late.
        try client.send(raw: "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
            + String(repeating: "a", count: 100))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.header("Connection"), "close")
    }

    func testAStreamedBodyBelowTheMinimumRateEnds() throws {
        let failure = Locked<String?>(nil)
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 2)
        configuration.bodyMinimumRate = 1000
        configuration.bodyGracePeriod = 0.3
        var router = HTTPRouter()
        router.post("/up", streamingBody: true) { request, _ in
            do {
                while try request.bodyStream?.read() != nil {}
                return .text("read it all")
            } catch {
                failure.withLock { $0 = "\(error)" }
                return .text("too slow", status: .requestTimeout)
            }
        }
        let server = HTTPServer(configuration: configuration, logger: .discarding, router: router)
        try server.start()
        defer { server.shutdown(gracePeriod: 1) }
        let client = try HTTPTestClient(port: server.port)
        defer { client.close() }
        try client.send(raw: "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
            + String(repeating: "a", count: 100))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(failure.current?.contains("slower than 1000 bytes per second") == true, failure.current ?? "nil")
    }
}
