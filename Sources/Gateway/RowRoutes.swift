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
/// A row whose cells would not fit one Thrift reply (the frame limit) is read through a
/// scanner and streamed instead.
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
                let columns = try items.filter { $0.name == "columns" }.flatMap { try ScanParameters.columnList($0.text()) }
                let revisions = try items.first { $0.name == "revisions" }.map { try ScanParameters.count($0, minimum: 1) }
                let format = CellOutputFormat.negotiate(request)
                var spec = ScanSpec()
                spec.rowIntervals = [RowInterval(startRow: row, endRow: row)]
                spec.columns = columns
                spec.versions = revisions ?? 0
                let cells: [Cell]
                do {
                    cells = try pool.withConnection(retryingRead: true) { connection in
                        try connection.withNamespace(namespace) { id in
                            // ThriftBroker's get_row reads the newest version of each cell
                            // (max_versions = 1): it answers exactly `revisions=1`.
                            if columns.isEmpty && revisions == 1 {
                                return try connection.service.getRow(id, table, row: row)
                            }
                            return try connection.service.getCells(id, table, scanSpec: spec)
                        }
                    }
                } catch BrokerCallError.replyTooLarge {
                    // One reply cannot hold this row (the pool has discarded the connection that
                    // read its header); a scanner returns it in batches that each fit a frame,
                    // as the HQL point lookup does.
                    let lease = try ScannerLease.open(pool: pool, namespace: namespace) { connection, id in
                        try connection.service.scannerOpen(id, table, scanSpec: spec)
                    }
                    return try CellStreaming(handling: handling).response(lease, format: format, encoding: encoding,
                                                                          request: request)
                }
                return CellStreaming.body(cells, format: format, encoding: encoding)
            }
        }
        router.delete("/ns/{ns...}/tables/{table}/rows/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try Self.onlyParameters(items, ["columns", "encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let row = try Self.row(parameters, encoding: encoding)
                let columns = try items.filter { $0.name == "columns" }.flatMap { try Self.deletedColumns($0) }
                var cells: [Cell] = []
                if columns.isEmpty {
                    cells = [Cell(key: Key(row: row, flag: .deleteRow))]
                }
                for (family, qualifier) in columns {
                    if let qualifier {
                        cells.append(Cell(key: Key(row: row, columnFamily: family, columnQualifier: qualifier,
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

    /// `?columns=cf,cf:q` of a DELETE, split at the byte level: a family is text (IDL
    /// `column_family`, a 400 naming `columns` when not UTF-8), a qualifier is bytes
    /// (`Key.column_qualifier`) and goes to the broker exactly as percent-decoded.
    static func deletedColumns(_ item: QueryItem) throws -> [(family: String, qualifier: Bytes?)] {
        var columns: [(family: String, qualifier: Bytes?)] = []
        for part in item.valueBytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let colon = part.firstIndex(of: UInt8(ascii: ":"))
            let familyBytes = Array(part[..<(colon ?? part.endIndex)])
            let family = try QueryItem(nameBytes: item.nameBytes, valueBytes: familyBytes).text()
            guard !family.isEmpty else {
                throw Problem.badRequest("columns: \"\(String(decoding: part, as: UTF8.self))\" does not name a column family (cf or cf:qualifier)")
            }
            columns.append((family, colon.map { Array(part[part.index(after: $0)...]) }))
        }
        return columns
    }

    static func onlyParameters(_ items: [QueryItem], _ allowed: Set<String>) throws {
        for item in items where !allowed.contains(item.name) {
            throw Problem.badRequest("unknown parameter \"\(item.name)\"; known: " + allowed.sorted().joined(separator: ", "))
        }
    }
}
