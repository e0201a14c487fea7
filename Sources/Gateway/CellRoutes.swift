import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/cells`: writes cells (a JSON array or NDJSON, see `CellInput`)
/// through one mutator (`mutator_open`, `mutator_set_cells` per batch, `mutator_flush`,
/// `mutator_close`) while the body streams in (`CellUpload`: bounded memory, any size up to
/// the server's `maxStreamedBodySize`); answers `{"written": N}`. The mutator is closed on
/// every path.
///
/// `GET /ns/{ns}/tables/{table}/cells`: a scan from query parameters (`ScanParameters`) through
/// `scanner_open` / `next_cells`, streamed chunk by chunk (`CellStreaming`).
struct CellRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

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
                let upload = CellUpload(pool: pool, namespace: namespace, table: table, encoding: encoding)
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
}
