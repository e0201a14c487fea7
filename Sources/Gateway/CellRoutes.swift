import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/cells`: writes cells (a JSON array or NDJSON, see `CellInput`)
/// through one mutator (`mutator_open`, `mutator_set_cells` in batches, `mutator_flush`,
/// `mutator_close`); answers `{"written": N}`. The body is validated whole before the mutator
/// opens, and the mutator is closed on every path.
///
/// `GET /ns/{ns}/tables/{table}/cells`: a scan from query parameters (`ScanParameters`) through
/// `scanner_open` / `next_cells`, streamed chunk by chunk (`CellStreaming`).
struct CellRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    /// Cells per `mutator_set_cells` call: bounded frames, few round trips.
    static let writeBatchSize = 4096

    func register(in router: inout HTTPRouter) {
        let streaming = CellStreaming(handling: handling)
        router.get("/ns/{ns...}/tables/{table}/cells") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let scan = try ScanParameters(query: request.queryItems)
                let format = CellOutputFormat.negotiate(request)
                let lease = try ScannerLease.open(pool: pool, namespace: namespace) { connection, id in
                    try connection.service.scannerOpen(id, table, scanSpec: scan.spec)
                }
                return streaming.response(lease, format: format, encoding: scan.encoding, request: request)
            }
        }
        router.post("/ns/{ns...}/tables/{table}/cells") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try RowRoutes.onlyParameters(items, ["encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let cells = try CellInput.cells(from: request, encoding: encoding)
                if !cells.isEmpty {
                    try pool.withConnection { connection in
                        try write(cells, namespace: namespace, table: table, on: connection)
                    }
                }
                var json = JSONWriter()
                json.beginObject()
                json.field("written", cells.count)
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    func write(_ cells: [Cell], namespace: String, table: String, on connection: PooledConnection) throws {
        let service = connection.service
        // Only the open may be retried on a stale namespace id: it has done nothing yet.
        let mutator = try connection.withNamespace(namespace) { id in
            try service.mutatorOpen(id, table, flags: 0, flushInterval: 0)
        }
        do {
            var start = 0
            while start < cells.count {
                let end = min(start + Self.writeBatchSize, cells.count)
                try service.mutatorSetCells(mutator, cells: Array(cells[start..<end]))
                start = end
            }
            try service.mutatorFlush(mutator)
        } catch {
            // The write failed: still close the mutator, unless the transport is gone (the
            // pool then discards the connection, and the broker frees its ids with it).
            if ConnectionPool.leavesConnectionHealthy(error) { try? service.mutatorClose(mutator) }
            throw error
        }
        try service.mutatorClose(mutator)
    }
}
