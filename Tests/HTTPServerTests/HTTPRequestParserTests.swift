import XCTest
@testable import HTTPServer

final class HTTPRequestParserTests: XCTestCase {
    private func parseAll(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> [HTTPRequest] {
        try parseAll(Array(text.utf8), limits: limits)
    }

    private func parseAll(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> [HTTPRequest] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(bytes)
        var requests: [HTTPRequest] = []
        while let request = try parser.nextRequest() { requests.append(request) }
        return requests
    }

    private func assertParseError(_ text: String, _ kind: HTTPParseError.Kind, status: Int,
                                  limits: HTTPParserLimits = HTTPParserLimits(),
                                  file: StaticString = #filePath, line: UInt = #line) {
        do throws(HTTPParseError) {
            let requests = try parseAll(text, limits: limits)
            XCTFail("expected \(kind), parsed \(requests.count) request(s)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.detail, file: file, line: line)
            XCTAssertEqual(error.status.code, status, file: file, line: line)
        }
    }

    static let pipelinedFixture =
        "POST /ns/demo/query?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
        + "GET /two HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n"
        + "GET /three HTTP/1.0\r\n\r\n"

    func testSimpleGet() throws {
        let requests = try parseAll("GET /index.html?a=1&b=two+words HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n")
        XCTAssertEqual(requests.count, 1)
        let request = try XCTUnwrap(requests.first)
        XCTAssertEqual(request.method, .get)
        XCTAssertEqual(request.target, "/index.html?a=1&b=two+words")
        XCTAssertEqual(request.path, "/index.html")
        XCTAssertEqual(request.query, "a=1&b=two+words")
        XCTAssertEqual(request.queryValue("b"), "two words")
        XCTAssertEqual(request.version, .http1_1)
        XCTAssertEqual(request.headers["host"], "example.org")
        XCTAssertEqual(request.headers["ACCEPT"], "*/*")
        XCTAssertEqual(request.body, [])
        XCTAssertTrue(request.keepAlive)
        XCTAssertEqual(request.targetForm, .origin)
    }

    func testPipelinedRequestsComeOutInOrder() throws {
        let requests = try parseAll(Self.pipelinedFixture)
        XCTAssertEqual(requests.map(\.path), ["/ns/demo/query", "/two", "/three"])
        XCTAssertEqual(requests[0].bodyText, "hello")
        XCTAssertEqual(requests[1].bodyText, "abc")
        XCTAssertEqual(requests[2].version, .http1_0)
        XCTAssertFalse(requests[2].keepAlive)
    }

    func testSplitAtEveryByteBoundaryGivesTheSameRequests() throws {
        let bytes = Array(Self.pipelinedFixture.utf8)
        let expected = try parseAll(bytes)
        for split in 0...bytes.count {
            var parser = HTTPRequestParser()
            var requests: [HTTPRequest] = []
            parser.append(Array(bytes[..<split]))
            while let request = try parser.nextRequest() { requests.append(request) }
            parser.append(Array(bytes[split...]))
            while let request = try parser.nextRequest() { requests.append(request) }
            XCTAssertEqual(requests.map(\.target), expected.map(\.target), "split at \(split)")
            XCTAssertEqual(requests.map(\.body), expected.map(\.body), "split at \(split)")
        }
        // And one byte at a time.
        var parser = HTTPRequestParser()
        var requests: [HTTPRequest] = []
        for byte in bytes {
            parser.append([byte])
            while let request = try parser.nextRequest() { requests.append(request) }
        }
        XCTAssertEqual(requests.map(\.body), expected.map(\.body))
        XCTAssertFalse(parser.isMidRequest)
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let text = "POST /cells HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;flag\r\nhello\r\n1A \r\n" + String(repeating: "z", count: 26) + "\r\n"
            + "0;last\r\nExpires: never\r\nX-Checksum: 1\r\n\r\n"
        let request = try XCTUnwrap(parseAll(text).first)
        XCTAssertEqual(request.bodyText, "hello" + String(repeating: "z", count: 26))
        XCTAssertNil(request.headers["Expires"], "trailers are consumed, not merged")
    }

    func testRequestLineTooLongIs414() {
        let limits = HTTPParserLimits(maxRequestLineLength: 64)
        assertParseError("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                         .uriTooLong, status: 414, limits: limits)
        // Not even a line end yet: still 414 once the limit is passed.
        assertParseError("GET /" + String(repeating: "a", count: 100), .uriTooLong, status: 414, limits: limits)
        // Garbage without a method is a bad request, not a long URI.
        assertParseError(String(repeating: "\u{1}", count: 100), .badRequestLine, status: 400, limits: limits)
    }

    func testHeaderSectionTooLargeIs431() {
        let limits = HTTPParserLimits(maxHeaderSectionSize: 256)
        assertParseError("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "v", count: 300) + "\r\n\r\n",
                         .headerSectionTooLarge, status: 431, limits: limits)
        var many = "GET / HTTP/1.1\r\nHost: h\r\n"
        for index in 0..<20 { many += "X-\(index): 0123456789\r\n" }
        assertParseError(many, .headerSectionTooLarge, status: 431, limits: limits)
    }

    func testTooManyHeaderFieldsIs431() {
        var text = "GET / HTTP/1.1\r\nHost: h\r\n"
        for index in 0..<10 { text += "X-\(index): v\r\n" }
        assertParseError(text + "\r\n", .tooManyHeaderFields, status: 431, limits: HTTPParserLimits(maxHeaderCount: 5))
    }

    func testBodyTooLargeIs413() {
        let limits = HTTPParserLimits(maxBodySize: 10)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", .bodyTooLarge, status: 413, limits: limits)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                         .bodyTooLarge, status: 413, limits: limits)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n",
                         .bodyTooLarge, status: 413, limits: limits)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
                         .bodyTooLarge, status: 413, limits: limits)
        XCTAssertNoThrow(try parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits))
    }

