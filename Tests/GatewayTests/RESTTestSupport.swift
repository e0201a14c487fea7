import Foundation
import Gateway
import GatewayTestKit
import HypertableClient
import HypertableEmulator
import XCTest

/// Shared plumbing for the REST route tests: one harness per test, JSON helpers, and direct
/// access to the embedded broker for loading data quickly.
class RESTTestCase: XCTestCase {
    var harness: GatewayHarness!
    var client: HTTPTestClient!

    /// Cell bytes per `next_cells` batch for this test class's broker.
    var nextCellsThreshold: Int { 512 * 1024 }

    override func setUpWithError() throws {
        harness = try GatewayHarness(nextCellsThreshold: nextCellsThreshold)
        client = try harness.client()
    }

    override func tearDown() {
        client?.close()
        harness?.stop()
        harness = nil
        client = nil
    }

    @discardableResult
    func send(_ method: String, _ path: String, json: String? = nil, headers: [(String, String)] = [],
              body: [UInt8]? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> HTTPTestResponse {
        var headers = headers
        var bytes = body ?? []
        if let json {
            bytes = Array(json.utf8)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        return try client.request(method, path, headers: headers, body: bytes)
    }

    func object(_ response: HTTPTestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        return try XCTUnwrap(value as? [String: Any], "not a JSON object: \(response.bodyText)", file: file, line: line)
    }

    func cells(_ response: HTTPTestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try XCTUnwrap(try object(response, file: file, line: line)["cells"] as? [[String: Any]], file: file, line: line)
    }

    func ndjsonLines(_ response: HTTPTestResponse) throws -> [[String: Any]] {
        try response.body.split(separator: 0x0A).map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    /// Creates namespace `ns` (each component) and table `table` with `families` over HTTP.
    func createTable(_ ns: String = "test", _ table: String = "t", families: [String] = ["a", "b"],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        var prefix = ""
        for component in ns.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + component
            let created = try send("PUT", "/ns/\(prefix)")
            XCTAssertEqual(created.status, 201, created.bodyText, file: file, line: line)
        }
        let names = families.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try send("PUT", "/ns/\(ns)/tables/\(table)", json: "{\"column_families\": [\(names)]}")
        XCTAssertEqual(response.status, 201, response.bodyText, file: file, line: line)
    }

    /// Writes cells straight into the embedded broker (for volume; the HTTP write path has its own tests).
    func load(_ ns: String, _ table: String, _ cells: [Cell]) throws {
        let session = harness.broker.makeSession()
        defer { session.close() }
        let id = try session.namespaceOpen(ns)
        var start = 0
        while start < cells.count {
            let end = min(start + 10_000, cells.count)
            try session.setCells(id, table, cells: Array(cells[start..<end]))
            start = end
        }
    }

    /// Percent-encodes every byte that is not unreserved (RFC 3986 §2.3), for paths and queries.
    func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    func escaped(_ text: String) -> String { escaped(Array(text.utf8)) }
}
