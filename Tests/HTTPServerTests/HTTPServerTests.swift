#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Dispatch
import HTTPTestKit
import Support
import XCTest
@testable import HTTPServer

final class HTTPServerTests: XCTestCase {
    private func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                             onCompletion: (@Sendable (HTTPExchangeRecord) -> Void)? = nil,
                             handler: @escaping HTTPHandler) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 4)
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, logger: .discarding, onCompletion: onCompletion, handler: handler)
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        return server
    }

    private func client(_ server: HTTPServer) throws -> HTTPTestClient {
        try HTTPTestClient(port: server.port, timeout: 5)
    }

    private static let echoPort: HTTPHandler = { request in
        .text("\(request.method) \(request.target) from port \(request.remoteAddress?.port ?? -1)")
    }

    func testKeepAliveReusesOneConnection() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        var bodies: [String] = []
        for index in 0..<5 {
            let response = try client.request("GET", "/n/\(index)")
            XCTAssertEqual(response.status, 200)
            XCTAssertNil(response.header("Connection"))
            XCTAssertNotNil(response.header("Date"))
            bodies.append(response.bodyText)
        }
        let ports = Set(bodies.map { $0.split(separator: " ").last.map(String.init) ?? "" })
        XCTAssertEqual(ports.count, 1, "all five requests came over one connection: \(bodies)")
        XCTAssertEqual(bodies[3].split(separator: " ").prefix(2).joined(separator: " "), "GET /n/3")
        XCTAssertEqual(server.connectionCount, 1)
    }

    func testConnectionCloseIsHonoured() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        let response = try client.request("GET", "/bye", headers: [("Connection", "close")])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testHTTP10ClosesUnlessKeepAliveAsked() throws {
        let server = try startServer(handler: Self.echoPort)
        let plain = try client(server)
        let first = try plain.request("GET", "/old", version: "HTTP/1.0")
        XCTAssertEqual(first.header("Connection"), "close")
        XCTAssertTrue(plain.waitForClose(timeout: 5))

        let kept = try client(server)
        let second = try kept.request("GET", "/old", headers: [("Connection", "keep-alive")], version: "HTTP/1.0")
        XCTAssertEqual(second.header("Connection"), "keep-alive")
        XCTAssertEqual(try kept.request("GET", "/again", headers: [("Connection", "keep-alive")], version: "HTTP/1.0").status, 200)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let server = try startServer { request in
            // The first request is the slowest: order must still hold.
            if request.path == "/1" { usleep(50_000) }
            return .text(request.path)
        }
        let client = try client(server)
        var raw = ""
        for index in 1...4 { raw += "GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n" }
        raw += "POST /5 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        try client.send(raw: raw)
        var bodies: [String] = []
        for _ in 1...5 { bodies.append(try client.readResponse().bodyText) }
        XCTAssertEqual(bodies, ["/1", "/2", "/3", "/4", "/5"])
    }

    func testChunkedRequestBodyIsEchoed() throws {
        let server = try startServer { request in HTTPResponse(body: request.body) }
        let client = try client(server)
        try client.send(raw: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4;x=y\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer-A: 1\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "Wikipedia in\r\n\r\nchunks.")
        XCTAssertEqual(response.header("Content-Length"), "23")
    }

    func testStreamedResponseChunksArriveInOrder() throws {
        let server = try startServer { _ in
            HTTPResponse(headers: ["Content-Type": "application/x-ndjson"]) { writer in
                for index in 0..<10 { try writer.write("{\"n\":\(index)}\n") }
            }
        }
        let client = try client(server)
        let response = try client.request("GET", "/stream")
        XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
        XCTAssertEqual(response.chunks.map { String(decoding: $0, as: UTF8.self) },
                       (0..<10).map { "{\"n\":\($0)}\n" })
        // The connection stays usable after the terminating chunk.
        XCTAssertEqual(try client.request("GET", "/stream").chunks.count, 10)
    }

    func testStreamedResponseToHTTP10IsCloseDelimited() throws {
        let server = try startServer { _ in
            HTTPResponse(headers: ["Content-Type": "text/plain"]) { writer in
                try writer.write("one ")
                try writer.write("two")
            }
        }
        let client = try client(server)
        let response = try client.request("GET", "/stream", version: "HTTP/1.0")
        XCTAssertNil(response.header("Transfer-Encoding"))
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(response.bodyText, "one two")
    }

    func testClientDisconnectMidStreamMakesTheWriterThrow() throws {
        let writerFailed = Locked<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        let server = try startServer { _ in
            HTTPResponse(headers: ["Content-Type": "application/octet-stream"]) { writer in
                defer { done.signal() }
                let block = [UInt8](repeating: 0x61, count: 64 * 1024)
                do {
                    for _ in 0..<100_000 { try writer.write(block) }
                } catch {
                    writerFailed.withLock { $0 = error }
                    throw error
                }
            }
        }
        let client = try client(server)
        try client.sendRequest("GET", "/big")
        let head = try client.readHead()
        XCTAssertEqual(head.status, 200)
        XCTAssertNotNil(try client.readChunk())
        client.close()
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success, "the streamer must end once the client is gone")
        let error = try XCTUnwrap(writerFailed.current)
        guard case HTTPServerError.clientDisconnected = error else {
            return XCTFail("expected clientDisconnected, got \(error)")
        }
    }

    func testFullWorkerQueueAnswers503() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = try startServer({ $0.workerCount = 1; $0.workerQueueCapacity = 1 }) { request in
            if request.path == "/block" {
                entered.signal()
                release.wait()
            }
            return .text("done \(request.path)")
        }
        let busy = try client(server)
        try busy.sendRequest("GET", "/block")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
        let queued = try client(server)
        try queued.sendRequest("GET", "/queued")
        // The queued request has to be in the queue before the third arrives.
        eventually(5) { server.queuedRequestCount >= 1 }
        XCTAssertEqual(server.queuedRequestCount, 1)

        let rejected = try client(server)
        let response = try rejected.request("GET", "/third")
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.header("Retry-After"), "1")
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")

        release.signal()
        XCTAssertEqual(try busy.readResponse().bodyText, "done /block")
        XCTAssertEqual(try queued.readResponse().bodyText, "done /queued")
    }

    func testIncompleteHeaderIsClosedAfterTheHeaderTimeout() throws {
        let server = try startServer({ $0.headerReadTimeout = 0.2 }) { _ in .text("never") }
        let client = try client(server)
        try client.send(raw: "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testBodyArrivingAfterTheHeadTimeoutIsStillAccepted() throws {
        let server = try startServer({ $0.headerReadTimeout = 0.2; $0.idleTimeout = 10 }) { request in
            HTTPResponse(body: request.body)
        }
        let client = try client(server)
        try client.send(raw: "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
        usleep(500_000)  // longer than the head timeout: the head was complete, so the body may be slow
        try client.send(raw: "cd")
        XCTAssertEqual(try client.readResponse().bodyText, "abcd")
    }

    func testBytesAfterConnectionCloseRequestAreIgnored() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        try client.send(raw: "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertTrue(response.bodyText.hasPrefix("GET /a "))
        XCTAssertThrowsError(try client.readResponse(), "no answer for /b: the connection closed")
    }

    func testIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try startServer({ $0.idleTimeout = 0.2 }) { _ in .text("hi") }
        let client = try client(server)
        XCTAssertEqual(try client.request("GET", "/").status, 200)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testGracefulShutdownFinishesInFlightRequestThenRefusesConnections() throws {
        let events = Locked<[String]>([])
        let entered = DispatchSemaphore(value: 0)
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 2)
        configuration.idleTimeout = 30
        let server = HTTPServer(configuration: configuration, logger: .discarding) { _ in
            entered.signal()
            usleep(200_000)
            events.withLock { $0.append("handler finished") }
            return .text("finished")
        }
        try server.start()
        let port = server.port
        let idle = try HTTPTestClient(port: port)
        let inFlight = try HTTPTestClient(port: port)
        try inFlight.sendRequest("GET", "/slow")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)

        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.shutdown(gracePeriod: 10)
            events.withLock { $0.append("shutdown returned") }
            stopped.signal()
        }
        let response = try inFlight.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "finished")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(stopped.wait(timeout: .now() + 15), .success)
        XCTAssertEqual(events.current, ["handler finished", "shutdown returned"])
        XCTAssertTrue(idle.waitForClose(timeout: 5), "idle keep-alive connections are closed")
        XCTAssertThrowsError(try HTTPTestClient(port: port, timeout: 2).request("GET", "/"))
    }

    func testGzipWhenAccepted() throws {
        let json = "[" + (0..<200).map { "{\"row\":\"r\($0)\",\"value\":\"some value\"}" }.joined(separator: ",") + "]"
        let server = try startServer { _ in .json(Array(json.utf8)) }
        let client = try client(server)
        let compressed = try client.request("GET", "/data", headers: [("Accept-Encoding", "gzip, deflate")])
        XCTAssertEqual(compressed.header("Content-Encoding"), "gzip")
        XCTAssertEqual(compressed.header("Vary"), "Accept-Encoding")
        XCTAssertLessThan(compressed.body.count, json.utf8.count)
        XCTAssertEqual(String(decoding: try gunzip(compressed.body), as: UTF8.self), json)

        let plain = try client.request("GET", "/data")
        XCTAssertNil(plain.header("Content-Encoding"))
        XCTAssertEqual(plain.header("Vary"), "Accept-Encoding")
        XCTAssertEqual(plain.bodyText, json)
    }

    func testGzipStreamedBody() throws {
        let server = try startServer { _ in
            HTTPResponse(headers: ["Content-Type": "application/x-ndjson"]) { writer in
                for index in 0..<50 { try writer.write("{\"n\":\(index),\"pad\":\"xxxxxxxxxxxxxxxx\"}\n") }
            }
        }
        let client = try client(server)
        let response = try client.request("GET", "/stream", headers: [("Accept-Encoding", "gzip")])
        XCTAssertEqual(response.header("Content-Encoding"), "gzip")
        let expected = (0..<50).map { "{\"n\":\($0),\"pad\":\"xxxxxxxxxxxxxxxx\"}\n" }.joined()
        XCTAssertEqual(String(decoding: try gunzip(response.body), as: UTF8.self), expected)
    }

    func testHeadGetsHeadersOnly() throws {
        var router = HTTPRouter()
        router.get("/doc") { _, _ in .text("twelve bytes") }
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, workerCount: 2), logger: .discarding, router: router)
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        let client = try client(server)
        let head = try client.request("HEAD", "/doc")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), "12")
        XCTAssertEqual(head.body, [])
        // Had a body been sent, it would be read as the next status line.
        let get = try client.request("GET", "/doc")
        XCTAssertEqual(get.bodyText, "twelve bytes")
        let wrong = try client.request("DELETE", "/doc")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.header("Allow"), "GET, HEAD")
    }

    func testNoContentHasNoBody() throws {
        let server = try startServer { _ in HTTPResponse(status: .noContent, body: Array("ignored".utf8)) }
        let client = try client(server)
        let response = try client.request("DELETE", "/x")
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(try client.request("DELETE", "/y").status, 204, "no stray body bytes on the connection")
    }

    func testParseErrorsAnswerTheirStatusAndClose() throws {
        let server = try startServer({ $0.limits.maxBodySize = 16 }) { _ in .text("ok") }
        let smuggle = try client(server)
        try smuggle.send(raw: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc")
        let bad = try smuggle.readResponse()
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.header("Connection"), "close")
        XCTAssertTrue(smuggle.waitForClose(timeout: 5))

        let large = try client(server)
        let tooLarge = try large.request("POST", "/", body: [UInt8](repeating: 0x41, count: 4096))
        XCTAssertEqual(tooLarge.status, 413)
        XCTAssertTrue(large.waitForClose(timeout: 5))
    }

    /// Framing a proxy in front might read differently (README, "Strict framing"): 400 and
    /// close, and nothing after it on the connection is answered.
    func testAmbiguousFramingGets400AndCloses() throws {
        let server = try startServer { request in .text("ran \(request.target)") }
        let next = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
        let chunked = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        for raw in ["GET /a HTTP/1.1\nHost: x\r\n\r\n", "GET /a HTTP/1.1\r\nHost: x\n\r\n",
                    "GET /a HTTP/1.1\r\nHost: x\r\n\n",
                    "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello",
                    "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                    chunked + "5\nhello\r\n0\r\n\r\n", chunked + "5\r\nhello\n0\r\n\r\n",
                    chunked + "5\r\nhello\r\n0\r\nX: 1\n\r\n", chunked + "5;a=b c\r\nhello\r\n0\r\n\r\n",
                    chunked + "5;a=\"\u{0}\"\r\nhello\r\n0\r\n\r\n"] {
            let client = try client(server)
            try client.send(raw: raw + next)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 400, raw.debugDescription)
            XCTAssertEqual(response.header("Connection"), "close", raw.debugDescription)
            XCTAssertTrue(client.waitForClose(timeout: 5), raw.debugDescription)
        }
        XCTAssertEqual(try client(server).request("GET", "/after").bodyText, "ran /after")
    }

    func testThrowingHandlerGives500() throws {
        struct Boom: Error {}
        let server = try startServer { _ in throw Boom() }
        let client = try client(server)
        let response = try client.request("GET", "/")
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(try client.request("GET", "/").status, 500, "the connection survives")
    }

    func testExpectContinueGetsInterimResponse() throws {
        let server = try startServer { request in HTTPResponse(body: request.body) }
        let client = try client(server)
        try client.send(raw: "PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: "body")
        XCTAssertEqual(try client.readResponse().bodyText, "body")
    }

    func testCompletionCallbackReportsEachExchange() throws {
        let records = Locked<[HTTPExchangeRecord]>([])
        var router = HTTPRouter()
        router.get("/items/{id}") { _, p in .text("item \(p["id"] ?? "")") }
        let routes = router
        let server = try startServer(onCompletion: { record in records.withLock { $0.append(record) } }) { request in
            routes.handle(request)
        }
        let client = try client(server)
        _ = try client.request("GET", "/items/42")
        _ = try client.request("GET", "/missing")
        try client.send(raw: "BAD\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 400)
        XCTAssertTrue(client.waitForClose(timeout: 5))
        eventually(5) { records.current.count >= 3 }
        let all = records.current
        XCTAssertEqual(all.map(\.status.code), [200, 404, 400])
        XCTAssertEqual(all[0].method, .get)
        XCTAssertEqual(all[0].path, "/items/42")
        XCTAssertEqual(all[0].routePattern, "/items/{id}")
        XCTAssertEqual(all[0].bytesSent, 7)
        XCTAssertEqual(all[0].remoteAddress?.host, "127.0.0.1")
        XCTAssertNil(all[2].request)
        for record in all {
            XCTAssertGreaterThan(record.durationNanoseconds, 0)
            XCTAssertEqual(record.duration, .nanoseconds(record.durationNanoseconds))
        }
    }

    func testARecordMadeFromADurationCarriesItsNanoseconds() {
        for duration: Duration in [.zero, .nanoseconds(1), .microseconds(1_500), .seconds(3) + .nanoseconds(7)] {
            let record = HTTPExchangeRecord(request: nil, status: .ok, responseHeaders: [:], bytesSent: 0, duration: duration,
                                            remoteAddress: nil, routePattern: nil, error: nil)
            XCTAssertEqual(record.duration, duration)
            XCTAssertEqual(Duration.nanoseconds(record.durationNanoseconds), duration)
        }
    }

    func testManyConcurrentClientsEachGetTheirOwnAnswers() throws {
        let server = try startServer { request in
            usleep(UInt32.random(in: 0...500))
            return .text(request.path)
        }
        let port = server.port
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { clientIndex in
            do {
                let client = try HTTPTestClient(port: port)
                for requestIndex in 0..<40 {
                    let path = "/c\(clientIndex)/r\(requestIndex)"
                    let body = try client.request("GET", path).bodyText
                    if body != path { failures.withLock { $0.append("\(path) got \(body)") } }
                }
            } catch {
                failures.withLock { $0.append("client \(clientIndex): \(error)") }
            }
        }
        XCTAssertEqual(failures.current, [])
    }

    /// At the limit an idle keep-alive connection gives way to a new client (a connection in
    /// the middle of a request does not: `ConnectionLimitTests`).
    func testAtTheLimitAnIdleConnectionGivesWayToANewOne() throws {
        let server = try startServer({ $0.maxConnections = 1 }) { _ in .text("ok") }
        let first = try client(server)
        XCTAssertEqual(try first.request("GET", "/").status, 200)
        let second = try client(server)
        XCTAssertEqual(try second.request("GET", "/").status, 200)
        XCTAssertTrue(first.waitForClose(timeout: 5), "the idle connection was closed to make room")
    }

    /// zlib inflate with gzip wrapper detection.
    private func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        XCTAssertEqual(inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)), Z_OK)
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var rc: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputPointer in
            stream.next_in = inputPointer.baseAddress
            stream.avail_in = UInt32(inputPointer.count)
            repeat {
                let produced = scratch.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                output.append(contentsOf: scratch[0..<produced])
            } while rc == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        XCTAssertEqual(rc, Z_STREAM_END, "a complete gzip stream")
        return output
    }
}
