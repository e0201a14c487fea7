import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// Query parameters that name bytes, with every byte 0x80-0xFF (none of which is UTF-8 on its
/// own): where the broker field holds bytes (rows, row prefixes, qualifiers) they arrive at a
/// recording fake broker unchanged; where it is text (column specs, regular expressions, HQL)
/// the request is a 400 naming the parameter and nothing reaches the broker, never a U+FFFD.
final class ParameterBytesTests: XCTestCase {
    var stack: FakeBrokerGateway!
    var client: HTTPTestClient!

    override func setUpWithError() throws {
        stack = try FakeBrokerGateway()
        client = try stack.client()
    }

    override func tearDown() {
        client?.close()
        stack = nil
    }

    private func hex(_ byte: UInt8) -> String { String(format: "%%%02X", byte) }

    private func get(_ path: String, method: String = "GET", line: UInt = #line) throws -> HTTPTestResponse {
        stack.fake.clearRecorded()
        return try client.request(method, path)
    }

    func testByteParametersReachTheBrokerUnchanged() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let x = hex(byte)
            var response = try get("/ns/test/tables/t/cells?start_row=a\(x)z&end_row=\(x)\(x)&end_inclusive=false")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertEqual(stack.fake.recorded, [.scannerOpen(table: "t", spec: spec(
                [RowInterval(startRow: [0x61, byte, 0x7A], endRow: [byte, byte], endInclusive: false)]))], x)

            response = try get("/ns/test/tables/t/cells?row_prefix=\(x)q")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertEqual(stack.fake.recorded, [.scannerOpen(table: "t", spec: spec(
                [RowInterval(startRow: [byte, 0x71], endRow: [byte, 0x72], endInclusive: false)]))], x)

            response = try get("/ns/test/tables/t/rows/r\(x)?revisions=1")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertEqual(stack.fake.recorded, [.getRow(table: "t", row: [0x72, byte])], x)

            response = try get("/ns/test/tables/t/rows/r\(x)")
            XCTAssertEqual(response.status, 200, response.bodyText)
            XCTAssertEqual(stack.fake.recorded, [.getCells(table: "t", spec: spec([RowInterval(startRow: [0x72, byte], endRow: [0x72, byte])]))], x)

            response = try get("/ns/test/tables/t/rows/r\(x)?revisions=2")
            XCTAssertEqual(response.status, 200, response.bodyText)
            var rowSpec = spec([RowInterval(startRow: [0x72, byte], endRow: [0x72, byte])])
            rowSpec.versions = 2
            XCTAssertEqual(stack.fake.recorded, [.getCells(table: "t", spec: rowSpec)], x)

            response = try get("/ns/test/tables/t/rows/r?columns=a:\(x)q,b", method: "DELETE")
            XCTAssertEqual(response.status, 204, response.bodyText)
            XCTAssertEqual(stack.fake.recorded, [.setCells(table: "t", cells: [
                Cell(key: Key(row: [0x72], columnFamily: "a", columnQualifier: [byte, 0x71], flag: .deleteCell)),
                Cell(key: Key(row: [0x72], columnFamily: "b", flag: .deleteColumnFamily)),
            ])], x)
        }
    }

    func testTextParametersThatAreNotUTF8AreRefusedByName() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let x = hex(byte)
            let refused: [(method: String, path: String, parameter: String)] = [
                ("GET", "/ns/test/tables/t/cells?columns=cf:\(x)%FEA", "columns"),
                ("GET", "/ns/test/tables/t/cells?columns=a,\(x)", "columns"),
                ("GET", "/ns/test/tables/t/cells?row_regexp=%5Ea\(x)", "row_regexp"),
                ("GET", "/ns/test/tables/t/cells?value_regexp=\(x)", "value_regexp"),
                ("GET", "/ns/test/tables/t/rows/r?columns=a:\(x)", "columns"),
                ("DELETE", "/ns/test/tables/t/rows/r?columns=a\(x):q", "columns"),
                ("GET", "/ns/test/query?hql=SELECT+*+FROM+t+WHERE+ROW+%3D+%27\(x)%27", "hql"),
            ]
            for (method, path, parameter) in refused {
                let response = try get(path, method: method)
                XCTAssertEqual(response.status, 400, "\(method) \(path): \(response.bodyText)")
                let detail = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["detail"]
                    as? String ?? ""
                XCTAssertTrue(detail.hasPrefix("\(parameter) is not valid UTF-8"), "\(path): \(detail)")
                XCTAssertFalse(response.bodyText.contains("\u{FFFD}"), path)
                XCTAssertEqual(stack.fake.recorded, [], "nothing reaches the broker: \(path)")
            }
            stack.fake.clearRecorded()
            let form = try client.request("POST", "/ns/test/query",
                                          headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                          body: "hql=SELECT+*+FROM+t+WHERE+ROW+%3D+%27\(x)%27")
            XCTAssertEqual(form.status, 400, form.bodyText)
            XCTAssertTrue(form.bodyText.contains("hql is not valid UTF-8"), form.bodyText)
            XCTAssertEqual(stack.fake.recorded, [])
        }
    }

    func testUTF8TextParametersPassAsText() throws {
        var response = try get("/ns/test/tables/t/cells?columns=a:%C3%A9,b&row_regexp=%5E%E2%82%AC")
        XCTAssertEqual(response.status, 200, response.bodyText)
        var expected = ScanSpec()
        expected.columns = ["a:é", "b"]
        expected.rowRegexp = "^€"
        XCTAssertEqual(stack.fake.recorded, [.scannerOpen(table: "t", spec: expected)])

        // A combining mark right after ',' makes one Character with it; the list still
        // splits at the scalar.
        response = try get("/ns/test/tables/t/cells?columns=a,%CC%81b")
        XCTAssertEqual(response.status, 200, response.bodyText)
        expected = ScanSpec()
        expected.columns = ["a", "\u{0301}b"]
        XCTAssertEqual(stack.fake.recorded, [.scannerOpen(table: "t", spec: expected)])

        response = try get("/ns/test/query?hql=SELECT+*+FROM+t+WHERE+ROW+%3D+%27%C3%A9%27")
        XCTAssertEqual(response.status, 200, response.bodyText)
        XCTAssertEqual(stack.fake.recorded, [.hqlQuery("SELECT * FROM t WHERE ROW = 'é'")])
    }

    private func spec(_ intervals: [RowInterval]) -> ScanSpec {
        var spec = ScanSpec()
        spec.rowIntervals = intervals
        return spec
    }
}
