import Foundation
import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/cells/{row}?column=cf:q`: writes the cell only if it does not
/// exist yet (`create_cell_unique`). Body `{"value": "..."}` (UTF-8 text; the broker's
/// argument is a string), or no body / `{}` for a value the broker makes up (a GUID).
/// Answers 201 `{"value": "..."}`.
///
/// Hypertable's rule: the family must be TIME_ORDER DESC (else 400, BAD_SCAN_SPEC) and exist
/// (else FAILED_EXPECTATION); the value is written, then the row's oldest cell of that family
/// is read back, and another value there means someone came first: 409 ALREADY_EXISTS, with
/// that value as `existing_value` (base64 with `existing_value_encoding` when not UTF-8). As
/// in Hypertable, the losing write stays as a newer version.
struct UniqueCellRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.post("/ns/{ns...}/tables/{table}/cells/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let address = try CellAddress(request, parameters, needsTimestamp: false)
                let value = try Self.value(fromBody: Array(ByteOrderMark.stripped(request.body)))
                let key = Key(row: address.row, columnFamily: address.family, columnQualifier: address.qualifier)
                let written: String = try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { id in
                        do {
                            return try connection.service.createCellUnique(id, table, key: key, value: value)
                        } catch let exception as ClientException where exception.code == HypertableErrorCode.alreadyExists.rawValue {
                            var problem = ErrorMapping.problem(for: exception)
                            if let existing = try Self.oldestValue(connection.service, id, table, key) {
                                if isValidUTF8(existing) {
                                    problem.extra.append(("existing_value", String(decoding: existing, as: UTF8.self)))
                                } else {
                                    problem.extra.append(("existing_value", String(decoding: Base64Text.encode(existing), as: UTF8.self)))
                                    problem.extra.append(("existing_value_encoding", "base64"))
                                }
                            }
                            throw problem
                        }
                    }
                }
                var json = JSONWriter()
                json.beginObject()
                json.field("value", written)
                json.endObject()
                return jsonResponse(json, status: 201)
            }
        }
    }

    /// The value create_cell_unique compares with: the row's first cell of the family.
    static func oldestValue(_ service: any HypertableService, _ namespace: Int64, _ table: String,
                            _ key: Key) throws -> Bytes? {
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: key.row, endRow: key.row)]
        spec.columns = [key.columnFamily]
        spec.cellLimit = 1
        return try service.getCells(namespace, table, scanSpec: spec).first.map { $0.value ?? [] }
    }

    static func value(fromBody body: [UInt8]) throws -> String {
        guard body.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return "" }
        guard let object = try CellInput.parse(Data(body), what: "the body") as? [String: Any] else {
            throw Problem.badRequest("expected a JSON object {\"value\": \"...\"} (or no body for a GUID)")
        }
        try SchemaJSON.onlyKeys(object, ["value"], in: "the body")
        switch object["value"] {
        case nil, is NSNull: return ""
        case let text as String: return text
        default: throw Problem.badRequest("\"value\" must be a string")
        }
    }
}
