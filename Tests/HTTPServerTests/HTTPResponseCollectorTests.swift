import XCTest
import HTTPTestKit
import HTTPServer

final class HTTPResponseCollectorTests: XCTestCase {
    func testCollectsStreamedBodyAndSimulatesDisconnect() throws {
        let response = HTTPResponse { writer in
            try writer.write("a")
            try writer.write("b")
        }
        XCTAssertEqual(try response.collectBodyText(), "ab")
        guard case .stream(let streamer) = response.body else { return XCTFail("expected a stream") }
        let failing = HTTPCollectingBodyWriter(failAfter: 1)
        XCTAssertThrowsError(try streamer(failing))
        XCTAssertEqual(failing.bodyText, "a")
    }
}
