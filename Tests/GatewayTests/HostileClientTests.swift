import Foundation
import GatewayTestKit
import XCTest

/// Whatever a client sends, the gateway answers or closes, and keeps serving others.
final class HostileClientTests: XCTestCase {
    func testRandomBytesAndMangledRequestsNeverTakeTheGatewayDown() throws {
        let stack = try GatewayTestStack { $0.accessLog = false }
        var generator = SeededGenerator(seed: 20_261_126)
        let valid = Array("POST /ns/sys/query HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nSHOW TABLES".utf8)
        for round in 0..<90 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:  // noise
                bytes = (0..<Int.random(in: 1...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1:  // a valid request with bytes flipped
                bytes = valid
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            default:  // a valid request cut short, then closed
                bytes = Array(valid.prefix(Int.random(in: 0..<valid.count, using: &generator)))
            }
            let client = try stack.client()
            client.timeout = 0.2
            try? client.send(raw: bytes)
            if round % 3 == 2 {
                client.close()  // the server is left with half a request on a closed socket
                continue
            }
            // Either an answer with a status, or a closed/idle connection: never a crash.
            if let response = try? client.readResponse() {
                XCTAssertTrue((200..<600).contains(response.status), "round \(round)")
                XCTAssertNotEqual(response.status, 500, "round \(round): \(response.bodyText)")
            }
            client.close()
        }
        let health = try stack.client().request("GET", "/health/ready")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(stack.broker.openScannerCount, 0)
    }
}
