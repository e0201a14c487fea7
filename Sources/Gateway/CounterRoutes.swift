import Foundation
import HTTPServer
import HypertableClient

/// `POST /ns/{ns}/tables/{table}/counters/{row}`: adds to COUNTER cells of one row.
///
///     {"hits:home": 5, "hits:about": -1, "total": "9007199254740993"}
///
/// Keys are `family:qualifier` (or `family`); amounts are JSON integers, or decimal strings
/// for amounts beyond 2^53, within i64. The increments go in one `set_cells` (a counter
/// cell's value is the ASCII decimal it adds), then the row's counters are read back
/// (`get_cells`) and answered by the same keys: JSON integers, or decimal strings above 2^53
/// in magnitude, which JavaScript would round. The values read back include increments other
/// clients made meanwhile: Hypertable has no read-modify-write.
///
/// The family must exist (404, COLUMN_FAMILY_NOT_FOUND) and be a COUNTER family (400):
/// the schema is asked first, since the broker would store a plain cell silently.
///
/// Counters live under `counters/`, not `rows/{row}/counters`: a row key may itself end in
/// `/counters`, and `rows/{row}` must keep reading it.
struct CounterRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    /// Integers JavaScript reads exactly (2^53).
    static let exactInJSON: Int64 = 1 << 53

    func register(in router: inout HTTPRouter) {
        router.post("/ns/{ns...}/tables/{table}/counters/{row...}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let items = request.queryItems
                try RowRoutes.onlyParameters(items, ["encoding"])
                let encoding = try CellEncoding(queryItems: items)
                let row = try RowRoutes.row(parameters, encoding: encoding)
                let increments = try Self.increments(fromBody: Array(ByteOrderMark.stripped(request.body)))
                let values = try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { id in
                        let schema = try connection.service.getSchema(id, table)
                        for increment in increments {
                            try Self.checkCounterFamily(increment.family, in: schema)
                        }
                        try connection.service.setCells(id, table, cells: increments.map {
                            Cell(key: Key(row: row, columnFamily: $0.family, columnQualifier: Array($0.qualifier.utf8)),
                                 value: Array(String($0.amount).utf8))
                        })
                        var spec = ScanSpec()
                        spec.rowIntervals = [RowInterval(startRow: row, endRow: row)]
                        spec.columns = Array(Set(increments.map(\.family))).sorted()
                        return try connection.service.getCells(id, table, scanSpec: spec)
                    }
                }
                var json = JSONWriter()
                json.beginObject()
                for increment in increments {
                    let cell = values.first {
                        $0.key.columnFamily == increment.family && $0.key.columnQualifier == Array(increment.qualifier.utf8)
                    }
                    let text = cell.map { String(decoding: $0.value ?? [], as: UTF8.self) } ?? "0"
                    guard let value = Int64(text) else {
                        throw Problem(status: 502, title: "Bad Gateway",
                                      detail: "the broker answered a counter that is not a number: \(text.prefix(40))",
                                      type: "/problems/broker-protocol")
                    }
                    json.key(increment.column)
                    if value > -Self.exactInJSON && value < Self.exactInJSON { json.int(value) } else { json.string(text) }
                }
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    struct Increment {
        var column: String
        var family: String
        var qualifier: String
        var amount: Int64
    }

    static func increments(fromBody body: [UInt8]) throws -> [Increment] {
        guard let object = try CellInput.parse(Data(body), what: "the body") as? [String: Any], !object.isEmpty else {
            throw Problem.badRequest("expected a JSON object {\"family:qualifier\": amount, ...} with at least one counter")
        }
        return try object.keys.sorted().map { column in
            // Split on the scalar ':', not on Characters: a combining mark after the colon
            // would otherwise make one grapheme with it and hide the separator.
            let parts = column.unicodeScalars.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                .map { String(String.UnicodeScalarView($0)) }
            let family = parts[0]
            guard SchemaJSON.isValidName(family) else {
                throw Problem.badRequest("\"\(column)\": a key is family:qualifier, starting with a column family name")
            }
            let amount: Int64
            switch object[column] {
            case let text as String:
                guard let parsed = Int64(text) else {
                    throw Problem.badRequest("\"\(column)\": an amount is an integer (a decimal string within i64 when large)")
                }
                amount = parsed
            case let number as NSNumber where SchemaJSON.exactInteger(number) != nil:
                amount = SchemaJSON.exactInteger(number) ?? 0
            default:
                throw Problem.badRequest("\"\(column)\": an amount is an integer (a decimal string within i64 when large)")
            }
            return Increment(column: column, family: family, qualifier: parts.count == 2 ? String(parts[1]) : "",
                             amount: amount)
        }
    }

    static func checkCounterFamily(_ name: String, in schema: Schema) throws {
        guard let family = schema.columnFamilies[name], !family.deleted else {
            throw SchemaReferenceError.columnFamilyNotFound(name)
        }
        let group = schema.accessGroups[family.accessGroup]
        let counter = family.options?.counter ?? group?.defaults?.counter ?? schema.columnFamilyDefaults?.counter ?? false
        guard counter else { throw SchemaReferenceError.notACounterFamily(name) }
    }
}
