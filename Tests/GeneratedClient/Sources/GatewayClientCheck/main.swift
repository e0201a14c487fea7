// Calls every operation of openapi.yaml through the client swift-openapi-generator made from
// it, against the gateway whose base URL is the first argument, and checks each answer
// parses into the declared type. Exits 1 on the first mismatch.
import Foundation
import OpenAPIRuntime
import OpenAPIURLSession

guard CommandLine.arguments.count == 2, let url = URL(string: CommandLine.arguments[1]) else {
    print("usage: GatewayClientCheck BASE_URL")
    exit(2)
}
let client = Client(serverURL: url, transport: URLSessionTransport())

func expect(_ condition: Bool, _ what: String) {
    guard condition else {
        print("FAILED: \(what)")
        exit(1)
    }
    print("ok: \(what)")
}

func text(_ body: HTTPBody) async throws -> String {
    String(decoding: try await Data(collecting: body, upTo: 4 * 1024 * 1024), as: UTF8.self)
}

let ns = "swiftclient"

// Health and documents.
expect(try await client.live().ok.body.json.status == OpenAPIValueContainer("ok"), "live")
expect(try await client.ready().ok.body.json.status == .ok, "ready")
expect(try await client.health().ok.body.json.status == .ok, "health")
expect(try await text(client.metrics().ok.body.plainText).contains("gateway_requests_total"), "metrics")
expect(try await text(client.openapi().ok.body.yaml).hasPrefix("openapi: 3.1"), "openapi")

// Namespaces and tables.
expect(try await client.createNamespace(path: .init(ns: ns)).created.body.json.namespace == ns, "createNamespace")
expect(try await client.listRoot().ok.body.json.namespaces.contains(ns), "listRoot")
let families = Components.Schemas.TableSchemaInput.column_familiesPayload.Case2Payload(additionalProperties: [
    "a": .init(max_versions: 2), "b": .init(access_group: "hot"), "id": .init(time_order_desc: true),
    "hits": .init(counter: true),
])
let created = try await client.createTable(path: .init(ns: ns, table: "t"),
                                           body: .json(.init(column_families: .case2(families)))).created.body.json
expect(created.column_families.additionalProperties["a"]?.max_versions == 2
       && created.access_groups.additionalProperties["hot"] != nil, "createTable")
expect(try await client.getSchema(path: .init(ns: ns, table: "t")).ok.body.json.table == "t", "getSchema")
expect(try await client.listTables(path: .init(ns: ns)).ok.body.json.tables == ["t"], "listTables")
expect(try await client.listNamespace(path: .init(ns: ns)).ok.body.json.tables == ["t"], "listNamespace")
let altered = try await client.alterTable(path: .init(ns: ns, table: "t"), body: .json(.init(
    add_column_families: .init(additionalProperties: ["c": .init(max_versions: 1)])))).ok.body.json
expect(altered.column_families.additionalProperties["c"]?.max_versions == 1, "alterTable")
expect(try await !client.getSplits(path: .init(ns: ns, table: "t")).ok.body.json.splits.isEmpty, "getSplits")

// Cells.
let cells: [Components.Schemas.CellInput] = [
    .init(row: "r1", column_family: "a", column_qualifier: "q", value: "v1"),
    .init(row: "gP8=", row_encoding: .base64, column_family: "b", value: "bytes", timestamp: .case1("5")),
]
expect(try await client.writeCells(path: .init(ns: ns, table: "t"), body: .json(cells)).ok.body.json.written == 2,
       "writeCells")
let refused = try await client.writeCells(path: .init(ns: ns, table: "t"),
                                          body: .json([.init(row: "r", column_family: "zz")]))
expect(try refused.notFound.body.application_problem_plus_json.written == 0, "writeCells: 404 with written")
let row = try await client.getRow(path: .init(ns: ns, table: "t", row: "r1")).ok.body.json.cells
expect(row.first?.value == "v1" && row.first?.column_qualifier == "q", "getRow")
let scan = try await client.scanCells(path: .init(ns: ns, table: "t"), query: .init(columns: "b")).ok.body.json.cells
expect(scan.first?.row == "gP8=" && scan.first?.timestamp == "5", "scanCells")

