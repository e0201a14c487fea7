#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTestKit
import Support
import XCTest
@testable import HTTPServer

/// Routes added with `streamingBody: true`: the handler reads `request.bodyStream` as the body
/// arrives, over plain TCP and TLS, with Content-Length and chunked framing.
final class RequestBodyStreamTests: XCTestCase {
    /// The buffered limit is tiny: every body here that passes is proof of streaming.
    private static let bufferedLimit = 1024

    private static func router() -> HTTPRouter {
        var router = HTTPRouter()
        // Reads the whole body in small reads; answers its size, byte sum and read count.
        router.post("/sum", streamingBody: true) { request, _ in
            guard let stream = request.bodyStream else { return .text("no body, buffered \(request.body.count)") }
            var count = 0, sum: UInt64 = 0, reads = 0
            while let bytes = try stream.read(max: 1000) {
                XCTAssertFalse(bytes.isEmpty)
                XCTAssertLessThanOrEqual(bytes.count, 1000)
                count += bytes.count
                sum = bytes.reduce(sum) { $0 &+ UInt64($1) }
                reads += 1
            }
            XCTAssertTrue(stream.isComplete)
            return .text("\(count) bytes, sum \(sum), buffered \(request.body.count), reads>1 \(reads > 1)")
        }
        // Reads 1000 bytes of the body and answers at once.
        router.post("/half", streamingBody: true) { request, _ in
            var taken = 0
            while taken < 1000, let bytes = try request.bodyStream?.read(max: 1000 - taken) { taken += bytes.count }
            return .text("took \(taken) of \(request.bodyStream?.declaredLength ?? -1)")
        }
        // Refuses without reading anything.
        router.post("/refuse", streamingBody: true) { _, _ in
            .problem(.unsupportedMediaType, detail: "not this")
        }
        router.post("/buffered") { request, _ in
            .text("buffered \(request.body.count), stream \(request.bodyStream != nil)")
        }
        router.get("/after") { _, _ in .text("after") }
        return router
    }

