import Foundation
import HQL
import HTTPServer
import HypertableClient
import Support

/// `POST /ns/{ns}/query` (any HQL statement) and `GET /ns/{ns}/query?hql=` (read statements
/// only): one statement, answered as `{"cells": [...], "results": [...]}`. Other statements go
/// through the broker's `hql_query`; a SELECT is streamed through a scanner (`select`), as
/// JSON, NDJSON or TSV by `Accept` (`CellOutputFormat`), `?encoding=base64` forcing base64.
/// With `?page_size=N` a SELECT answers one page and a cursor (`PagedScan`), continued by
/// `GET /ns/{ns}/query?cursor=...` (the `Link` header's target).
struct QueryRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling
    let paging: PagedScan

    func register(in router: inout HTTPRouter) {
        router.post("/ns/{ns...}/query") { request, parameters in
            handling.respond(request) {
                let namespace = try namespaceName(parameters)
                if request.queryItems.contains(where: { $0.name == "cursor" }) {
                    throw Problem.badRequest("a cursor is followed with GET (the Link header's target), alone")
                }
                let hql = try Self.statement(fromBody: request)
                // Parsed once: the grant's guard, the point-lookup shortcut and the broker call
                // all use this.
                let parsed: HQLStatement?
                if let grant = request.limitedGrant {
                    let statement = try Self.parseStatement(hql)
                    try Self.requireGrant(grant, allows: statement, in: namespace)
                    parsed = statement
                } else {
                    parsed = try? HQLParser.parse(hql)
                }
                return try run(hql, parsed: parsed, in: namespace, request: request)
            }
        }
        router.get("/ns/{ns...}/query") { request, parameters in
            handling.respond(request) {
                let namespace = try namespaceName(parameters)
                if let cursor = try paging.cursor(in: request.queryItems) {
                    // The cursor's statement was checked against the grant of whoever began the
                    // scan; whoever continues it may hold a narrower one.
                    if let grant = request.limitedGrant,
                       case .select(let hql, _) = cursor.kind {
                        try Self.requireGrant(grant, allows: try Self.parseStatement(hql), in: namespace)
                    }
                    return try pagedSelect(cursor, in: namespace, resumed: true, request: request)
                }
                // HQL is text (IDL `string`): a byte that is not UTF-8 is refused, never replaced.
                guard let hql = try request.queryItems.first(where: { $0.name == "hql" })?.text(), !hql.isEmpty else {
                    throw Problem.badRequest("give the statement as ?hql=...")
                }
                let statement = try Self.parseStatement(hql)
                try Self.requireRead(statement.kind)
                if let grant = request.limitedGrant {
                    try Self.requireGrant(grant, allows: statement, in: namespace)
                }
                return try run(hql, parsed: statement, in: namespace, request: request)
            }
        }
    }

    /// A limited grant runs only the statements its level allows (DDL needs admin, INSERT and
    /// DELETE write), and only on tables and namespaces inside its namespace limit, whether
    /// the statement names them relative to `{ns}` or by a full path.
    static func requireGrant(_ grant: AccessGrant, allows statement: HQLStatement, in namespace: String) throws {
        guard let refusal = grant.refusal(of: statement, in: namespace) else { return }
        if grant == .readOnly { throw RequestAuthorizer.readOnlyForbidden(refusal) }
        throw RequestAuthorizer.forbidden("the token may not run this statement: \(refusal)")
    }

    /// A GET must not change data (RFC 9110 §9.2.1, safe methods): only read statements pass.
    static func requireRead(_ kind: HQLStatementKind) throws {
        guard kind == .read else {
            // RFC 9110 §15.5.6: a 405 names the methods that would work.
            var problem = Problem(status: 405, title: "Method Not Allowed",
                                  detail: "GET runs read statements only; send \(kind) statements with POST",
                                  type: "/problems/read-only-route")
            problem.headers = [("Allow", "POST")]
            throw problem
        }
    }

    /// The statement, parsed; one that does not parse is a 400 with Hypertable's
    /// HQL_PARSE_ERROR (where the gateway must know the statement's kind before the broker runs it).
    static func parseStatement(_ hql: String) throws -> HQLStatement {
        do {
            return try HQLParser.parse(hql)
        } catch {
            throw Problem(status: 400, title: "Bad Request", detail: "cannot parse the statement: \(error)",
                          type: "/problems/hypertable/hql_parse_error",
                          hypertableCode: HypertableErrorCode.hqlParseError.rawValue,
                          hypertableName: HypertableErrorCode.hqlParseError.name)
        }
    }

    func run(_ hql: String, parsed: HQLStatement?, in namespace: String, request: HTTPRequest) throws -> HTTPResponse {
        let encoding = try CellEncoding(queryItems: request.queryItems)
        if let sizeItem = request.queryItems.first(where: { $0.name == "page_size" }) {
            let size = try PagedScan.pageSize(sizeItem)
            // A statement that does not parse gets its parse error, not "not a SELECT".
            guard case .select(let select) = try parsed ?? Self.parseStatement(hql) else {
                throw Problem.badRequest("page_size pages a SELECT; this statement is not one")
            }
            let cursor = PageCursor(issuedAt: 0, namespace: namespace, table: select.table,
                                    kind: .select(hql: hql, forceBase64: encoding.forceBase64), pageSize: size,
                                    cellsReturned: 0, rowsReturned: 0, lastKey: Key(row: []))
            return try pagedSelect(cursor, in: namespace, resumed: false, request: request)
        }
        switch Self.selectShape(parsed) {
        case .point:
            if let response = try pointSelect(hql, in: namespace, encoding: encoding, request: request) {
                return response
            }
            return try select(hql, in: namespace, encoding: encoding, request: request)
        case .scan:
            return try select(hql, in: namespace, encoding: encoding, request: request)
        case .notSelect:
            break
        }
        let result = try pool.withConnection(retryingRead: parsed?.kind == .read) { connection in
            try connection.withNamespace(namespace) { id in
                try connection.service.hqlQuery(id, hql)
            }
        }
        return Self.buffered(result, encoding: encoding)
    }

    /// A SELECT of named rows answers in one round trip (`hql_query`) instead of four
    /// (`hql_exec` unbuffered, `next_cells` twice, `scanner_close`). Its reply is bounded by the
    /// Thrift frame limit; a reply over it (a huge row) breaks that connection, which the pool
    /// discards, and the statement is streamed instead: nil asks the caller to do that.
    func pointSelect(_ hql: String, in namespace: String, encoding: CellEncoding,
                     request: HTTPRequest) throws -> HTTPResponse? {
        let result: HQLSpanResult
        do {
            // Cells in place: written from the reply frame, never materialized.
            result = try pool.withConnection(retryingRead: true) { connection in
                try connection.withNamespace(namespace) { id in
                    try connection.service.hqlQuerySpans(id, hql)
                }
            }
        } catch BrokerCallError.replyTooLarge {
            return nil
        }
        let format = CellOutputFormat.negotiate(request)
        let body = CellBodyEncoder.encodeWhole(format: format, encoding: encoding, withResults: true) { encoder in
            encoder.begin()
            if let cells = result.cells { encoder.append(cells) }
            encoder.end(results: result.results ?? [])
        }
        return HTTPResponse(headers: HTTPHeaders(contentType: format.contentType), body: body)
    }

    /// A SELECT goes through `hql_exec(unbuffered: true)`: the broker answers a scanner id and
    /// the cells are streamed batch by batch (`CellStreaming`), in the format `Accept` asks for.
    func select(_ hql: String, in namespace: String, encoding: CellEncoding,
                request: HTTPRequest) throws -> HTTPResponse {
        // A read: a connection that breaks before the scanner opens gets one fresh try.
        let (connection, result) = try pool.checkout(retryingRead: true) { connection in
            try connection.withNamespace(namespace) { id in
                try connection.service.hqlExec(id, hql, noFlush: false, unbuffered: true)
            }
        }
        if let scanner = result.scanner {
            let lease = ScannerLease.adopt(pool: pool, connection: connection, scanner: scanner)
            return try CellStreaming(handling: handling).response(lease, format: CellOutputFormat.negotiate(request),
                                                              encoding: encoding, withResults: true, request: request)
        }
        pool.checkin(connection, broken: false)
        return Self.buffered(result, encoding: encoding)
    }

    /// One page of a SELECT (`?page_size=N`, or a cursor). Every page runs the statement
    /// again, so its own `LIMIT`, `CELL_LIMIT`, `OFFSET` and predicates mean what they mean
    /// unpaged, and skips the cells up to the cursor's key (`PagedScan`): a page costs the
    /// scan up to its end, which makes the cells route (which resumes at the last row) the
    /// better way through a large table.
    func pagedSelect(_ cursor: PageCursor, in namespace: String, resumed: Bool,
                     request: HTTPRequest) throws -> HTTPResponse {
        guard case .select(let hql, let forceBase64) = cursor.kind, cursor.namespace == namespace else {
            throw CursorError.foreign(expected: "a SELECT on namespace \"\(namespace)\"", found: CellRoutes.owner(of: cursor))
        }
        guard case .select(let select) = try Self.parseStatement(hql) else {
            throw Problem.badRequest("page_size pages a SELECT; this statement is not one")
        }
        if select.returnDeletes {
            throw Problem.badRequest("RETURN_DELETES cannot be paged: a row delete comes once per access group "
                                     + "under one key; run it without page_size")
        }
        var order: ScanKeyOrder?
        let (connection, result) = try pool.checkout(retryingRead: true) { connection in
            try connection.withNamespace(namespace) { id in
                if resumed { order = ScanKeyOrder(schema: try connection.service.getSchema(id, select.table)) }
                return try connection.service.hqlExec(id, hql, noFlush: false, unbuffered: true)
            }
        }
        let after = resumed ? cursor.lastKey : nil
        let page: PagedScan.Page
        if let scanner = result.scanner {
            let lease = ScannerLease.adopt(pool: pool, connection: connection, scanner: scanner)
            page = try PagedScan.readPage(from: lease, pageSize: cursor.pageSize, after: after, order: order,
                                          rowLimit: 0, cellLimit: 0, cellsReturned: cursor.cellsReturned,
                                          rowsReturned: cursor.rowsReturned)
        } else {
            pool.checkin(connection, broken: false)
            var pending = result.cells
            page = try PagedScan.readPage(pageSize: cursor.pageSize, after: after, order: order, rowLimit: 0, cellLimit: 0,
                                          cellsReturned: cursor.cellsReturned, rowsReturned: cursor.rowsReturned) {
                defer { pending = nil }
                return pending ?? []
            }
        }
        return try paging.response(page, cursor: cursor, format: CellOutputFormat.negotiate(request),
                                   encoding: CellEncoding(forceBase64: forceBase64), withResults: true, request: request)
    }

    enum SelectShape { case notSelect, point, scan }

    /// How a statement is run: a SELECT of at most `maxPointRows` exact rows is a point
    /// lookup, any other SELECT a scan; a statement that does not parse goes to the broker,
    /// which reports the error with its own code.
    static func selectShape(_ statement: HQLStatement?) -> SelectShape {
        guard let statement, case .select(let select) = statement else {
            return .notSelect
        }
        let exactRows = !select.rowIntervals.isEmpty && select.rowIntervals.count <= maxPointRows
            && select.rowIntervals.allSatisfy { interval in
                guard let start = interval.start, let end = interval.end, interval.prefix == nil else { return false }
                return start.inclusive && end.inclusive && start.value == end.value
            }
        return exactRows && select.cellIntervals.isEmpty ? .point : .scan
    }

    static let maxPointRows = 16

    static func buffered(_ result: HQLResult, encoding: CellEncoding) -> HTTPResponse {
        var json = JSONWriter(capacity: 64 + (result.cells?.count ?? 0) * 96)
        json.beginObject()
        json.key("cells")
        json.beginArray()
        for cell in result.cells ?? [] { encoding.write(cell, into: &json) }
        json.endArray()
        json.key("results")
        json.beginArray()
        for line in result.results ?? [] { json.string(line) }
        json.endArray()
        json.endObject()
        return jsonResponse(json)
    }

    /// The statement from a request body: `text/plain` (or curl's default form type, taken
    /// as-is unless it is `hql=<url-encoded>`), or JSON `{"hql": "...", "params": [...]}`
    /// (`QueryParameters` binds the `?` placeholders). A leading UTF-8 byte-order mark is
    /// skipped (`ByteOrderMark`).
    static func statement(fromBody request: HTTPRequest) throws -> String {
        // Media types are case-insensitive (RFC 9110 §8.3.1): compared so, without a lowercased copy.
        // No Content-Type means text/plain, and no comparison at all.
        let contentType = request.headers["Content-Type"]
        func typeIs(_ prefix: StaticString) -> Bool { contentType.map { hasCaseInsensitivePrefix($0, prefix) } ?? false }
        let body = ByteOrderMark.stripped(request.body)
        let text: String
        if typeIs("application/json") {
            text = try hqlFromJSON(Array(body))
        } else if contentType == nil || typeIs("text/") || typeIs("application/x-www-form-urlencoded")
                    || typeIs("application/octet-stream") {
            guard let body = body.withUnsafeBufferPointer({ UTF8Text.string($0) }) else {
                throw Problem.badRequest("the statement is not valid UTF-8")
            }
            if typeIs("application/x-www-form-urlencoded"), body.hasPrefix("hql="),
               let decoded = PercentDecoding.decode(Array(body.utf8.dropFirst(4)), plusAsSpace: true) {
                // The escapes may spell bytes that are not UTF-8: refused like `?hql=`, not replaced.
                text = try QueryItem(nameBytes: Array("hql".utf8), valueBytes: decoded).text()
            } else {
                text = body
            }
        } else {
            throw Problem.unsupportedMediaType("send the statement as text/plain or as JSON {\"hql\": ...}")
        }
        guard containsNonWhitespace(text) else {
            throw Problem.badRequest("the request body holds no HQL statement")
        }
        return text
    }

    /// Whether `text` starts with `prefix` (ASCII, lower case), letter case aside.
    static func hasCaseInsensitivePrefix(_ text: String, _ prefix: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        func starts<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
            guard bytes.count >= expected.count else { return false }
            for (byte, wanted) in zip(bytes, expected) {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                guard lower == wanted else { return false }
            }
            return true
        }
        // In place for a native or small string; through the UTF-8 view for any other.
        return text.utf8.withContiguousStorageIfAvailable(starts) ?? starts(text.utf8)
    }

    /// Whether `text` holds anything but whitespace (`Character.isWhitespace`): an ASCII byte
    /// outside HT, LF, VT, FF, CR and space answers at once, without reading characters.
    static func containsNonWhitespace(_ text: String) -> Bool {
        if text.utf8.contains(where: { $0 < 0x80 && !($0 >= 0x09 && $0 <= 0x0D) && $0 != 0x20 }) { return true }
        return text.contains(where: { !$0.isWhitespace })
    }

    static func hqlFromJSON(_ body: [UInt8]) throws -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw Problem.badRequest("the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any], let hql = dictionary["hql"] as? String else {
            throw Problem.badRequest("expected a JSON object {\"hql\": \"<statement>\"}")
        }
        if let parameters = dictionary["params"] { return try QueryParameters.bind(hql, parameters) }
        return hql
    }
}
