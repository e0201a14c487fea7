import HTTPServer
import HypertableClient

/// `GET /ns` (the root's listing), `GET /ns/{ns}` (sub-namespaces and tables, from
/// `namespace_get_listing`), `PUT /ns/{ns}` (`namespace_create`), `DELETE /ns/{ns}`
/// (`namespace_drop`, which refuses a namespace that is not empty: 409).
///
/// Nested namespaces: `/ns/app/prod` and `/ns/app%2Fprod` both name `app/prod`. A component
/// literally named `tables` or `query` must be written with `%2F` (`/ns/app%2Ftables`),
/// because `/ns/app/tables` is the table listing of `app`.
struct NamespaceRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.get("/ns") { request, _ in
            handling.respond(request) { try listing(of: "/", shownAs: "") }
        }
        router.get("/ns/{ns...}") { request, parameters in
            handling.respond(request) { try listing(of: try namespaceName(parameters), shownAs: nil) }
        }
        router.put("/ns/{ns...}") { request, parameters in
            handling.respond(request) {
                let name = try namespaceName(parameters)
                try pool.withConnection { try $0.service.namespaceCreate(name) }
                var json = JSONWriter()
                json.beginObject()
                json.field("namespace", canonical(name))
                json.endObject()
                var response = jsonResponse(json, status: 201)
                response.headers.set("Location", request.path)
                return response
            }
        }
        router.delete("/ns/{ns...}") { request, parameters in
            handling.respond(request) {
                let name = try namespaceName(parameters)
                try pool.withConnection { connection in
                    // This connection's cached id would outlive the namespace: close it first.
                    try connection.closeNamespace(name)
                    try connection.service.namespaceDrop(name, ifExists: false)
                }
                return HTTPResponse(status: HTTPStatus(code: 204))
            }
        }
        router.get("/ns/{ns...}/tables") { request, parameters in
            handling.respond(request) {
                let name = try namespaceName(parameters)
                let tables = try pool.withConnection(retryingRead: true) { connection in
                    try connection.withNamespace(name) { try connection.service.getTables($0) }
                }
                var json = JSONWriter()
                json.beginObject()
                json.field("namespace", canonical(name))
                json.key("tables")
                json.beginArray()
                for table in tables.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { json.string(table) }
                json.endArray()
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    /// `{"namespace": "app", "namespaces": ["prod"], "tables": ["t"]}`.
    func listing(of name: String, shownAs shown: String?) throws -> HTTPResponse {
        let entries = try pool.withConnection(retryingRead: true) { connection in
            try connection.withNamespace(name) { try connection.service.namespaceGetListing($0) }
        }
        var json = JSONWriter()
        json.beginObject()
        json.field("namespace", shown ?? canonical(name))
        json.key("namespaces")
        json.beginArray()
        for entry in entries where entry.isNamespace { json.string(entry.name) }
        json.endArray()
        json.key("tables")
        json.beginArray()
        for entry in entries where !entry.isNamespace { json.string(entry.name) }
        json.endArray()
        json.endObject()
        return jsonResponse(json)
    }
}

/// A namespace name without empty components (`/app//prod/` is `app/prod`), as Hypertable's
/// `Namespace::canonicalize` reads it.
func canonical(_ name: String) -> String {
    name.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
}
