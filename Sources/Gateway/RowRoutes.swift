import HTTPServer
import HypertableClient

/// `GET /ns/{ns}/tables/{table}/rows/{row}`: the row's cells (`get_row`, or `get_cells` with a
/// one-row `ScanSpec` when `?columns=cf,cf:q` or `?revisions=N` narrow it); an absent row is an
/// empty list, not a 404 (Hypertable cannot tell "never written" from "deleted").
/// `DELETE` the same path: the whole row, or with `?columns=` those families (`cf`) and cells
/// (`cf:q`), through `set_cells` with delete flags (KeyFlag DELETE_ROW / DELETE_COLUMN_FAMILY /
/// DELETE_CELL).
///
/// The row key is the rest of the path after `rows/`, percent-decoded to bytes (so `%00`-free
/// binary keys and keys with `/` both work), or base64 with `?encoding=base64`.
struct RowRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.get("/ns/{ns...}/tables/{table}/rows/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try Self.onlyParameters(items, ["columns", "revisions", "encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let row = try Self.row(parameters, encoding: encoding)
                let columns = try items.filter { $0.name == "columns" }.flatMap { try ScanParameters.columnList($0.value) }
                let revisions = try items.first { $0.name == "revisions" }.map { try ScanParameters.count($0, minimum: 1) }
                let cells = try pool.withConnection(retryingRead: true) { connection in
                    try connection.withNamespace(namespace) { id in
                        if columns.isEmpty && revisions == nil {
                            return try connection.service.getRow(id, table, row: row)
                        }
                        var spec = ScanSpec()
                        spec.rowIntervals = [RowInterval(startRow: row, endRow: row)]
                        spec.columns = columns
                        spec.versions = revisions ?? 0
                        return try connection.service.getCells(id, table, scanSpec: spec)
                    }
                }
                return CellStreaming.body(cells, format: CellOutputFormat.negotiate(request), encoding: encoding)
            }
        }
        router.delete("/ns/{ns...}/tables/{table}/rows/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try Self.onlyParameters(items, ["columns", "encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let row = try Self.row(parameters, encoding: encoding)
                let columns = try items.filter { $0.name == "columns" }.flatMap { try ScanParameters.columnList($0.value) }
                var cells: [Cell] = []
                if columns.isEmpty {
                    cells = [Cell(key: Key(row: row, flag: .deleteRow))]
                }
                for column in columns {
                    let parts = column.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    let family = String(parts[0])
                    if parts.count == 2 {
                        cells.append(Cell(key: Key(row: row, columnFamily: family, columnQualifier: Array(parts[1].utf8),
                                                   flag: .deleteCell)))
                    } else {
                        cells.append(Cell(key: Key(row: row, columnFamily: family, flag: .deleteColumnFamily)))
                    }
                }
                try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { try connection.service.setCells($0, table, cells: cells) }
                }
                return HTTPResponse(status: HTTPStatus(code: 204))
            }
        }
    }

    static func row(_ parameters: RouteParameters, encoding: CellEncoding) throws -> Bytes {
        guard let raw = parameters.bytes("row") else { throw Problem.badRequest("no row key in the path") }
        let row = try encoding.decodeBytes(raw, field: "row")
        guard !row.isEmpty else { throw Problem.badRequest("the row key must not be empty") }
        return row
    }

    static func onlyParameters(_ items: [QueryItem], _ allowed: Set<String>) throws {
        for item in items where !allowed.contains(item.name) {
            throw Problem.badRequest("unknown parameter \"\(item.name)\"; known: " + allowed.sorted().joined(separator: ", "))
        }
    }
}
