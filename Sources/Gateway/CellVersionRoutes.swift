import HTTPServer
import HypertableClient

/// One version of one cell, addressed as `/ns/{ns}/tables/{table}/cells/{row}?column=cf:q&timestamp=N`:
///
/// - `GET` answers the version as a cell object (the shape of the scan output), or 404 when
///   the row has no such version. Read with `get_cells`: a one-row `ScanSpec` over the family
///   and the timestamp's nanosecond, the exact qualifier picked here (a `ScanSpec` column is
///   text, a qualifier is bytes).
/// - `DELETE` writes a DELETE_CELL_VERSION key (`set_cells`) for exactly that timestamp; 204,
///   whether or not the version was there (deleting is idempotent).
///
/// The row is the rest of the path, as for `rows/{row}`; `column` is `family:qualifier` (the
/// qualifier may be empty, `cf:` or `cf`); the qualifier is the bytes after the first `:`,
/// percent-decoded. With `?encoding=base64` the row and the qualifier are base64.
struct CellVersionRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.get("/ns/{ns...}/tables/{table}/cells/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let address = try CellAddress(request, parameters, needsTimestamp: true)
                let timestamp = address.timestamp ?? 0
                var spec = ScanSpec()
                spec.rowIntervals = [RowInterval(startRow: address.row, endRow: address.row)]
                spec.columns = [address.family]
                spec.startTime = timestamp
                spec.endTime = timestamp == Int64.max ? timestamp : timestamp + 1
                let cells = try pool.withConnection(retryingRead: true) { connection in
                    try connection.withNamespace(namespace) { try connection.service.getCells($0, table, scanSpec: spec) }
                }
                guard let cell = cells.first(where: {
                    $0.key.columnQualifier == address.qualifier && $0.key.timestamp == timestamp
                }) else {
                    throw Problem.notFound("no version of that cell has timestamp \(timestamp)")
                }
                var json = JSONWriter(capacity: 256)
                address.encoding.write(cell, into: &json)
                return jsonResponse(json)
            }
        }
        router.delete("/ns/{ns...}/tables/{table}/cells/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let address = try CellAddress(request, parameters, needsTimestamp: true)
                let key = Key(row: address.row, columnFamily: address.family, columnQualifier: address.qualifier,
                              timestamp: address.timestamp, flag: .deleteCellVersion)
                try pool.withConnection { connection in
                    try connection.withNamespace(namespace) {
                        try connection.service.setCells($0, table, cells: [Cell(key: key)])
                    }
                }
                return HTTPResponse(status: HTTPStatus(code: 204))
            }
        }
    }
}

/// A cell named by a `cells/{row...}` path and `?column=family:qualifier` (and `timestamp`).
struct CellAddress {
    var row: Bytes
    var family: String
    var qualifier: Bytes
    var timestamp: Int64?
    var encoding: CellEncoding

    init(_ request: HTTPRequest, _ parameters: RouteParameters, needsTimestamp: Bool) throws {
        let items = request.queryItems
        try RowRoutes.onlyParameters(items, needsTimestamp ? ["column", "timestamp", "encoding"] : ["column", "encoding"])
        encoding = try CellEncoding(queryItems: items)
        row = try RowRoutes.row(parameters, encoding: encoding)
        guard let column = items.first(where: { $0.name == "column" })?.valueBytes else {
            throw Problem.badRequest("give the cell's column as ?column=family:qualifier")
        }
        let colon = column.firstIndex(of: UInt8(ascii: ":")) ?? column.endIndex
        guard let family = String(validating: column[..<colon], as: UTF8.self), SchemaJSON.isValidName(family) else {
            throw Problem.badRequest("column: \"family:qualifier\" must start with a column family name")
        }
        self.family = family
        let rawQualifier = colon < column.endIndex ? Array(column[(colon + 1)...]) : []
        qualifier = try encoding.decodeBytes(rawQualifier, field: "the column's qualifier")
        if needsTimestamp {
            guard let item = items.first(where: { $0.name == "timestamp" }) else {
                throw Problem.badRequest("give the version as ?timestamp=<nanoseconds since the epoch>")
            }
            timestamp = try ScanParameters.timestamp(item)
        }
    }
}