let rows = try await client.getRows(path: .init(ns: ns, table: "t"),
                                   body: .json(.init(rows: [.case1("r1"), .Base64Bytes(.init(base64: "gP8="))])))
expect(try rows.ok.body.json.cells.count == 2, "getRows")
let version = try await client.getCellVersion(path: .init(ns: ns, table: "t", row: "gP8="),
                                              query: .init(column: "b", encoding: .base64, timestamp: 5))
// With ?encoding=base64 every byte field is base64 both ways: "bytes" is "Ynl0ZXM=".
expect(try version.ok.body.json.value == "Ynl0ZXM=", "getCellVersion")
_ = try await client.deleteCellVersion(path: .init(ns: ns, table: "t", row: "gP8="),
                                       query: .init(column: "b", encoding: .base64, timestamp: 5)).noContent
expect(try await client.getCellVersion(path: .init(ns: ns, table: "t", row: "gP8="),
                                       query: .init(column: "b", encoding: .base64, timestamp: 5)).notFound
       .body.application_problem_plus_json.status == 404, "deleteCellVersion")
let unique = try await client.createCellIfAbsent(path: .init(ns: ns, table: "t", row: "u1"),
                                                 query: .init(column: "id:email"), body: .json(.init(value: "ada")))
expect(try unique.created.body.json.value == "ada", "createCellIfAbsent")
let again = try await client.createCellIfAbsent(path: .init(ns: ns, table: "t", row: "u1"),
                                                query: .init(column: "id:email"), body: .json(.init(value: "bob")))
expect(try again.conflict.body.application_problem_plus_json.existing_value == "ada",
       "createCellIfAbsent: 409 with the existing value")
let counted = try await client.incrementCounters(path: .init(ns: ns, table: "t", row: "page"),
                                                 body: .json(.init(additionalProperties: ["hits:home": .case1(5)])))
expect(try counted.ok.body.json.additionalProperties["hits:home"] == .case1(5), "incrementCounters")

// HQL.
let selected = try await client.queryRead(path: .init(ns: ns), query: .init(hql: "SELECT * FROM t WHERE ROW = 'r1'"))
expect(try selected.ok.body.json.cells.first?.value == "v1", "queryRead")
let shown = try await client.runQuery(path: .init(ns: ns), body: .json(.init(hql: "SHOW TABLES")))
expect(try shown.ok.body.json.results == ["t"], "runQuery (JSON body)")
let inserted = try await client.runQuery(path: .init(ns: ns), body: .plainText(HTTPBody("INSERT INTO t VALUES ('r3', 'a', 'x')")))
expect(try inserted.ok.body.json.cells.isEmpty, "runQuery (text body)")
let bound = try await client.runQuery(path: .init(ns: ns), body: .json(.init(
    hql: "SELECT * FROM t WHERE ROW = ?", params: [.case1("r3")])))
expect(try bound.ok.body.json.cells.first?.value == "x", "runQuery (bound parameters)")
let bad = try await client.runQuery(path: .init(ns: ns), body: .json(.init(hql: "SELEKT")))
expect(try bad.badRequest.body.application_problem_plus_json.status == 400, "runQuery: a parse error is a Problem")

// Deletes.
expect(try await client.deleteCellRange(path: .init(ns: ns, table: "t"), query: .init(row_prefix: "r3"))
       .ok.body.json.deleted == 1, "deleteCellRange")
_ = try await client.deleteRow(path: .init(ns: ns, table: "t", row: "r1")).noContent
expect(try await client.getRow(path: .init(ns: ns, table: "t", row: "r1")).ok.body.json.cells.isEmpty, "deleteRow")
_ = try await client.dropTable(path: .init(ns: ns, table: "t")).noContent
_ = try await client.dropNamespace(path: .init(ns: ns)).noContent
expect(try await client.listNamespace(path: .init(ns: ns)).notFound.body.application_problem_plus_json.status == 404,
       "dropTable, dropNamespace")
print("swift client generated by swift-openapi-generator: all 27 operations passed")
