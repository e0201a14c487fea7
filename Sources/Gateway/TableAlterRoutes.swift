import HTTPServer
import HypertableClient

/// `PATCH /ns/{ns}/tables/{table}`: alters the table (`table_alter`) with the changes in the
/// body (`SchemaAlteration`) applied to its current schema (`get_schema`), and answers the
/// new schema as `GET` does. A concurrent alteration between the two calls is not detected
/// (the broker's `table_alter` takes a whole schema and has no precondition).
struct TableAlterRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.add(.patch, "/ns/{ns...}/tables/{table}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                try RowRoutes.onlyParameters(request.queryItems, [])
                let alteration = try SchemaAlteration(body: Array(ByteOrderMark.stripped(request.body)))
                let altered = try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { id in
                        let current = try connection.service.getSchema(id, table)
                        try connection.service.tableAlter(id, table, schema: try alteration.apply(to: current))
                        return try connection.service.getSchema(id, table)
                    }
                }
                var json = JSONWriter(capacity: 1024)
                SchemaJSON.write(altered, table: table, into: &json)
                return jsonResponse(json)
            }
        }
    }
}
