import Foundation
import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/rows:get`: the cells of many rows in one request.
///
///     {"rows": ["r1", {"base64": "/wA="}], "columns": ["cf", "cf:q"], "revisions": 1,
///      "start_time": "1700000000000000000", "end_time": "1800000000000000000"}
///
/// Rows are UTF-8 strings or `{"base64": "..."}` objects (every string is base64 with
/// `?encoding=base64`); `columns`, `revisions`, `start_time` and `end_time` are optional and
/// mean what they mean for a scan (`ScanParameters`). The broker gets ONE scanner whose
/// `ScanSpec.row_intervals` hold one single-row interval per distinct key, in byte order, so
/// the answer lists the rows in row order; a row with no cells is simply absent. Streamed
/// like a scan (`CellStreaming`): JSON, NDJSON or TSV by `Accept`.
///
/// A literal segment `rows:get` cannot meet a row key: keys live under `rows/`.
struct RowBatchRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    /// More keys than this are refused (400): the ScanSpec travels in one Thrift frame.
    static let maxRows = 10_000

    func register(in router: inout HTTPRouter) {
        let streaming = CellStreaming(handling: handling)
        router.post("/ns/{ns...}/tables/{table}/rows:get") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try RowRoutes.onlyParameters(items, ["encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let spec = try Self.scanSpec(fromBody: request.body, encoding: encoding)
                let format = CellOutputFormat.negotiate(request)
                // A read: a connection that breaks before the scanner opens gets one fresh try.
                let (connection, scanner) = try pool.checkout(retryingRead: true) { connection in
                    try connection.withNamespace(namespace) { try connection.service.scannerOpen($0, table, scanSpec: spec) }
                }
                let lease = ScannerLease.adopt(pool: pool, connection: connection, scanner: scanner)
                return try streaming.response(lease, format: format, encoding: encoding, request: request)
            }
        }
    }

    /// The one `ScanSpec` for the body: a single-row interval per distinct key, sorted.
    static func scanSpec(fromBody body: [UInt8], encoding: CellEncoding) throws -> ScanSpec {
        let object = try CellInput.parse(Data(body), what: "the body")
        guard let root = object as? [String: Any] else {
            throw Problem.badRequest("expected a JSON object {\"rows\": [...]}")
        }
        try SchemaJSON.onlyKeys(root, ["rows", "columns", "revisions", "start_time", "end_time"], in: "the body")
        guard let list = root["rows"] as? [Any], !list.isEmpty else {
            throw Problem.badRequest("\"rows\" must be a non-empty array of row keys")
        }
        guard list.count <= maxRows else {
            throw Problem.badRequest("at most \(maxRows) rows per request, not \(list.count)")
        }
        var keys: Set<Bytes> = []
        for (index, element) in list.enumerated() {
            let key = try JSONBytes.value(element, base64: encoding.forceBase64, position: "rows[\(index)]")
            guard !key.isEmpty else { throw Problem.badRequest("rows[\(index)]: a row key must not be empty") }
            keys.insert(key)
        }
        var spec = ScanSpec()
        spec.rowIntervals = keys.sorted { $0.lexicographicallyPrecedes($1) }
            .map { RowInterval(startRow: $0, endRow: $0) }
        switch root["columns"] {
        case nil, is NSNull:
            break
        case let columns as [Any]:
            for (index, column) in columns.enumerated() {
                guard let text = column as? String else {
                    throw Problem.badRequest("columns[\(index)] must be a string (cf or cf:qualifier)")
                }
                spec.columns += try ScanParameters.columnList(text)
            }
        default:
            throw Problem.badRequest("\"columns\" must be an array of strings (cf or cf:qualifier)")
        }
        if let revisions = root["revisions"] {
            spec.versions = try SchemaJSON.int32(revisions, "revisions", range: 1...Int32.max)
        }
        spec.startTime = try CellInput.timestamp(root["start_time"], position: "start_time")
        spec.endTime = try CellInput.timestamp(root["end_time"], position: "end_time")
        if let start = spec.startTime, let end = spec.endTime, start > end {
            throw Problem.badRequest("start_time is after end_time")
        }
        return spec
    }
}

/// Byte strings in JSON request bodies outside cell objects: a UTF-8 string, or
/// `{"base64": "..."}` for any bytes (a plain string is base64 too when the request says
/// `?encoding=base64`).
enum JSONBytes {
    static func value(_ element: Any, base64: Bool, position: String) throws -> Bytes {
        switch element {
        case let text as String:
            guard base64 else { return Array(text.utf8) }
            guard let decoded = Base64Text.decode(text) else {
                throw Problem.badRequest("\(position) is not valid base64 (encoding=base64)")
            }
            return decoded
        case let object as [String: Any]:
            guard object.count == 1, let text = object["base64"] as? String, let decoded = Base64Text.decode(text) else {
                throw Problem.badRequest("\(position): expected a string or {\"base64\": \"...\"}")
            }
            return decoded
        default:
            throw Problem.badRequest("\(position): expected a string or {\"base64\": \"...\"}")
        }
    }
}
