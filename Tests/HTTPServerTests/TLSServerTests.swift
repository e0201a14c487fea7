#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import HTTPTestKit
import Sockets
import XCTest
@testable import HTTPServer

/// HTTPS end to end: a real OpenSSL client (and curl) against the server on port 0 with a
/// self-signed certificate made for each test.
final class TLSServerTests: XCTestCase {
    private var certificate: HTTPSTestCertificate!

    override func setUpWithError() throws {
        certificate = try HTTPSTestCertificate.generate()
        let certificate = certificate!
        addTeardownBlock { certificate.remove() }
    }

    private func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                             certificate chosen: HTTPSTestCertificate? = nil,
                             handler: @escaping HTTPHandler) throws -> HTTPServer {
        let certificate = chosen ?? certificate!
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 4)
        configuration.tls = TLSConfiguration(certificateChainPath: certificate.certificatePath,
                                             privateKeyPath: certificate.privateKeyPath)
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, logger: .discarding, handler: handler)
        try server.start()
        addTeardownBlock { server.shutdown(gracePeriod: 1) }
        return server
    }

    private func client(_ server: HTTPServer, alpn: [String] = ["http/1.1"]) throws -> HTTPSTestClient {
        try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath, alpn: alpn)
    }

    private static let echoPort: HTTPHandler = { request in
        .text("\(request.method) \(request.target) from port \(request.remoteAddress?.port ?? -1)")
    }

    private func waitForConnectionCount(_ server: HTTPServer, toBe count: Int) {
        eventually(5) { server.connectionCount == count }
    }

    func testKeepAliveServesTwoRequestsOnOneTLSConnection() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        XCTAssertEqual(client.negotiatedProtocol, "http/1.1")
        XCTAssertEqual(client.protocolVersion, "TLSv1.3")
        let first = try client.request("GET", "/one")
        let second = try client.request("GET", "/two")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(second.status, 200)
        XCTAssertNil(second.header("Connection"))
        XCTAssertTrue(first.bodyText.hasPrefix("GET /one from port "), first.bodyText)
        XCTAssertTrue(second.bodyText.hasPrefix("GET /two from port "), second.bodyText)
        // Same client port: the second request came over the first connection.
        XCTAssertEqual(first.bodyText.split(separator: " ").last, second.bodyText.split(separator: " ").last)
        XCTAssertEqual(server.connectionCount, 1)
    }

    func testChunkedStreamedResponseOverTLS() throws {
        // 64 KiB writes, 4 MiB in all: more than socket buffers hold, so SSL_write must wait
        // for the client (want-write) many times.
        let block = (0..<(64 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let server = try startServer { _ in
            HTTPResponse(headers: ["Content-Type": "application/octet-stream"]) { writer in
                try writer.write("first\n")
                for _ in 0..<64 { try writer.write(block) }
                try writer.write("last\n")
            }
        }
        let client = try client(server)
        let response = try client.request("GET", "/stream")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
        XCTAssertEqual(response.chunks.count, 66)
        XCTAssertEqual(response.chunks.first, Array("first\n".utf8))
        XCTAssertEqual(response.chunks.last, Array("last\n".utf8))
        XCTAssertEqual(response.body.count, 6 + 64 * block.count + 5)
        XCTAssertTrue(response.chunks.dropFirst().dropLast().allSatisfy { $0 == block })
        // The terminating chunk left the connection usable.
        XCTAssertEqual(try client.request("GET", "/stream").chunks.count, 66)
    }

    func testRequestBodyOverTLS() throws {
        let server = try startServer { request in
            let sum = request.body.reduce(UInt64(0)) { $0 &+ UInt64($1) }
            return .text("\(request.body.count) bytes, sum \(sum)")
        }
        let client = try client(server)
        let body = (0..<(300 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let expectedSum = body.reduce(UInt64(0)) { $0 &+ UInt64($1) }
        let response = try client.request("POST", "/upload", headers: [("Content-Type", "application/octet-stream")],
                                          body: body)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "\(body.count) bytes, sum \(expectedSum)")

        // Expect: 100-continue: the interim reply goes through TLS too.
        try client.sendRequest("POST", "/upload", headers: [("Expect", "100-continue"), ("Content-Length", "5")])
        XCTAssertEqual(try client.readHead().status, 100)
        try client.send(raw: Array("hello".utf8))
        XCTAssertEqual(try client.readResponse().bodyText, "5 bytes, sum \(Array("hello".utf8).reduce(0) { $0 + Int($1) })")
    }

    func testPipelinedRequestsOverTLSAreAnsweredInOrder() throws {
        let server = try startServer { request in
            if request.path == "/1" { usleep(30_000) }
            return .text("\(request.path) \(request.body.count)")
        }
        let client = try client(server)
        let bigBody = String(repeating: "x", count: 40_000)
        var raw = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
        raw += "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: \(bigBody.utf8.count)\r\n\r\n\(bigBody)"
        raw += "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        try client.send(raw: Array(raw.utf8))
        let bodies = try (1...3).map { _ in try client.readResponse().bodyText }
        XCTAssertEqual(bodies, ["/1 0", "/2 40000", "/3 0"])
    }

    func testPlainHTTPOnTheTLSPortIsClosedAndTheServerGoesOn() throws {
        let server = try startServer(handler: Self.echoPort)
        let plain = try HTTPTestClient(port: server.port, timeout: 5)
        try plain.send(raw: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertTrue(plain.waitForClose(timeout: 5), "a non-TLS client must be disconnected")

        let secure = try client(server)
        XCTAssertEqual(try secure.request("GET", "/after").status, 200)
        waitForConnectionCount(server, toBe: 1)
        XCTAssertEqual(server.connectionCount, 1)
    }

    func testClientDisconnectingMidHandshakeIsCleanedUp() throws {
        let server = try startServer(handler: Self.echoPort)
        // A TLS record header announcing a 512-byte ClientHello, then only part of it.
        let partialHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        var sockets: [Socket] = []
        for _ in 0..<3 {
            let socket = try Socket.connect(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
            try socket.writeAll(partialHello, deadline: .after(seconds: 5))
            sockets.append(socket)
        }
        // A client that connects and will leave without a byte.
        sockets.append(try Socket.connect(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5)))
        // Every connection is the server's before any leaves: a count of zero read before the
        // accepts would prove nothing.
        waitForConnectionCount(server, toBe: sockets.count)
        XCTAssertEqual(server.connectionCount, sockets.count)
        for socket in sockets { socket.close() }
        waitForConnectionCount(server, toBe: 0)
        XCTAssertEqual(server.connectionCount, 0)
        XCTAssertEqual(try client(server).request("GET", "/still-here").status, 200)
    }

    func testTLS12ClientIsServed() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath,
                                         maximumVersion: .tls12)
        XCTAssertEqual(client.protocolVersion, "TLSv1.2")
        XCTAssertEqual(client.negotiatedProtocol, "http/1.1")
        XCTAssertEqual(try client.request("GET", "/a").status, 200)
        XCTAssertEqual(try client.request("GET", "/b").status, 200)
    }

    // MARK: suites and groups (TLSContext.tls12CipherList, TLSContext.groupsList)

    /// A server with an RSA certificate too: ECDHE-RSA suites and the static RSA key exchange
    /// need one.
    private func startRSAServer() throws -> (HTTPServer, HTTPSTestCertificate) {
        let rsa = try HTTPSTestCertificate.generate(keyType: .rsa2048)
        addTeardownBlock { rsa.remove() }
        return (try startServer(certificate: rsa, handler: Self.echoPort), rsa)
    }

    private func assertRefused(_ server: HTTPServer, trusting certificate: HTTPSTestCertificate,
                               maximumVersion: HTTPSTestClient.MaximumVersion = .tls12,
                               cipherList: String? = nil, groups: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        let offer = "\(cipherList ?? "default suites") / \(groups ?? "default groups")"
        XCTAssertThrowsError(try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath,
                                                 maximumVersion: maximumVersion, cipherList: cipherList, groups: groups),
                             offer, file: file, line: line) { error in
            guard case HTTPSTestClientError.tls = error else {
                return XCTFail("\(offer): expected a handshake failure, got \(error)", file: file, line: line)
            }
        }
    }

    func testTLS12ECDHEWithAEADSuitesAreServed() throws {
        let ecdsaServer = try startServer(handler: Self.echoPort)
        for suite in ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"] {
            let client = try HTTPSTestClient(port: ecdsaServer.port, trustedCertificatePath: certificate.certificatePath,
                                             maximumVersion: .tls12, cipherList: suite)
            XCTAssertEqual(client.protocolVersion, "TLSv1.2")
            XCTAssertEqual(client.negotiatedCipher, suite)
            XCTAssertEqual(try client.request("GET", "/a").status, 200, suite)
        }
        let (rsaServer, rsa) = try startRSAServer()
        for suite in ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"] {
            let client = try HTTPSTestClient(port: rsaServer.port, trustedCertificatePath: rsa.certificatePath,
                                             maximumVersion: .tls12, cipherList: suite)
            XCTAssertEqual(client.negotiatedCipher, suite)
            XCTAssertEqual(try client.request("GET", "/a").status, 200, suite)
        }
    }

    func testTLS12CBCAndStaticRSASuitesAreRefused() throws {
        let ecdsaServer = try startServer(handler: Self.echoPort)
        for suite in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256",
                      "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA"] {
            assertRefused(ecdsaServer, trusting: certificate, cipherList: suite)
        }
        let (rsaServer, rsa) = try startRSAServer()
        // Static RSA key exchange, with AEAD or CBC; ECDHE with CBC; DHE, which is not offered.
        for suite in ["AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA256",
                      "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"] {
            assertRefused(rsaServer, trusting: rsa, cipherList: suite)
        }
        // Both servers go on serving good clients.
        XCTAssertEqual(try client(ecdsaServer).request("GET", "/ok").status, 200)
        XCTAssertEqual(try HTTPSTestClient(port: rsaServer.port, trustedCertificatePath: rsa.certificatePath)
            .request("GET", "/ok").status, 200)
    }

    func testTLS13UsesAnAEADSuite() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        XCTAssertEqual(client.protocolVersion, "TLSv1.3")
        XCTAssertTrue(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
            .contains(client.negotiatedCipher ?? "none"), client.negotiatedCipher ?? "none")
    }

    func testOnlyX25519P256AndP384AreAcceptedForKeyExchange() throws {
        let server = try startServer(handler: Self.echoPort)
        // At TLS 1.2 the groups offered also bound an ECDSA certificate's curve (RFC 8422
        // §5.1), so each group alone is tried there against an RSA certificate.
        let (rsaServer, rsa) = try startRSAServer()
        for group in ["X25519", "prime256v1", "secp384r1"] {
            let tls13 = try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath,
                                            groups: group)
            XCTAssertEqual(tls13.protocolVersion, "TLSv1.3")
            XCTAssertEqual(tls13.negotiatedGroup, group)
            XCTAssertEqual(try tls13.request("GET", "/a").status, 200)
            let tls12 = try HTTPSTestClient(port: rsaServer.port, trustedCertificatePath: rsa.certificatePath,
                                            maximumVersion: .tls12, groups: group)
            XCTAssertEqual(tls12.protocolVersion, "TLSv1.2")
            XCTAssertEqual(tls12.negotiatedGroup, group)
            XCTAssertEqual(try tls12.request("GET", "/a").status, 200)
        }
        for group in ["X448", "secp521r1", "ffdhe2048", "X448:secp521r1:ffdhe3072"] {
            assertRefused(server, trusting: certificate, maximumVersion: .tls13, groups: group)
        }
        for group in ["X448", "secp521r1", "X448:secp521r1"] {
            assertRefused(rsaServer, trusting: rsa, maximumVersion: .tls12, groups: group)
        }
        // A client offering X448 first and X25519 too is served with X25519.
        let client = try HTTPSTestClient(port: server.port, trustedCertificatePath: certificate.certificatePath,
                                         groups: "X448:X25519")
        XCTAssertEqual(client.negotiatedGroup, "X25519")
    }

    func testStalledHandshakeIsClosedAfterTheHeaderTimeout() throws {
        let server = try startServer({ $0.headerReadTimeout = 0.2 }, handler: Self.echoPort)
        let stalled = try HTTPTestClient(port: server.port, timeout: 5)
        try stalled.send(raw: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        XCTAssertTrue(stalled.waitForClose(timeout: 5), "a handshake that stops must not hold the connection")
        XCTAssertEqual(try client(server).request("GET", "/next").status, 200)
    }

    func testClientThatDoesNotTrustTheCertificateFailsAndTheServerGoesOn() throws {
        let server = try startServer(handler: Self.echoPort)
        let other = try HTTPSTestCertificate.generate()
        defer { other.remove() }
        XCTAssertThrowsError(try HTTPSTestClient(port: server.port, trustedCertificatePath: other.certificatePath)) { error in
            guard case HTTPSTestClientError.tls = error else { return XCTFail("expected a TLS failure, got \(error)") }
        }
        XCTAssertEqual(try client(server).request("GET", "/ok").status, 200)
    }

    func testClientOfferingOnlyH2ProceedsWithoutALPN() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server, alpn: ["h2"])
        XCTAssertNil(client.negotiatedProtocol)
        XCTAssertEqual(try client.request("GET", "/h1").status, 200)
    }

    func testConnectionCloseOverTLSEndsWithCloseNotify() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        let response = try client.request("GET", "/bye", headers: [("Connection", "close")])
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testParseErrorOverTLSIsAnsweredThenClosed() throws {
        let server = try startServer(handler: Self.echoPort)
        let client = try client(server)
        try client.send(raw: Array("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n".utf8))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 400)
        XCTAssertTrue(client.waitForClose(timeout: 5))
    }

    func testCurlKeepsOneConnectionForTwoRequests() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            throw XCTSkip("curl is not installed")
        }
        let server = try startServer(handler: Self.echoPort)
        let url = "https://localhost:\(server.port)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--silent", "--show-error", "--max-time", "10", "--cacert", certificate.certificatePath,
                             "--http1.1", "--write-out", " connects=%{num_connects}\\n", "\(url)/a", "\(url)/b"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, text)
        XCTAssertTrue(lines.first?.hasPrefix("GET /a from port ") == true, text)
        XCTAssertTrue(lines.first?.hasSuffix(" connects=1") == true, text)
        XCTAssertTrue(lines.last?.hasPrefix("GET /b from port ") == true, text)
        XCTAssertTrue(lines.last?.hasSuffix(" connects=0") == true, "the second request reused the connection: \(text)")
    }
}
