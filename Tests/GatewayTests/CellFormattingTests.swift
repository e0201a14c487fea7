@testable import Gateway
import HTTPServer
import HypertableClient
import GatewayTestKit
import XCTest

/// Pure pieces of the REST layer: format negotiation, TSV timestamps, prefix intervals.
final class CellFormattingTests: XCTestCase {
    func negotiate(_ accept: String?) -> CellOutputFormat {
        var headers = HTTPHeaders()
        if let accept { headers.set("Accept", accept) }
        return CellOutputFormat.negotiate(HTTPRequest(method: .get, target: "/", headers: headers))
    }

    func testAcceptNegotiation() {
        XCTAssertEqual(negotiate(nil), .json)
        XCTAssertEqual(negotiate("*/*"), .json)
        XCTAssertEqual(negotiate("application/x-ndjson"), .ndjson)
        XCTAssertEqual(negotiate("text/tab-separated-values"), .tsv)
        XCTAssertEqual(negotiate("text/html"), .json)
        XCTAssertEqual(negotiate("application/json;q=0.9, text/tab-separated-values"), .tsv)
        XCTAssertEqual(negotiate("*/*, application/x-ndjson"), .ndjson)
        XCTAssertEqual(negotiate("application/x-ndjson;q=0, application/json"), .json)
    }

    func testHypertableTimestamps() {
        let zone = TimeZonePin("UTC")
        defer { zone.restore() }
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(0), "1970-01-01 00:00:00.000000000")
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(1_196_582_405_000_000_000), "2007-12-02 08:00:05.000000000")
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(951_782_400_000_000_001), "2000-02-29 00:00:00.000000001")
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(-1), "1969-12-31 23:59:59.999999999")
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(Int64.max), "2262-04-11 23:47:16.854775807")
        XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(Int64.min), "1677-09-21 00:12:43.145224192")
        // TSV prints in the process's zone, as Hypertable's shell does.
        TimeZonePin.with("Asia/Tokyo") {
            XCTAssertEqual(CellBodyEncoder.hypertableTimestamp(1_196_582_405_000_000_000), "2007-12-02 17:00:05.000000000")
        }
    }

    func testPrefixSuccessor() {
        XCTAssertEqual(ScanParameters.successor(of: Array("abc".utf8)), Array("abd".utf8))
        XCTAssertEqual(ScanParameters.successor(of: [0x61, 0xFF]), [0x62])
        XCTAssertNil(ScanParameters.successor(of: [0xFF, 0xFF]))
    }

    func testScanParametersBuildTheScanSpec() throws {
        let query = "start_row=a&end_row=m&end_inclusive=false&columns=cf,cf2:q&revisions=2&row_limit=10"
            + "&cell_limit=100&start_time=5&end_time=9&keys_only=true&value_regexp=x"
        let parameters = try ScanParameters(query: PercentDecoding.queryItems(query))
        let spec = parameters.spec
        XCTAssertEqual(spec.rowIntervals, [RowInterval(startRow: Array("a".utf8), startInclusive: true,
                                                       endRow: Array("m".utf8), endInclusive: false)])
        XCTAssertEqual(spec.columns, ["cf", "cf2:q"])
        XCTAssertEqual(spec.versions, 2)
        XCTAssertEqual(spec.rowLimit, 10)
        XCTAssertEqual(spec.cellLimit, 100)
        XCTAssertEqual(spec.startTime, 5)
        XCTAssertEqual(spec.endTime, 9)
        XCTAssertTrue(spec.keysOnly)
        XCTAssertEqual(spec.valueRegexp, "x")
        XCTAssertThrowsError(try ScanParameters(query: PercentDecoding.queryItems("row_limit=99999999999")))
        XCTAssertThrowsError(try ScanParameters(query: PercentDecoding.queryItems("row_limit=1&row_limit=2")))
        let base64 = try ScanParameters(query: PercentDecoding.queryItems("encoding=base64&row_prefix=/w=="))
        XCTAssertEqual(base64.spec.rowIntervals.first?.startRow, [0xFF])
        XCTAssertNil(base64.spec.rowIntervals.first?.endRow)
    }
}
