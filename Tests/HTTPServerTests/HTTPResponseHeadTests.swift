@testable import HTTPServer
import XCTest

/// The response head as bytes: `serializeHead` measures the head, then writes it once into a
/// buffer of that size, so every byte and the length are checked here against a golden head.
final class HTTPResponseHeadTests: XCTestCase {
    /// The head with its `Date` value replaced, which changes every second.
    private func head(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
            .replacing(/Date: [A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9:]{8} GMT/, with: "Date: D")
    }

    func testHeadWithFieldsLengthAndConnection() {
        let headers: HTTPHeaders = ["Content-Type": "application/json", "X-Request-ID": "r-1"]
        let bytes = serializeHead(status: .ok, headers: headers, contentLength: 1234, connection: "close")
        XCTAssertEqual(head(bytes), "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Type: application/json\r\n"
                       + "X-Request-ID: r-1\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n")
    }

    func testHeadWithoutOptionalFieldsAndAZeroLength() {
        XCTAssertEqual(head(serializeHead(status: HTTPStatus(code: 404), headers: HTTPHeaders())),
                       "HTTP/1.1 404 Not Found\r\nDate: D\r\n\r\n")
        XCTAssertEqual(head(serializeHead(status: .noContent, headers: HTTPHeaders(), contentLength: 0)),
                       "HTTP/1.1 204 No Content\r\nDate: D\r\nContent-Length: 0\r\n\r\n")
    }

    func testHeadReservesRoomForTheBodyWithoutWritingIt() {
        let bytes = serializeHead(status: .ok, headers: HTTPHeaders(), contentLength: 5, reservingBody: 5)
        XCTAssertTrue(head(bytes).hasSuffix("Content-Length: 5\r\n\r\n"))
        XCTAssertGreaterThanOrEqual(bytes.capacity, bytes.count + 5)
    }

    func testEveryDigitCountOfContentLength() {
        var values = [0, Int.max]
        var nines = 9
        for digits in 1...18 {
            values += [nines, nines + 1]  // the largest of `digits` digits, the smallest of one more
            if digits < 18 { nines = nines * 10 + 9 }
        }
        for value in values {
            let bytes = serializeHead(status: .ok, headers: HTTPHeaders(), contentLength: value)
            XCTAssertTrue(head(bytes).hasSuffix("Content-Length: \(value)\r\n\r\n"), "\(value)")
        }
    }

    func testNonASCIIFieldValuesKeepTheirBytes() {
        let bytes = serializeHead(status: .ok, headers: ["X-Name": "Zoë ☃"], contentLength: 0)
        XCTAssertEqual(head(bytes), "HTTP/1.1 200 OK\r\nDate: D\r\nX-Name: Zoë ☃\r\nContent-Length: 0\r\n\r\n")
    }

    /// Head and body leave from the thread's scratch memory when they fit, from an array of
    /// their own when not; the bytes are the same either way, and the scratch is reused.
    func testHeadAndBodyAreOneBufferWhetherTheyFitTheScratchOrNot() throws {
        let headers: HTTPHeaders = ["Content-Type": "application/json"]
        for size in [0, 15, ResponseScratch.capacity - 200, ResponseScratch.capacity, ResponseScratch.capacity * 3] {
            let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let head = ResponseHead(status: .ok, headers: headers, contentLength: body.count, connection: nil)
            let sent = try head.withBytes(followedBy: body) { Array($0) }
            let expected = serializeHead(status: .ok, headers: headers, contentLength: body.count) + body
            XCTAssertEqual(self.head(Array(sent.prefix(sent.count - size))), self.head(Array(expected.prefix(expected.count - size))))
            XCTAssertEqual(Array(sent.suffix(size)), body, "body of \(size) bytes")
            XCTAssertEqual(sent.count, expected.count)
        }
        let first = ResponseScratch.bytes().baseAddress
        XCTAssertEqual(ResponseScratch.bytes().baseAddress, first, "one scratch per thread, kept")
    }

    func testHandlerFieldsDropManagedNamesAndNeutralizeLineBreaks() {
        let plain: HTTPHeaders = ["Content-Type": "text/plain", "Cache-Control": "no-store"]
        XCTAssertEqual(HTTPResponseWriter.handlerFields(plain), plain, "the common case is kept as it is")
        let mixed: HTTPHeaders = ["content-length": "9", "X-A": "a\r\nSet-Cookie: x=1", "Connection": "close",
                                  "Date": "yesterday", "X-B\n": "b", "Keep-Alive": "5", "TRANSFER-ENCODING": "gzip",
                                  "X-C": "c\u{0}"]
        XCTAssertEqual(HTTPResponseWriter.handlerFields(mixed).fields.map { "\($0.name)=\($0.value)" },
                       ["X-A=a  Set-Cookie: x=1", "X-B =b", "X-C=c "])
    }
}
