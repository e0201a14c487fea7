import Foundation
@testable import Gateway
import GatewayTestKit
import HypertableClient
import XCTest

/// What the paging tests read back: each page's cell lines and its cursor.
struct FetchedPage {
    var lines: [[UInt8]]
    var next: String?
    var link: String?
}

extension RESTTestCase {
    /// One NDJSON page: the cell lines, and the cursor from the last record, checked against
    /// the `Link` header.
    func ndjsonPage(_ path: String, client: HTTPTestClient? = nil, file: StaticString = #filePath,
                    line: UInt = #line) throws -> FetchedPage {
        let response = try (client ?? self.client).request("GET", path, headers: [("Accept", "application/x-ndjson")])
        XCTAssertEqual(response.status, 200, "\(path): \(response.bodyText)", file: file, line: line)
        var lines = response.body.split(separator: 0x0A).map(Array.init)
        var next: String?
        if let last = lines.last, last.starts(with: Array("{\"next\":".utf8)) {
            let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last)) as? [String: Any])
            next = record["next"] as? String
            lines.removeLast()
        }
        let link = response.header("Link")
        if let next {
            let target = try XCTUnwrap(link, "a page with a next record has a Link header", file: file, line: line)
            XCTAssertTrue(target.hasSuffix("?cursor=\(next)>; rel=\"next\""), target, file: file, line: line)
        } else {
            XCTAssertNil(link, file: file, line: line)
        }
        return FetchedPage(lines: lines, next: next, link: link)
    }

    /// The URL a `Link: <url>; rel="next"` header points at.
    func linkTarget(_ link: String?) throws -> String {
        let value = try XCTUnwrap(link)
        let start = try XCTUnwrap(value.firstIndex(of: "<"))
        let end = try XCTUnwrap(value.firstIndex(of: ">"))
        return String(value[value.index(after: start)..<end])
    }

    /// Follows the cursors of a paged read from `first` to the end; every page holds at most
    /// `pageSize` cells and every page but the last exactly that many.
    func followPages(_ first: String, pageSize: Int, clients: [HTTPTestClient]? = nil, context: String,
                     file: StaticString = #filePath, line: UInt = #line) throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        var path = first
        var pages = 0
        while true {
            let page = try ndjsonPage(path, client: clients.map { $0[pages % $0.count] }, file: file, line: line)
            pages += 1
            XCTAssertLessThanOrEqual(page.lines.count, pageSize, context, file: file, line: line)
            all += page.lines
            guard page.next != nil else { break }
            XCTAssertEqual(page.lines.count, pageSize, "a page followed by a cursor is full: \(context)", file: file, line: line)
            path = try linkTarget(page.link)
            if pages > 10_000 { XCTFail("no end: \(context)", file: file, line: line); break }
        }
        return all
    }
}

/// Paged scans (`?limit=N`, `?page_size=N`, `?cursor=`) against the embedded broker.
final class PagedScanTests: RESTTestCase {
    /// Small batches: a page spans several `next_cells` calls and batch ends fall anywhere.
    override var nextCellsThreshold: Int { 300 }

