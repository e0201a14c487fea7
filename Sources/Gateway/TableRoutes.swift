import HTTPServer
import HypertableClient

/// `GET /ns/{ns}/tables/{table}` (the schema as JSON, `get_schema`),
/// `PUT /ns/{ns}/tables/{table}` (`table_create` from a JSON schema, see `SchemaJSON`),
/// `DELETE /ns/{ns}/tables/{table}` (`table_drop`).
struct TableRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.get("/ns/{ns...}/tables/{table}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let schema = try pool.withConnection(retryingRead: true) { connection in
                    try connection.withNamespace(namespace) { try connection.service.getSchema($0, table) }
                }
                var json = JSONWriter(capacity: 1024)
                SchemaJSON.write(schema, table: table, into: &json)
                return jsonResponse(json)
            }
        }
        router.put("/ns/{ns...}/tables/{table}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let schema = try SchemaJSON.schema(from: request.body)
                let created = try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { id in
                        try connection.service.tableCreate(id, table, schema: schema)
                        return try connection.service.getSchema(id, table)
                    }
                }
                var json = JSONWriter(capacity: 1024)
                SchemaJSON.write(created, table: table, into: &json)
                var response = jsonResponse(json, status: 201)
                response.headers.set("Location", request.path)
                return response
            }
        }
        router.delete("/ns/{ns...}/tables/{table}") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { try connection.service.tableDrop($0, table, ifExists: false) }
                }
                return HTTPResponse(status: HTTPStatus(code: 204))
            }
        }
    }
}

/// The namespace and table of a `/ns/{ns...}/tables/{table}...` route. A table name is one
/// path segment of UTF-8 text without `/` (the broker would read a slash as a namespace).
func names(_ parameters: RouteParameters) throws -> (namespace: String, table: String) {
    let namespace = try namespaceName(parameters)
    guard let table = parameters["table"], !table.isEmpty else {
        throw Problem.badRequest("the table name must be valid UTF-8 and not empty")
    }
    guard !table.contains("/"), !table.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
        throw Problem.badRequest("the table name must not contain '/' or control characters")
    }
    return (namespace, table)
}
