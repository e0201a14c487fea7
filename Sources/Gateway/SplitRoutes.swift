import HTTPServer
import HypertableClient

/// `GET /ns/{ns}/tables/{table}/splits`: the table's ranges (`table_get_splits`), in row order:
///
///     {"splits": [{"start_row": "", "end_row": "m", "location": "rs1",
///                  "ip_address": "10.0.0.1", "hostname": "node1"}, ...]}
///
/// A range holds the rows after `start_row` up to and including `end_row` (Hypertable's
/// ranges are start-exclusive). `end_row` is null for the last range (the broker leaves it
/// unset: its end is the end of the table); rows are bytes, written as cells' are
/// (`?encoding=base64` forces base64).
struct SplitRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.get("/ns/{ns...}/tables/{table}/splits") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try RowRoutes.onlyParameters(items, ["encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let splits = try pool.withConnection(retryingRead: true) { connection in
                    try connection.withNamespace(namespace) { try connection.service.tableGetSplits($0, table) }
                }
                var json = JSONWriter(capacity: 64 + splits.count * 128)
                json.beginObject()
                json.key("splits")
                json.beginArray()
                for split in splits {
                    json.beginObject()
                    Self.writeRow("start_row", split.startRow, encoding: encoding, into: &json)
                    Self.writeRow("end_row", split.endRow, encoding: encoding, into: &json)
                    Self.writeText("location", split.location, into: &json)
                    Self.writeText("ip_address", split.ipAddress, into: &json)
                    Self.writeText("hostname", split.hostname, into: &json)
                    json.endObject()
                }
                json.endArray()
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    private static func writeRow(_ name: String, _ row: Bytes?, encoding: CellEncoding, into json: inout JSONWriter) {
        guard let row else {
            json.key(name)
            json.null()
            return
        }
        encoding.writeBytes(name, row, into: &json)
    }

    private static func writeText(_ name: String, _ text: String?, into json: inout JSONWriter) {
        json.key(name)
        if let text { json.string(text) } else { json.null() }
    }
}
