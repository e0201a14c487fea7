import XCTest
@testable import HTTPServer

final class PercentDecodingTests: XCTestCase {
    func testPathSegmentsKeepEncodedSlashesAndRawBytes() throws {
        let segments = try XCTUnwrap(PercentDecoding.pathSegments("/ns/app%2Fprod/rows/%FF%00x+y"))
        XCTAssertEqual(segments.count, 4)
        XCTAssertEqual(segments[1].string, "app/prod")
        XCTAssertEqual(segments[3].bytes, [0xFF, 0x00, UInt8(ascii: "x"), UInt8(ascii: "+"), UInt8(ascii: "y")])
        XCTAssertNil(segments[3].string, "0xFF is not UTF-8")
        XCTAssertEqual(PercentDecoding.pathSegments("/")?.count, 0)
        XCTAssertEqual(PercentDecoding.pathSegments("/a/")?.map(\.description), ["a", ""])
    }

    func testMalformedEscapesAreRejected() {
        XCTAssertNil(PercentDecoding.pathSegments("/a%2"))
        XCTAssertNil(PercentDecoding.pathSegments("/a%zz"))
        XCTAssertNil(PercentDecoding.decodeToString("%C3%28"), "invalid UTF-8 gives nil as a String")
        XCTAssertEqual(PercentDecoding.decodeToString("caf%C3%A9"), "café")
    }

    func testQueryItems() {
        let items = PercentDecoding.queryItems("hql=SELECT+*+FROM+t&empty=&flag&x=%41%2B&bad=%zz")
        XCTAssertEqual(items.map(\.name), ["hql", "empty", "flag", "x", "bad"])
        XCTAssertEqual(items.map(\.value), ["SELECT * FROM t", "", "", "A+", "%zz"])
        let raw = PercentDecoding.queryItems("row=%FE%FF")
        XCTAssertEqual(raw.first?.valueBytes, [0xFE, 0xFF])
    }

    func testAcceptEncoding() {
        func accepts(_ value: String) -> Bool {
            HTTPRequest(method: .get, target: "/", headers: ["Accept-Encoding": value]).acceptsGzip
        }
        XCTAssertTrue(accepts("gzip"))
        XCTAssertTrue(accepts("deflate, gzip;q=0.5"))
        XCTAssertFalse(accepts("gzip;q=0"))
        XCTAssertFalse(accepts("br, deflate"))
        XCTAssertTrue(accepts("*"))
        XCTAssertFalse(accepts("*, gzip;q=0"))
    }
}