    private func startServer(tls: TLSConfiguration? = nil,
                             _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration(port: 0, limits: HTTPParserLimits(maxBodySize: Self.bufferedLimit),
                                                    workerCount: 4, tls: tls)
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, logger: .discarding, router: Self.router())
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        return server
    }

    private func client(_ server: HTTPServer) throws -> HTTPTestClient {
        try HTTPTestClient(port: server.port, timeout: 10)
    }

    private static func body(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    private static func sum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 &+ UInt64($1) }
    }

    private static func chunked(_ body: [UInt8], sizes: [Int]) -> [UInt8] {
        var framed: [UInt8] = []
        var offset = 0, index = 0
        while offset < body.count {
            let size = min(sizes[index % sizes.count], body.count - offset)
            framed += Array("\(String(size, radix: 16));ext=\(index)\r\n".utf8) + body[offset..<offset + size] + [0x0D, 0x0A]
            offset += size
            index += 1
        }
        return framed + Array("0\r\nX-Checksum: none\r\n\r\n".utf8)
    }

    // MARK: parser

    func testParserHandsOverTheHeadOfAStreamedRouteAtOnce() throws {
        let limits = HTTPParserLimits(maxBodySize: 10, maxStreamedBodySize: 1000)
        var parser = HTTPRequestParser(limits: limits, streamsBody: { method, path in method == .post && path == "/up" })
        parser.append(Array("POST /up?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 500\r\n\r\nfirst".utf8))
        let request = try XCTUnwrap(try parser.nextRequest())
        XCTAssertEqual(request.streamedBody, StreamedBodyHead(framing: .length(500), expectsContinue: false))
        XCTAssertEqual(request.body, [])
        XCTAssertEqual(parser.takeUnconsumedBytes(), Array("first".utf8))
        XCTAssertFalse(parser.isMidRequest)

        parser.append(Array("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n".utf8))
        XCTAssertEqual(try parser.nextRequest()?.streamedBody, StreamedBodyHead(framing: .chunked, expectsContinue: true))
        XCTAssertFalse(parser.takeContinueRequest(), "the stream sends 100 Continue, not the connection")

        parser.append(Array("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n".utf8))
        XCTAssertThrowsError(try parser.nextRequest()) { error in
            XCTAssertEqual((error as? HTTPParseError)?.kind, .bodyTooLarge)
        }

        // Other routes keep the buffered body and its limit.
        var buffered = HTTPRequestParser(limits: limits, streamsBody: { _, path in path == "/up" })
        buffered.append(Array("POST /other HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello".utf8))
        let plain = try XCTUnwrap(try buffered.nextRequest())
        XCTAssertNil(plain.streamedBody)
        XCTAssertEqual(plain.body, Array("hello".utf8))
    }

    // MARK: framing

    func testContentLengthBodyLargerThanTheBufferedLimitIsStreamed() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(300 * 1024)
        let response = try client.request("POST", "/sum", body: body)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "\(body.count) bytes, sum \(Self.sum(body)), buffered 0, reads>1 true")
        XCTAssertNil(response.header("Connection"))
        // The connection is still in step: a second request on it is answered.
        XCTAssertEqual(try client.request("GET", "/after").bodyText, "after")
        // A route without the flag still buffers, with its limit.
        XCTAssertEqual(try client.request("POST", "/buffered", body: Self.body(100)).bodyText, "buffered 100, stream false")
        XCTAssertEqual(try client.request("POST", "/buffered", body: Self.body(2000)).status, 413)
    }

    func testChunkedBodyIsDecodedAcrossSplitWrites() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(50_000)
        let framed = Self.chunked(body, sizes: [1, 7, 4096, 300, 20_000])
        try client.send(raw: "POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        // Pieces that split sizes, extensions, CRLFs and trailers anywhere.
        var offset = 0, step = 1
        while offset < framed.count {
            let end = min(framed.count, offset + step)
            try client.send(raw: Array(framed[offset..<end]))
            offset = end
            step = step * 3 % 9_973 + 1
            usleep(1_000)
        }
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "\(body.count) bytes, sum \(Self.sum(body)), buffered 0, reads>1 true")
        XCTAssertEqual(try client.request("GET", "/after").bodyText, "after")
    }

    func testPipelinedRequestAfterAFullyReadStreamedBodyIsAnswered() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(5000)
        // Both requests in one write: the bytes after each body are the next request.
        try client.send(raw: Array("POST /sum HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
                        + Array("POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                        + Self.chunked(body, sizes: [999])
                        + Array("GET /after HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let expected = "\(body.count) bytes, sum \(Self.sum(body)), buffered 0, reads>1 true"
        XCTAssertEqual(try client.readResponse().bodyText, expected)
        XCTAssertEqual(try client.readResponse().bodyText, expected)
        XCTAssertEqual(try client.readResponse().bodyText, "after")
    }

    func testEmptyStreamedBodyEndsAtOnce() throws {
        let server = try startServer()
        let client = try client(server)
        XCTAssertEqual(try client.request("POST", "/sum", headers: [("Content-Length", "0")]).bodyText,
                       "0 bytes, sum 0, buffered 0, reads>1 false")
        // No framing at all: no body, no stream.
        XCTAssertEqual(try client.request("POST", "/sum").bodyText, "no body, buffered 0")
    }

    // MARK: limits and errors

    func testContentLengthOverTheStreamedLimitIsRefusedAtOnce() throws {
        let server = try startServer { $0.limits.maxStreamedBodySize = 10_000 }
        let client = try client(server)
        try client.sendRequest("POST", "/sum", headers: [("Content-Length", "10001")])
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testChunkedBodyOverTheStreamedLimitGets413AndCloses() throws {
        let server = try startServer { $0.limits.maxStreamedBodySize = 10_000 }
        let client = try client(server)
        try client.send(raw: Array("POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                        + Self.chunked(Self.body(12_000), sizes: [3000]))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testMalformedChunkGets400AndCloses() throws {
        let server = try startServer()
        for bad in ["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX\r\n0\r\n\r\n", "5\r\nhel", "5\nhello\r\n0\r\n\r\n",
                    "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\r\nX: 1\n\r\n", "5;=x\r\nhello\r\n0\r\n\r\n",
                    "5;a=\"\r\"\r\nhello\r\n0\r\n\r\n"] {
            let client = try client(server)
            try client.send(raw: "POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + bad)
            if bad == "5\r\nhel" { client.close(); continue }  // the client went away mid-body
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 400, bad)
            XCTAssertEqual(response.header("Connection"), "close", bad)
            XCTAssertTrue(client.waitForClose(timeout: 5), bad)
        }
        // The server goes on.
        XCTAssertEqual(try client(server).request("GET", "/after").bodyText, "after")
        eventually(5) { server.connectionCount <= 1 }
        XCTAssertLessThanOrEqual(server.connectionCount, 1)
    }

    func testIdleBodyTimesOutWith408() throws {
        let server = try startServer { $0.idleTimeout = 0.3 }
        let client = try client(server)
        try client.send(raw: "POST /sum HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    // MARK: bodies the handler does not finish

    func testUnreadLargeRestClosesTheConnectionAndANewOneWorks() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(2 * 1024 * 1024)
        // A body far over the drain limit: the server answers after 1000 bytes and closes
        // (reading and dropping the rest meanwhile, so the reply is not lost to a reset).
        try client.sendRequest("POST", "/half", headers: [("Content-Length", String(body.count))])
        try client.send(raw: body)
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "took 1000 of \(body.count)")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 5))
        XCTAssertEqual(try self.client(server).request("GET", "/after").bodyText, "after")
    }

    func testUnreadSmallRestIsDrainedAndTheConnectionKept() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(20_000)
        let response = try client.request("POST", "/half", body: body)
        XCTAssertEqual(response.bodyText, "took 1000 of \(body.count)")
        XCTAssertNil(response.header("Connection"))
        // The rest was drained, not parsed as a request: the next one is answered in step.
        XCTAssertEqual(try client.request("GET", "/after").bodyText, "after")
        // Chunked too.
        try client.send(raw: Array("POST /half HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                        + Self.chunked(body, sizes: [777]) + Array("GET /after HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        XCTAssertEqual(try client.readResponse().bodyText, "took 1000 of -1")
        XCTAssertEqual(try client.readResponse().bodyText, "after")
    }

    // MARK: 100-continue

    func testExpectContinueIsSentBeforeTheFirstRead() throws {
        let server = try startServer()
        let client = try client(server)
        let body = Self.body(3000)
        try client.sendRequest("POST", "/sum", headers: [("Expect", "100-continue"), ("Content-Length", String(body.count))])
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: body)
        XCTAssertEqual(try client.readResponse().bodyText, "\(body.count) bytes, sum \(Self.sum(body)), buffered 0, reads>1 true")

        // Chunked with Expect, on the same connection.
        try client.sendRequest("POST", "/sum", headers: [("Expect", "100-continue"), ("Transfer-Encoding", "chunked")])
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: Self.chunked(body, sizes: [1024]))
        XCTAssertEqual(try client.readResponse().status, 200)
    }

    func testHandlerThatReadsNothingNeverInvitesTheBody() throws {
        let server = try startServer()
        let client = try client(server)
        try client.sendRequest("POST", "/refuse", headers: [("Expect", "100-continue"), ("Content-Length", "100000")])
        // The final status comes first, without a 100, and the connection closes: the body
        // the client may still send is never parsed as a request.
        let response = try client.readHead()
        XCTAssertEqual(response.status, 415)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    // MARK: TLS

    func testStreamedBodiesOverTLS() throws {
        let certificate = try HTTPSTestCertificate.generate()
        addTeardownBlock { certificate.remove() }
        let server = try startServer(tls: TLSConfiguration(certificateChainPath: certificate.certificatePath,
                                                           privateKeyPath: certificate.privateKeyPath))
        let client = try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath, timeout: 10)
        let body = Self.body(400 * 1024)
        let expected = "\(body.count) bytes, sum \(Self.sum(body)), buffered 0, reads>1 true"
        XCTAssertEqual(try client.request("POST", "/sum", body: body).bodyText, expected)
        try client.send(raw: Array("POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                        + Self.chunked(body, sizes: [10_000, 3]) + Array("GET /after HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        XCTAssertEqual(try client.readResponse().bodyText, expected)
        XCTAssertEqual(try client.readResponse().bodyText, "after")
        try client.sendRequest("POST", "/sum", headers: [("Expect", "100-continue"), ("Content-Length", "5")])
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: Array("hello".utf8))
        XCTAssertEqual(try client.readResponse().bodyText, "5 bytes, sum \(Self.sum(Array("hello".utf8))), buffered 0, reads>1 false")
        // A malformed chunk over TLS: 400, then closed.
        try client.send(raw: Array("POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n".utf8))
        XCTAssertEqual(try client.readResponse().status, 400)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }
}