    /// Random tables (families created out of name order, TIME_ORDER DESC among them,
    /// several versions per cell, equal timestamps across cells, rows with 0x01 and 0xFF
    /// bytes), random scan parameters and random page sizes: the concatenated pages are the
    /// unpaged scan, cell for cell. `PAGING_SEED=n` replays a run.
    func testConcatenatedPagesAreTheUnpagedScanForRandomTablesAndPageSizes() throws {
        let seed = ProcessInfo.processInfo.environment["PAGING_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        XCTAssertEqual(try send("PUT", "/ns/p").status, 201)
        let rows: [[UInt8]] = ["a", "ab", "b", "ba", "c", "row"].map { Array($0.utf8) } + [[0x62, 0x01], [0xFF], [0xFF, 0x01]]
        let qualifiers: [[UInt8]] = [[], Array("q".utf8), Array("q2".utf8), [0xFE]]
        for round in 0..<24 {
            let table = "t\(round)"
            var names = ["z", "a", "m", "b"].shuffled(using: &random)
            names.removeLast(Int.random(in: 0...2, using: &random))
            let definitions = names.map { name -> String in
                var definition = name
                if Bool.random(using: &random) { definition += " MAX_VERSIONS \(Int.random(in: 1...3, using: &random))" }
                if Int.random(in: 0..<4, using: &random) == 0 { definition += " TIME_ORDER DESC" }
                return definition
            }
            let created = try send("POST", "/ns/p/query", body: Array("CREATE TABLE \(table) (\(definitions.joined(separator: ", ")))".utf8))
            XCTAssertEqual(created.status, 200, created.bodyText)
            var cells: [Cell] = []
            for index in 0..<Int.random(in: 5...70, using: &random) {
                let key = Key(row: rows.randomElement(using: &random)!, columnFamily: names.randomElement(using: &random)!,
                              columnQualifier: qualifiers.randomElement(using: &random)!,
                              timestamp: Int64(Int.random(in: 1...6, using: &random)) * 1000)
                cells.append(Cell(key: key, value: Array("v\(index)".utf8)))
            }
            try load("p", table, cells)
            // Versions rewritten under the same keys: later revisions of one timestamp.
            try load("p", table, cells.filter { _ in Int.random(in: 0..<5, using: &random) == 0 }.map {
                var cell = $0
                cell.value = Array("rewritten".utf8)
                return cell
            })

            var parameters: [String] = []
            if Bool.random(using: &random) { parameters.append("revisions=\(Int.random(in: 1...3, using: &random))") }
            if Int.random(in: 0..<5, using: &random) == 0 { parameters.append("columns=\(names[0]),\(names.last!)") }
            switch Int.random(in: 0..<6, using: &random) {
            case 0: parameters.append("row_prefix=b")
            case 1: parameters.append("start_row=b&end_row=c&end_inclusive=false")
            default: break
            }
            if Int.random(in: 0..<5, using: &random) == 0 { parameters.append("cell_limit=\(Int.random(in: 1...40, using: &random))") }
            if Int.random(in: 0..<5, using: &random) == 0 { parameters.append("row_limit=\(Int.random(in: 1...6, using: &random))") }
            if Int.random(in: 0..<6, using: &random) == 0 { parameters.append("cell_limit_per_family=\(Int.random(in: 1...2, using: &random))") }
            switch Int.random(in: 0..<8, using: &random) {
            case 0: parameters.append("row_offset=\(Int.random(in: 1...3, using: &random))")
            case 1: parameters.append("cell_offset=\(Int.random(in: 1...5, using: &random))")
            default: break
            }
            let query = parameters.joined(separator: "&")
            let unpaged = try ndjsonPage("/ns/p/tables/\(table)/cells?\(query)").lines
            let sizes = [1, Int.random(in: 2...7, using: &random), Int.random(in: 8...max(8, unpaged.count + 3), using: &random)]
            for size in sizes {
                let context = "seed \(seed) (PAGING_SEED), table \(table) (\(definitions)), ?\(query), limit \(size)"
                let paged = try followPages("/ns/p/tables/\(table)/cells?\(query)\(query.isEmpty ? "" : "&")limit=\(size)",
                                            pageSize: size, context: context)
                XCTAssertEqual(paged.map { String(decoding: $0, as: UTF8.self) },
                               unpaged.map { String(decoding: $0, as: UTF8.self) }, context)
            }
        }
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
    }

    /// Cells written between pages: none returned before is returned again or skipped, a
    /// cell written after the cursor's key appears, one written before it does not.
    func testWritesBetweenPagesLeaveNoGapAndNoDuplicate() throws {
        // Created by HQL in this order, so ids are b 1, a 2: family order is not name order.
        XCTAssertEqual(try send("PUT", "/ns/test").status, 201)
        XCTAssertEqual(try send("POST", "/ns/test/query", body: Array("CREATE TABLE t (b, a)".utf8)).status, 200)
        var cells: [Cell] = []
        for row in 0..<10 {
            for (family, qualifier) in [("b", ""), ("a", "q1"), ("a", "q2")] {
                for timestamp: Int64 in [1000, 2000] {
                    cells.append(Cell(key: Key(row: Array(String(format: "r%02d", row).utf8), columnFamily: family,
                                               columnQualifier: Array(qualifier.utf8), timestamp: timestamp),
                                      value: Array("v".utf8)))
                }
            }
        }
        try load("test", "t", cells)
        let original = try ndjsonPage("/ns/test/tables/t/cells").lines.map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(original.count, 60)

        // Page 1 ends inside row r02, after b and a:q1's newer version.
        let first = try ndjsonPage("/ns/test/tables/t/cells?limit=15")
        XCTAssertEqual(first.lines.count, 15)
        func write(_ row: String, _ family: String, _ qualifier: String, _ timestamp: Int64, _ value: String) throws {
            try load("test", "t", [Cell(key: Key(row: Array(row.utf8), columnFamily: family,
                                                 columnQualifier: Array(qualifier.utf8), timestamp: timestamp),
                                        value: Array(value.utf8))])
        }
        try write("r00", "a", "new", 5000, "before-cursor")       // a row already read
        try write("r02", "a", "q1", 3000, "before-cursor")         // a newer version in the cursor's column
        try write("r02", "a", "q2", 3000, "after-cursor")          // the cursor's row, after its key
        try write("r07", "b", "", 3000, "after-cursor")            // a later row
        try write("r10", "a", "q1", 1000, "after-cursor")          // a new row at the end
        let rest = try followPages(try linkTarget(first.link), pageSize: 15, context: "writes between pages")
        let all = (first.lines + rest).map { String(decoding: $0, as: UTF8.self) }

        for line in original {
            XCTAssertEqual(all.filter { $0 == line }.count, 1, "every cell read once: \(line)")
        }
        XCTAssertEqual(all.filter { $0.contains("after-cursor") }.count, 3, all.joined(separator: "\n"))
        XCTAssertEqual(all.filter { $0.contains("before-cursor") }.count, 0)
        // Strictly in scan order: row, family id (b before a), qualifier, newest first.
        let ids = ["b": 1, "a": 2]
        let keys = try all.map { line -> (String, Int, String, Int64) in
            let cell = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return (cell["row"] as! String, ids[cell["column_family"] as! String]!, cell["column_qualifier"] as! String,
                    -Int64(cell["timestamp"] as! String)!)
        }
        for (a, b) in zip(keys, keys.dropFirst()) {
            XCTAssertTrue(a < b, "\(a) then \(b)")
        }
    }

    func testJSONAndTSVPagesCarryTheCursor() throws {
        try createTable()
        try load("test", "t", (0..<7).map { Cell(key: Key(row: Array("r\($0)".utf8), columnFamily: "a"), value: [0x76]) })
        let json = try send("GET", "/ns/test/tables/t/cells?limit=3")
        XCTAssertEqual(json.status, 200)
        let body = try object(json)
        XCTAssertEqual((body["cells"] as? [Any])?.count, 3)
        let next = try XCTUnwrap(body["next"] as? String)
        XCTAssertEqual(json.header("Link"), "</ns/test/tables/t/cells?cursor=\(next)>; rel=\"next\"")
        let tsv = try send("GET", "/ns/test/tables/t/cells?cursor=\(next)", headers: [("Accept", "text/tab-separated-values")])
        XCTAssertEqual(tsv.status, 200)
        XCTAssertEqual(tsv.bodyText.split(separator: "\n").map { $0.split(separator: "\t")[1] }, ["r3", "r4", "r5"])
        let last = try send("GET", try linkTarget(tsv.header("Link")))
        XCTAssertEqual(try cells(last).map { $0["row"] as? String }, ["r6"])
        XCTAssertNil(try object(last)["next"], "the last page has no cursor")
        XCTAssertNil(last.header("Link"))
        // A page that ends exactly at the end says so: no cursor.
        let exact = try send("GET", "/ns/test/tables/t/cells?limit=7")
        XCTAssertNil(try object(exact)["next"])
        XCTAssertNil(exact.header("Link"))
    }

    func testRefusals() throws {
        try createTable()
        try createTable("test2", "t")
        try load("test", "t", (0..<4).map { Cell(key: Key(row: Array("r\($0)".utf8), columnFamily: "a"), value: [0x76]) })
        for query in ["limit=0", "limit=10001", "limit=x", "limit=2&limit=3", "limit=2&return_deletes=true", "limit=2&bogus=1"] {
            let response = try send("GET", "/ns/test/tables/t/cells?\(query)")
            XCTAssertEqual(response.status, 400, "\(query): \(response.bodyText)")
        }
        let next = try XCTUnwrap(try object(try send("GET", "/ns/test/tables/t/cells?limit=1"))["next"] as? String)
        func problem(_ path: String) throws -> (Int, String?) {
            let response = try send("GET", path)
            return (response.status, try object(response)["type"] as? String)
        }
        XCTAssertEqual(try problem("/ns/test/tables/t/cells?cursor=\(next)&limit=2").0, 400, "a cursor comes alone")
        XCTAssertEqual(try problem("/ns/test/tables/t/cells?cursor=\(next)&revisions=2").0, 400)
        var tampered = Array(next.utf8)
        tampered[5] = tampered[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertEqual(try problem("/ns/test/tables/t/cells?cursor=\(String(decoding: tampered, as: UTF8.self))").1,
                       "/problems/invalid-cursor")
        XCTAssertEqual(try problem("/ns/test/tables/t/cells?cursor=not-a-cursor").1, "/problems/invalid-cursor")
        XCTAssertEqual(try problem("/ns/test2/tables/t/cells?cursor=\(next)").1, "/problems/foreign-cursor")
        XCTAssertEqual(try problem("/ns/test/query?cursor=\(next)").1, "/problems/foreign-cursor")
        XCTAssertEqual(try problem("/ns/test/tables/t/cells?cursor=\(next)").0, 200)
    }

    func testARowKeyTooLongForACursorIsRefusedClearly() throws {
        try createTable()
        let long = [UInt8](repeating: UInt8(ascii: "k"), count: 5000)
        try load("test", "t", [Cell(key: Key(row: long, columnFamily: "a"), value: [1]),
                               Cell(key: Key(row: long + [1], columnFamily: "a"), value: [1])])
        let response = try send("GET", "/ns/test/tables/t/cells?limit=1")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(try object(response)["type"] as? String, "/problems/cursor-too-large")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells?limit=2").status, 200, "no cursor needed")
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
    }

    // MARK: the query route

    func testSelectPagesAreTheUnpagedSelect() throws {
        try createTable(families: ["b", "a"])
        var stored: [Cell] = []
        for row in 0..<12 {
            for family in ["a", "b"] {
                for timestamp: Int64 in [1000, 2000, 3000] {
                    stored.append(Cell(key: Key(row: Array(String(format: "r%02d", row).utf8), columnFamily: family,
                                               columnQualifier: Array("q".utf8), timestamp: timestamp),
                                      value: Array("\(family)\(timestamp)".utf8)))
                }
            }
        }
        try load("test", "t", stored)
        for statement in ["SELECT * FROM t", "SELECT * FROM t WHERE ROW > 'r03' MAX_VERSIONS 2",
                          "SELECT a FROM t LIMIT 5", "SELECT * FROM t CELL_LIMIT 17", "SELECT * FROM t WHERE ROW = 'r05'"] {
            let hql = escaped(statement)
            let unpaged = try ndjsonPage("/ns/test/query?hql=\(hql)").lines
            XCTAssertFalse(unpaged.isEmpty, statement)
            for size in [1, 4, 7] {
                let paged = try followPages("/ns/test/query?hql=\(hql)&page_size=\(size)", pageSize: size,
                                            context: "\(statement), page_size \(size)")
                XCTAssertEqual(paged, unpaged, "\(statement), page_size \(size)")
            }
        }
        // POST with the statement in the body; the cursor is followed with GET.
        let posted = try send("POST", "/ns/test/query?page_size=5", headers: [("Content-Type", "text/plain")],
                              body: Array("SELECT * FROM t".utf8))
        XCTAssertEqual(posted.status, 200)
        let body = try object(posted)
        XCTAssertEqual((body["cells"] as? [Any])?.count, 5)
        XCTAssertEqual((body["results"] as? [Any])?.count, 0)
        let next = try XCTUnwrap(body["next"] as? String)
        XCTAssertEqual(posted.header("Link"), "</ns/test/query?cursor=\(next)>; rel=\"next\"")
        XCTAssertEqual(try cells(try send("GET", "/ns/test/query?cursor=\(next)")).count, 5)
        XCTAssertEqual(try send("GET", "/ns/test/query?cursor=\(next)&hql=\(escaped("SELECT * FROM t"))").status, 400,
                       "a cursor comes alone")
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/cells?cursor=\(next)").status, 400, "foreign")
        XCTAssertEqual(try send("GET", "/ns/test2/query?cursor=\(next)").status, 400, "foreign")

        XCTAssertEqual(try send("POST", "/ns/test/query?page_size=5", body: Array("SHOW TABLES".utf8)).status, 400)
        let unparsable = try send("POST", "/ns/test/query?page_size=5", body: Array("SELEKT * FROM t".utf8))
        XCTAssertEqual(try object(unparsable)["type"] as? String, "/problems/hypertable/hql_parse_error")
        XCTAssertEqual(try send("POST", "/ns/test/query?cursor=\(next)", body: Array("SELECT * FROM t".utf8)).status, 400,
                       "a cursor is followed with GET")
        XCTAssertEqual(try send("GET", "/ns/test/query?hql=\(escaped("SELECT * FROM t RETURN_DELETES"))&page_size=5").status, 400)
        XCTAssertEqual(try send("GET", "/ns/test/query?hql=\(escaped("SELECT * FROM t"))&page_size=0").status, 400)
        XCTAssertTrue(eventually { harness.broker.openScannerCount == 0 })
        XCTAssertEqual(harness.gateway.pool.statistics.inUse, 0)
    }
}

/// Cursors between gateway instances: any gateway with the same `GATEWAY_CURSOR_KEY` continues
/// another's cursor; one with another key (or its own random key) refuses it.
final class PagedScanInstanceTests: RESTTestCase {
    static let sharedKey = Array("a shared cursor key of 32+ bytes, for tests".utf8)
    var others: [Gateway] = []

    override func setUpWithError() throws {
        harness = try GatewayHarness(nextCellsThreshold: 300, configure: { $0.cursorKey = Self.sharedKey })
        client = try harness.client()
    }

    override func tearDown() {
        for gateway in others { gateway.shutdown() }
        others = []
        super.tearDown()
    }

    /// Another gateway on the same embedded broker.
    func secondGateway(cursorKey: [UInt8]?) throws -> HTTPTestClient {
        var configuration = GatewayConfiguration()
        configuration.accessLog = false
        configuration.poolSize = 2
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = 0
        configuration.brokers = [GatewayConfiguration.BrokerAddress(host: "127.0.0.1", port: harness.emulator.port)]
        configuration.cursorKey = cursorKey
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        others.append(gateway)
        return try HTTPTestClient(port: gateway.port)
    }

    func testPagesAlternateBetweenInstancesSharingTheKey() throws {
        try createTable()
        var cells: [Cell] = []
        for row in 0..<20 {
            for family in ["a", "b"] {
                cells.append(Cell(key: Key(row: Array(String(format: "r%02d", row).utf8), columnFamily: family,
                                           timestamp: 1000), value: Array("\(row)\(family)".utf8)))
            }
        }
        try load("test", "t", cells)
        let other = try secondGateway(cursorKey: Self.sharedKey)
        defer { other.close() }
        let unpaged = try ndjsonPage("/ns/test/tables/t/cells").lines
        XCTAssertEqual(unpaged.count, 40)
        let paged = try followPages("/ns/test/tables/t/cells?limit=3", pageSize: 3, clients: [client, other],
                                    context: "alternating instances")
        XCTAssertEqual(paged, unpaged)
        let hql = escaped("SELECT * FROM t")
        let selected = try followPages("/ns/test/query?hql=\(hql)&page_size=6", pageSize: 6, clients: [other, client],
                                       context: "alternating instances, SELECT")
        XCTAssertEqual(selected, unpaged)
    }

    func testAnotherKeyRefusesTheCursor() throws {
        try createTable()
        try load("test", "t", (0..<4).map { Cell(key: Key(row: Array("r\($0)".utf8), columnFamily: "a"), value: [0x76]) })
        let next = try XCTUnwrap(try object(try send("GET", "/ns/test/tables/t/cells?limit=1"))["next"] as? String)
        for key in [Array("another cursor key of 32+ bytes, for tests".utf8), nil] {
            let other = try secondGateway(cursorKey: key)
            defer { other.close() }
            let response = try other.request("GET", "/ns/test/tables/t/cells?cursor=\(next)")
            XCTAssertEqual(response.status, 400, response.bodyText)
            XCTAssertTrue(response.bodyText.contains("/problems/invalid-cursor"), response.bodyText)
        }
    }
}
