import Foundation
import Gateway
import GatewayTestKit
import HypertableClient
import XCTest

/// `POST /ns/{ns}/tables/{table}/rows:get` against the embedded broker, and the broker calls
/// it makes counted on a fake.
final class RowBatchRouteTests: RESTTestCase {
    private func seed() throws {
        try createTable()
        let written = try send("POST", "/ns/test/tables/t/cells", json: """
            [{"row": "r1", "column_family": "a", "value": "1a", "timestamp": "1000"},
             {"row": "r1", "column_family": "b", "value": "1b", "timestamp": "1000"},
             {"row": "r2", "column_family": "a", "value": "2a-old", "timestamp": "1000"},
             {"row": "r2", "column_family": "a", "value": "2a", "timestamp": "2000"},
             {"row": "r3", "column_family": "a", "value": "3a", "timestamp": "1000"},
             {"row": "/w==", "row_encoding": "base64", "column_family": "a", "value": "bin", "timestamp": "1000"}]
            """)
        XCTAssertEqual(written.status, 200, written.bodyText)
    }

    func testManyRowsInRowOrderWithAbsentRowsAbsent() throws {
        try seed()
        let response = try send("POST", "/ns/test/tables/t/rows:get",
                                json: #"{"rows": ["r3", "missing", "r1", {"base64": "/w=="}, "r1"]}"#)
        XCTAssertEqual(response.status, 200, response.bodyText)
        let got = try cells(response)
        XCTAssertEqual(got.map { $0["value"] as? String }, ["1a", "1b", "3a", "bin"], "row order, each row once")
        guard got.count == 4 else { return }
        XCTAssertEqual(got[3]["row"] as? String, "/w==")
        XCTAssertEqual(got[3]["row_encoding"] as? String, "base64")
        XCTAssertTrue(eventually { self.harness.broker.openScannerCount == 0 }, "the scanner is closed")
    }

    func testColumnsRevisionsAndTimeRange() throws {
        try seed()
        let narrowed = try cells(try send("POST", "/ns/test/tables/t/rows:get",
                                          json: #"{"rows": ["r1", "r2"], "columns": ["a"], "revisions": 1}"#))
        XCTAssertEqual(narrowed.map { $0["value"] as? String }, ["1a", "2a"])
        let timed = try cells(try send("POST", "/ns/test/tables/t/rows:get",
                                       json: #"{"rows": ["r1", "r2"], "start_time": "1000", "end_time": 2000}"#))
        XCTAssertEqual(timed.map { $0["value"] as? String }, ["1a", "1b", "2a-old"])
    }

    func testNDJSONAndTSVByAccept() throws {
        try seed()
        let ndjson = try send("POST", "/ns/test/tables/t/rows:get", json: #"{"rows": ["r1"]}"#,
                              headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(ndjson.status, 200)
        XCTAssertEqual(try ndjsonLines(ndjson).map { $0["value"] as? String }, ["1a", "1b"])
        let tsv = try send("POST", "/ns/test/tables/t/rows:get", json: #"{"rows": ["r3"]}"#,
                           headers: [("Accept", "text/tab-separated-values")])
        XCTAssertEqual(tsv.status, 200)
        XCTAssertTrue(tsv.bodyText.contains("r3\ta\t"), tsv.bodyText)
    }

    func testRefusedBodies() throws {
        try seed()
        for body in [#"{"rows": []}"#, #"{"rows": "r1"}"#, #"{"rows": [""]}"#, #"{"rows": [1]}"#,
                     #"{"rows": ["r1"], "colums": ["a"]}"#, #"{"rows": ["r1"], "revisions": 0}"#,
                     #"{"rows": [{"base64": "%%"}]}"#, #"{"rows": ["r1"], "start_time": "2", "end_time": "1"}"#, "[]"] {
            let response = try send("POST", "/ns/test/tables/t/rows:get", json: body)
            XCTAssertEqual(response.status, 400, "\(body): \(response.bodyText)")
        }
        XCTAssertEqual(try send("POST", "/ns/test/tables/nope/rows:get", json: #"{"rows": ["r1"]}"#).status, 404)
        XCTAssertEqual(try send("POST", "/ns/test/tables/t/rows:get", json: #"{"rows": ["r1"], "columns": ["zz"]}"#).status,
                       404, "unknown family")
    }

    func testRowsNamedLikeTheRouteStillReadAsRows() throws {
        try createTable()
        try send("POST", "/ns/test/tables/t/cells", json: #"[{"row": "rows:get", "column_family": "a", "value": "v"}]"#)
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/rows:get")).map { $0["value"] as? String }, ["v"])
    }

    /// ONE scanner whose ScanSpec holds one single-row interval per distinct key, sorted;
    /// never a call per row.
    func testOneScannerWithOneIntervalPerKey() throws {
        let fake = FakeHypertableService(namespaces: ["/", "test"])
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration,
                                  connector: BrokerConnector(brokers: [.init(host: "fake", port: 1)], logger: .discarding) { _ in fake },
                                  logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port)
        let keys = (0..<50).map { "k\(49 - $0)" }
        let body = "{\"rows\": [" + keys.map { "\"\($0)\"" }.joined(separator: ",") + ", \"k7\"], \"columns\": [\"a\"]}"
        _ = try client.request("POST", "/ns/test/tables/t/rows:get", headers: [("Content-Type", "application/json")],
                               body: Array(body.utf8))
        XCTAssertEqual(fake.callCount("scannerOpen"), 1)
        XCTAssertEqual(fake.callCount("getRow") + fake.callCount("getCells") + fake.callCount("getCell"), 0)
        let spec = try XCTUnwrap(fake.scanSpecs.first)
        XCTAssertEqual(spec.rowIntervals, keys.sorted().map {
            RowInterval(startRow: Array($0.utf8), startInclusive: true, endRow: Array($0.utf8), endInclusive: true)
        })
        XCTAssertEqual(spec.columns, ["a"])
    }

    /// A read: a connection that breaks before the scanner opens gets one fresh try.
    func testABrokenConnectionBeforeTheScannerOpensIsTriedOnceMore() throws {
        let factory = FakeHypertableFactory(namespaces: ["/", "test"])
        factory.configureNewConnection { service in
            if service.connectionNumber == 1 { service.failNextCallWithTransportError() }
        }
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration,
                                  connector: BrokerConnector(brokers: [.init(host: "fake", port: 1)], logger: .discarding) { _ in
                                      try factory.connect()
                                  },
                                  logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let response = try HTTPTestClient(port: gateway.port)
            .request("POST", "/ns/test/tables/t/rows:get", headers: [("Content-Type", "application/json")],
                     body: Array(#"{"rows": ["r"]}"#.utf8))
        XCTAssertEqual(response.status, 501, "the second connection reached the fake's scanner_open: \(response.bodyText)")
        XCTAssertEqual(factory.services.map { $0.callCount("scannerOpen") }, [0, 1])
    }
}
