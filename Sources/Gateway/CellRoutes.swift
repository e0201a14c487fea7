import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/cells`: writes cells (a JSON array or NDJSON, see `CellInput`)
/// through one mutator (`mutator_open`, `mutator_set_cells` per batch, `mutator_flush`,
/// `mutator_close`) while the body streams in (`CellUpload`: bounded memory, any size up to
/// the server's `maxStreamedBodySize`); answers `{"written": N}`. The mutator is closed on
/// every path.
///
/// `GET /ns/{ns}/tables/{table}/cells`: a scan from query parameters (`ScanParameters`) through
/// `scanner_open` / `next_cells`, streamed chunk by chunk (`CellStreaming`); with `?limit=N`
/// one page of it, continued by `?cursor=` (`PagedScan`).
struct CellRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling
    let paging: PagedScan

    func register(in router: inout HTTPRouter) {
        let streaming = CellStreaming(handling: handling)
        router.get("/ns/{ns...}/tables/{table}/cells") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                if let response = try page(request, namespace: namespace, table: table) { return response }
                let scan = try ScanParameters(query: request.queryItems)
                let format = CellOutputFormat.negotiate(request)
                let lease = try ScannerLease.open(pool: pool, namespace: namespace) { connection, id in
                    try connection.service.scannerOpen(id, table, scanSpec: scan.spec)
                }
                return try streaming.response(lease, format: format, encoding: scan.encoding, request: request)
            }
        }
        router.post("/ns/{ns...}/tables/{table}/cells", streamingBody: true) { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try RowRoutes.onlyParameters(items, ["encoding"])
                let encoding = try CellEncoding(queryItems: items)
                // Checked before the first read, so a refused upload is never invited (100-continue):
                // the media type, then the namespace and table with the broker.
                let format = try CellInput.format(of: request)
                let upload = CellUpload(pool: pool, namespace: namespace, table: table, encoding: encoding,
                                        logger: handling.logger)
                let families = try upload.families()
                var reader = CellRecordReader(format: format, maxRecordBytes: CellUpload.maxRecordBytes,
                                              readMore: Self.bodyReader(request))
                let written = try upload.run(&reader, families: families)
                var json = JSONWriter()
                json.beginObject()
                json.field("written", written)
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    /// The body's bytes as they arrive, or (a request built without a stream) the whole body once.
    static func bodyReader(_ request: HTTPRequest) -> () throws -> [UInt8]? {
        if let stream = request.bodyStream {
            return { try stream.read(max: 64 * 1024) }
        }
        var pending: [UInt8]? = request.body
        return {
            defer { pending = nil }
            return pending
        }
    }

    /// A page of the scan (`?limit=N`, or `?cursor=` alone), or nil for a whole scan.
    ///
    /// `limit` is the page size; `row_limit` and `cell_limit` bound the whole paged scan
    /// (counted across pages in the cursor), `row_offset` and `cell_offset` apply once, before
    /// the first page. `return_deletes` cannot be paged: a row's delete is returned once per
    /// access group under one key, which a cursor cannot tell apart.
    func page(_ request: HTTPRequest, namespace: String, table: String) throws -> HTTPResponse? {
        let items = request.queryItems
        let cursor: PageCursor
        let resumed: Bool
        if let given = try paging.cursor(in: items) {
            guard case .cells = given.kind, given.namespace == namespace, given.table == table else {
                throw CursorError.foreign(expected: "table \"\(table)\" of namespace \"\(namespace)\"",
                                          found: Self.owner(of: given))
            }
            cursor = given
            resumed = true
        } else if let limit = items.first(where: { $0.name == "limit" }) {
            guard items.filter({ $0.name == "limit" }).count == 1 else {
                throw Problem.badRequest("parameter \"limit\" given more than once")
            }
            let size = try PagedScan.pageSize(limit)
            cursor = PageCursor(issuedAt: 0, namespace: namespace, table: table,
                                kind: .cells(parameters: items.filter { $0.name != "limit" }), pageSize: size,
                                cellsReturned: 0, rowsReturned: 0, lastKey: Key(row: []))
            resumed = false
        } else {
            return nil
        }
        guard case .cells(let scanItems) = cursor.kind else { return nil }
        let scan = try ScanParameters(query: scanItems)
        if scan.spec.returnDeletes {
            throw Problem.badRequest("return_deletes cannot be paged (limit): a row delete comes once per access group "
                                     + "under one key; read it without limit")
        }
        var spec = scan.spec
        if resumed {
            spec.rowIntervals = PagedScan.resumed(spec.rowIntervals, at: cursor.lastKey.row)
            // Counted by the gateway across pages; applied by the first page.
            (spec.rowLimit, spec.cellLimit, spec.rowOffset, spec.cellOffset) = (0, 0, 0, 0)
        }
        var order: ScanKeyOrder?
        let lease = try ScannerLease.open(pool: pool, namespace: namespace) { connection, id in
            if resumed { order = ScanKeyOrder(schema: try connection.service.getSchema(id, table)) }
            return try connection.service.scannerOpen(id, table, scanSpec: spec)
        }
        let page = try PagedScan.readPage(from: lease, pageSize: cursor.pageSize, after: resumed ? cursor.lastKey : nil,
                                          order: order, rowLimit: Int64(scan.spec.rowLimit),
                                          cellLimit: Int64(scan.spec.cellLimit),
                                          cellsReturned: cursor.cellsReturned, rowsReturned: cursor.rowsReturned)
        return try paging.response(page, cursor: cursor, format: CellOutputFormat.negotiate(request),
                                   encoding: scan.encoding, withResults: false, request: request)
    }

    /// What a cursor continues, in words (for a foreign cursor's problem).
    static func owner(of cursor: PageCursor) -> String {
        switch cursor.kind {
        case .cells: return "table \"\(cursor.table)\" of namespace \"\(cursor.namespace)\""
        case .select: return "a SELECT on namespace \"\(cursor.namespace)\" (the query route)"
        }
    }
}
