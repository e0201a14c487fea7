import Foundation
import Sockets
import TestSupport
import XCTest

final class SocketTests: XCTestCase {
    func testListenConnectAcceptAndExchangeBytes() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let port = try listener.localPort()
        XCTAssertGreaterThan(port, 0)
        let client = try Socket.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: 2))
        defer { client.close() }
        XCTAssertTrue(try listener.poll(events: Int16(POLLIN), deadline: .after(seconds: 2)))
        let (server, peer) = try XCTUnwrap(try listener.accept())
        defer { server.close() }
        XCTAssertEqual(peer.host, "127.0.0.1")

        try client.writeAll(Array("hello".utf8), deadline: .after(seconds: 2))
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = try buffer.withUnsafeMutableBytes { try server.readSome(into: $0, deadline: .after(seconds: 2)) }
        XCTAssertEqual(Array(buffer[..<count]), Array("hello".utf8))
    }

    /// A listener and a client connected to it, with the server's side of the connection.
    private func connectedPair() throws -> (listener: Socket, client: Socket, server: Socket) {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(host: "127.0.0.1", port: try listener.localPort(), deadline: .after(seconds: 2))
        _ = try listener.poll(events: Int16(POLLIN), deadline: .after(seconds: 2))
        let (server, _) = try XCTUnwrap(try listener.accept())
        return (listener, client, server)
    }

    func testIdleConnectionIsBrokenAfterThePeerCloses() throws {
        let (listener, client, server) = try connectedPair()
        defer { listener.close(); client.close() }
        XCTAssertFalse(client.idleConnectionIsBroken())
        try server.writeAll(Array("stray".utf8), deadline: .after(seconds: 2))
        XCTAssertTrue(eventually(5) { client.idleConnectionIsBroken() }, "unexpected bytes mean the stream is out of step")
        var buffer = [UInt8](repeating: 0, count: 16)
        _ = try buffer.withUnsafeMutableBytes { try client.readSome(into: $0, deadline: .after(seconds: 2)) }
        XCTAssertFalse(client.idleConnectionIsBroken())
        server.close()
        XCTAssertTrue(eventually(5) { client.idleConnectionIsBroken() }, "EOF from the peer")
    }

    func testAcceptWithNothingPendingReturnsNil() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        XCTAssertNil(try listener.accept())
    }

    func testReadTimesOutAndEOFIsTyped() throws {
        let (listener, client, server) = try connectedPair()
        defer { listener.close() }
        var buffer = [UInt8](repeating: 0, count: 4)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBytes {
            try server.readSome(into: $0, deadline: .after(milliseconds: 50))
        }) { XCTAssertEqual($0 as? SocketError, .timedOut(operation: "read")) }

        client.close()
        XCTAssertThrowsError(try buffer.withUnsafeMutableBytes {
            try server.readSome(into: $0, deadline: .after(seconds: 2))
        }) { XCTAssertEqual($0 as? SocketError, .connectionClosed) }
        server.close()
        server.close()  // idempotent
        XCTAssertTrue(server.isClosed)
    }

    /// After `allowWaitingReceives`, `receiveWaiting` sleeps in the kernel until bytes come,
    /// the time is up, or the socket is shut; `read` and `write` still never block.
    func testWaitingReceivesWaitWhileOtherCallsNeverBlock() throws {
        let (listener, client, server) = try connectedPair()
        defer { listener.close(); client.close(); server.close() }
        try server.allowWaitingReceives(upToMilliseconds: 50)
        var buffer = [UInt8](repeating: 0, count: 16)

        XCTAssertEqual(try buffer.withUnsafeMutableBytes { try server.read(into: $0) }, .wouldBlock)
        let start = Deadline.now().nanoseconds
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { try server.receiveWaiting(into: $0) }, .wouldBlock,
                       "nothing came within the time allowed")
        XCTAssertGreaterThanOrEqual((Deadline.now().nanoseconds - start) / 1_000_000, 40, "it waited in the kernel")

        let sender = Thread { try? client.writeAll(Array("next".utf8), deadline: .after(seconds: 2)) }
        sender.start()
        var received: Socket.ReadResult = .wouldBlock
        while received == .wouldBlock {
            received = try buffer.withUnsafeMutableBytes { try server.receiveWaiting(into: $0) }
        }
        XCTAssertEqual(received, .bytes(4))
        XCTAssertEqual(Array(buffer[..<4]), Array("next".utf8))

        // Writes fill the peer's window and then report a full buffer instead of blocking.
        let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
        var full = false
        for _ in 0..<4096 where !full {
            full = try chunk.withUnsafeBytes { try server.write($0) } == 0
        }
        XCTAssertTrue(full, "a write on a full buffer returns 0 at once")

        server.shutdown()
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { try server.receiveWaiting(into: $0) }, .endOfStream,
                       "shutdown ends a wait")
    }

    func testConnectionRefusedIsASystemError() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let port = try listener.localPort()
        listener.close()
        XCTAssertThrowsError(try Socket.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: 2))) { error in
            guard case .system(let call, _)? = error as? SocketError else { return XCTFail("\(error)") }
            XCTAssertEqual(call, "connect")
        }
    }

    func testAddressesAndHostPortParsing() throws {
        XCTAssertThrowsError(try SocketAddress.resolve(host: "127.0.0.1", port: 70_000))
        XCTAssertThrowsError(try SocketAddress.resolve(host: "no-such-host.invalid", port: 80))
        XCTAssertEqual(try SocketAddress.resolve(host: "::1", port: 8080).description, "[::1]:8080")
        XCTAssertTrue(try parseHostPort("[::1]:9") == ("::1", 9))
        XCTAssertTrue(try parseHostPort(":8080") == ("127.0.0.1", 8080))
        XCTAssertThrowsError(try parseHostPort("host"))
        XCTAssertThrowsError(try parseHostPort("host:99999"))
    }

    func testDeadlines() {
        XCTAssertTrue(Deadline.after(milliseconds: -5).hasPassed)
        XCTAssertEqual(Deadline.after(milliseconds: 0).remainingMilliseconds, 0)
        XCTAssertGreaterThan(Deadline.after(seconds: 10).remainingMilliseconds, 9_000)
        XCTAssertFalse(Deadline.distantFuture.hasPassed)
        XCTAssertEqual(Deadline.distantFuture.remainingMilliseconds, Int32.max)
    }

    func testLockedIsSafeUnderContention() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
        }
        XCTAssertEqual(counter.current, 80_000)
    }
}