    func testContentLengthWithTransferEncodingIs400() {
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                         .contentLengthWithTransferEncoding, status: 400)
    }

    func testContentLengthRules() throws {
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                         .multipleContentLength, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", .multipleContentLength, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", .badContentLength, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc", .badContentLength, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", .badContentLength, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3 3\r\n\r\nabc", .badContentLength, status: 400)
        let single = try parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:  3 \r\n\r\nabc")
        XCTAssertEqual(single.first?.bodyText, "abc")
        // A comma makes a list whatever else is wrong with the value.
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: x,3\r\n\r\nabc", .multipleContentLength, status: 400)
        // Field names in any letter case; both framing fields at once, however spelled, are refused.
        let upper = try parseAll("POST / HTTP/1.1\r\nHost: h\r\nCONTENT-LENGTH: 3\r\n\r\nabc")
        XCTAssertEqual(upper.first?.bodyText, "abc")
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n",
                         .contentLengthWithTransferEncoding, status: 400)
        // More digits than any limit allows: too large, never an overflow.
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                         .bodyTooLarge, status: 413)
    }

    /// RFC 9110 §8.6 would let us accept these; a proxy in front might frame them otherwise.
    func testContentLengthListsAndRepeatsOfTheSameValueAre400() {
        for head in ["Content-Length: 5, 5\r\n", "Content-Length: 5,5\r\n", "Content-Length: 5,\r\n",
                     "Content-Length: ,5\r\n", "Content-Length: 5\r\nContent-Length: 5\r\n",
                     "Content-Length: 5\r\nX: y\r\ncontent-length: 5\r\n"] {
            assertParseError("POST / HTTP/1.1\r\nHost: h\r\n" + head + "\r\nhello", .multipleContentLength, status: 400)
        }
    }

    func testTransferEncodingRules() {
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .badTransferEncoding, status: 400)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                         .unsupportedTransferCoding, status: 501)
        assertParseError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                         .badTransferEncoding, status: 400)
        assertParseError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .badTransferEncoding, status: 400)
    }

    func testBadChunkSizeIs400() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertParseError(head + "xyz\r\n", .badChunk, status: 400)
        assertParseError(head + "\r\n", .badChunk, status: 400)
        assertParseError(head + "-1\r\n", .badChunk, status: 400)
        assertParseError(head + "3 4\r\n", .badChunk, status: 400)
        assertParseError(head + "3\r\nabcd\r\n", .badChunk, status: 400)
        assertParseError(head + "3;" + String(repeating: "e", count: 5000), .badChunk, status: 400)
    }

    func testInvalidChunkExtensionsAre400() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        for line in ["3;\r\n", "3;=v\r\n", "3;a=\r\n", "3;a=b c\r\n", "3;a=\"open\r\n", "3;a(b)\r\n",
                     "3;a=\"x\u{0}y\"\r\n", "3;a=\"x\ry\"\r\n", "3;a\rb\r\n", "3;a=b\u{1}\r\n", "3;a=b\u{7F}\r\n",
                     "3;a=b;\r\n", "3;a;;b\r\n", "3 ;a=b,c\r\n"] {
            assertParseError(head + line + "abc\r\n0\r\n\r\n", .badChunk, status: 400)
        }
    }

    func testValidChunkExtensionsAreAccepted() throws {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        for line in ["3;a\r\n", "3;a=b\r\n", "3 ; a = b ;c\r\n", "3\t;q=\"a;b \\\" \\\\\"\r\n", "3;n=\"\"\r\n",
                     "3;a=\"tab\there\"\r\n"] {
            XCTAssertEqual(try parseAll(head + line + "abc\r\n0;end\r\n\r\n").first?.bodyText, "abc", line)
        }
    }

    func testBareLineFeedInChunkedFramingIs400() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        for framing in ["3\nabc\r\n0\r\n\r\n", "3;ext=1\nabc\r\n0\r\n\r\n", "3\r\nabc\n0\r\n\r\n",
                        "3\r\nabc\r\n0\n\r\n", "3\r\nabc\r\n0\r\nX: 1\n\r\n", "3\r\nabc\r\n0\r\n\n",
                        "3\r\nabc\r\n0\r\nX: 1\r\n\n"] {
            assertParseError(head + framing, .badChunk, status: 400)
        }
    }

    func testMalformedTrailerLinesAre400() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
        for trailer in ["NoColon\r\n", ": v\r\n", "X y: v\r\n", " X: folded\r\n", "X: a\rb\r\n", "X: a\u{0}\r\n"] {
            assertParseError(head + trailer + "\r\n", .badChunk, status: 400)
        }
    }

    func testObsFoldIs400() {
        assertParseError("GET / HTTP/1.1\r\nHost: h\r\nX-Long: first\r\n  continued\r\n\r\n", .obsoleteLineFolding, status: 400)
        assertParseError("GET / HTTP/1.1\r\n Host: h\r\n\r\n", .obsoleteLineFolding, status: 400)
    }

    func testBadHeaderFieldsAre400() {
        assertParseError("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .badHeaderField, status: 400)
        assertParseError("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .badHeaderField, status: 400)
        assertParseError("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", .badHeaderField, status: 400)
        assertParseError("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", .badHeaderField, status: 400)
    }

    func testHostRules() throws {
        assertParseError("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost, status: 400)
        assertParseError("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHosts, status: 400)
        XCTAssertEqual(try parseAll("GET / HTTP/1.0\r\n\r\n").count, 1)
    }

    func testHTTP10KeepAliveDecision() throws {
        let plain = try XCTUnwrap(parseAll("GET / HTTP/1.0\r\n\r\n").first)
        XCTAssertEqual(plain.version, .http1_0)
        XCTAssertFalse(plain.keepAlive)
        let asked = try XCTUnwrap(parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first)
        XCTAssertTrue(asked.keepAlive)
        let closing = try XCTUnwrap(parseAll("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n").first)
        XCTAssertFalse(closing.keepAlive)
    }

    func testRequestLineErrors() {
        assertParseError("GET / HTTP/2.0\r\n\r\n", .unsupportedVersion, status: 505)
        assertParseError("GET / HTTP/1.1 extra\r\n\r\n", .badRequestLine, status: 400)
        assertParseError("GET /  HTTP/1.1\r\n\r\n", .badRequestLine, status: 400)
        assertParseError("GE(T / HTTP/1.1\r\n\r\n", .badRequestLine, status: 400)
        assertParseError("GET / http/1.1\r\n\r\n", .badRequestLine, status: 400)
        assertParseError("GET relative HTTP/1.1\r\nHost: h\r\n\r\n", .badRequestLine, status: 400)
        assertParseError("GET * HTTP/1.1\r\nHost: h\r\n\r\n", .badRequestLine, status: 400)
    }

    func testTargetForms() throws {
        let absolute = try XCTUnwrap(parseAll("GET http://example.org:8080/ns/a?x=1 HTTP/1.1\r\nHost: example.org\r\n\r\n").first)
        XCTAssertEqual(absolute.targetForm, .absolute)
        XCTAssertEqual(absolute.path, "/ns/a")
        XCTAssertEqual(absolute.query, "x=1")
        let asterisk = try XCTUnwrap(parseAll("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").first)
        XCTAssertEqual(asterisk.targetForm, .asterisk)
        XCTAssertNil(asterisk.pathSegments)
    }

    func testLeadingEmptyLinesAreAccepted() throws {
        let requests = try parseAll("\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(requests.map(\.path), ["/a", "/b"])
    }

    /// RFC 9112 §2.2 would let us accept a bare LF as a line end; a proxy in front might not.
    func testBareLineFeedAnywhereInTheHeadIs400() {
        for text in ["GET /a HTTP/1.1\nHost: h\r\n\r\n", "GET /a HTTP/1.1\r\nHost: h\n\r\n",
                     "GET /a HTTP/1.1\r\nHost: h\r\n\n", "GET /a HTTP/1.1\r\nHost: h\r\nX: 1\nY: 2\r\n\r\n",
                     "\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n", "\r\n\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n",
                     "GET /a HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n"] {
            do throws(HTTPParseError) {
                let requests = try parseAll(text)
                XCTFail("parsed \(requests.count) request(s) from \(text.debugDescription)")
            } catch {
                XCTAssertEqual(error.status.code, 400, text.debugDescription)
            }
        }
        assertParseError("GET /a HTTP/1.1\nHost: h\r\n\r\n", .bareLineFeed, status: 400)
        assertParseError("GET /a HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed, status: 400)
        assertParseError("GET /a HTTP/1.1\r\nHost: h\r\n\n", .bareLineFeed, status: 400)
        // A request after a valid one is refused just the same.
        assertParseError("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\nHost: h\n\n", .bareLineFeed, status: 400)
    }

    /// Fed a byte at a time, a bare LF is refused as soon as it arrives.
    func testBareLineFeedIsRefusedFedByteByByte() {
        var parser = HTTPRequestParser()
        var refused: HTTPParseError?
        for byte in Array("GET /a HTTP/1.1\r\nHost: h\nX: y\r\n\r\n".utf8) {
            parser.append([byte])
            do throws(HTTPParseError) {
                let request = try parser.nextRequest()
                XCTAssertNil(request)
            } catch {
                refused = error
                break
            }
        }
        XCTAssertEqual(refused?.kind, .bareLineFeed)
    }

    func testExpectContinueIsSignalledOnce() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        XCTAssertNil(try parser.nextRequest())
        XCTAssertTrue(parser.takeContinueRequest())
        XCTAssertFalse(parser.takeContinueRequest())
        parser.append(Array("abc".utf8))
        XCTAssertEqual(try parser.nextRequest()?.bodyText, "abc")
    }

    func testNonUTF8HeaderValueKeepsItsBytesAsLatin1() throws {
        let bytes = Array("GET / HTTP/1.1\r\nHost: h\r\nX-Raw: a".utf8) + [0xE9] + Array("\r\n\r\n".utf8)
        let request = try XCTUnwrap(parseAll(bytes).first)
        XCTAssertEqual(request.headers["X-Raw"], "a\u{E9}")
    }

    /// Found by fuzzing (LineScanner, via FuzzChunkedBody): a request line of exactly
    /// `maxRequestLineLength` bytes was refused with 414 when a read ended between its CR and
    /// LF, and accepted otherwise.
    func testFuzzRegressionRequestLineAtTheLimitWithItsCRLFSplit() throws {
        let limits = HTTPParserLimits(maxRequestLineLength: 64)
        let requestLine = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"
        XCTAssertEqual(requestLine.utf8.count, 64)
        let bytes = Array((requestLine + "\r\nHost: h\r\n\r\n").utf8)
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(bytes[..<65]))  // the line and its CR
        XCTAssertNil(try parser.nextRequest())
        parser.append(Array(bytes[65...]))
        XCTAssertEqual(try parser.nextRequest()?.target, "/" + String(repeating: "a", count: 50))
    }
}
