import Logging
import Support

/// Routes requests by method and path pattern.
///
/// Patterns are `/`-separated segments: a literal (`tables`), a parameter (`{table}`) matching
/// one segment, or a catch-all (`{ns...}`) matching one or more segments (shortest first, so a
/// longer, more specific route wins). Literals beat parameters, parameters beat catch-alls.
/// Segments are percent-decoded before matching, so `%2F` never splits a segment.
/// No path match gives 404; the most specific path match without the method gives 405 with
/// `Allow` (a less specific match is not tried).
/// `HEAD` is served by the `GET` route when no `HEAD` route exists.
/// A route added with `streamingBody: true` gets its body as `HTTPRequest.bodyStream` (read as
/// it arrives, bounded by `maxStreamedBodySize`): the head's resolution (`admit`, `resolve`)
/// carries that to the server.
public struct HTTPRouter: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, RouteParameters) throws -> HTTPResponse

    private struct Route: Sendable {
        let pattern: String
        let parameterNames: [String]
        let handler: Handler
        let streamsBody: Bool
        let runsInline: Bool
    }

    /// A matched route: what the request's context carries from head to handler. A class,
    /// made once per resolution (and shared by the resolution cache): the context, the
    /// pipeline and the handler pass it on with one retain, not one per field.
    public final class RouteMatch: Sendable {
        public let pattern: String
        public let parameters: RouteParameters
        let handler: Handler
        /// The handler reads the body from `HTTPRequest.bodyStream`.
        public let streamsBody: Bool
        /// The handler never blocks: it may run on the connection's I/O thread.
        public let runsInline: Bool

        init(pattern: String, parameters: RouteParameters, handler: @escaping Handler, streamsBody: Bool, runsInline: Bool) {
            self.pattern = pattern
            self.parameters = parameters
            self.handler = handler
            self.streamsBody = streamsBody
            self.runsInline = runsInline
        }
    }

    /// Where a method and path lead, decided once per request.
    public enum Resolution: Sendable {
        case found(RouteMatch)
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
        case badPath
    }

    private struct Node: Sendable {
        /// Keyed by the literal's bytes: a decoded segment matches without becoming a `String`.
        var literals: [[UInt8]: Int] = [:]
        var parameter: Int?
        var catchAll: Int?
        var routes: [HTTPMethod: Route] = [:]
    }

    private enum PatternSegment {
        case literal(String)
        case parameter(String)
        case catchAll(String)
    }

    private var nodes = [Node()]
    /// Recent resolutions by method and raw path: most traffic repeats a few paths (a
    /// namespace's query route), and matching splits, decodes and walks the path every time.
    /// Made anew whenever a route is added, so it never answers for an older table.
    private var recent = ResolutionCache()

    /// Builds error responses (404, 405, 400 for a malformed path, 500 for a failed handler)
    /// to the request given (whose context the application may quote: its request and trace ids).
    public var problemResponder: @Sendable (HTTPStatus, String, HTTPRequest) -> HTTPResponse = { status, detail, _ in
        HTTPResponse.problem(status, detail: detail)
    }

    /// Where a handler's error that is no HTTP answer (a 500) is logged; nil: nowhere.
    public var logger: Logger?

    public init() {}

    /// Adds a route; a second route for the same method and pattern replaces the first.
    /// - Parameter streamingBody: the handler reads the body from `request.bodyStream` as it
    ///   arrives instead of getting it whole in `request.body`.
    /// - Parameter runsInline: the handler never blocks (no broker call, no large body), so the
    ///   server may answer on the connection's I/O thread without a hand-off to a worker.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, streamingBody: Bool = false,
                             runsInline: Bool = false, _ handler: @escaping Handler) {
        var names: [String] = []
        var current = 0
        for segment in Self.parsePattern(pattern) {
            switch segment {
            case .literal(let text):
                if let next = nodes[current].literals[Array(text.utf8)] {
                    current = next
                } else {
                    nodes.append(Node())
                    nodes[current].literals[Array(text.utf8)] = nodes.count - 1
                    current = nodes.count - 1
                }
            case .parameter(let name):
                names.append(name)
                if let next = nodes[current].parameter {
                    current = next
                } else {
                    nodes.append(Node())
                    nodes[current].parameter = nodes.count - 1
                    current = nodes.count - 1
                }
            case .catchAll(let name):
                names.append(name)
                if let next = nodes[current].catchAll {
                    current = next
                } else {
                    nodes.append(Node())
                    nodes[current].catchAll = nodes.count - 1
                    current = nodes.count - 1
                }
            }
        }
        nodes[current].routes[method] = Route(pattern: pattern, parameterNames: names, handler: handler,
                                              streamsBody: streamingBody, runsInline: runsInline)
        recent = ResolutionCache()
    }

    public mutating func get(_ pattern: String, runsInline: Bool = false, _ handler: @escaping Handler) {
        add(.get, pattern, runsInline: runsInline, handler)
    }
    public mutating func post(_ pattern: String, streamingBody: Bool = false, _ handler: @escaping Handler) {
        add(.post, pattern, streamingBody: streamingBody, handler)
    }
    public mutating func put(_ pattern: String, streamingBody: Bool = false, _ handler: @escaping Handler) {
        add(.put, pattern, streamingBody: streamingBody, handler)
    }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add(.delete, pattern, handler) }

    /// The most specific node matching `path` with its captures; nil for a malformed path,
    /// .some(nil) for no match.
    private func bestPathMatch(_ path: String) -> (node: Int, captures: [[PathSegment]])?? {
        guard let segments = PercentDecoding.pathSegments(path) else { return nil }
        guard segments.count <= 256 else { return .some(nil) }
        var candidates: [(node: Int, captures: [[PathSegment]])] = []
        collect(node: 0, segments: segments[...], captures: [], into: &candidates)
        return .some(candidates.first)
    }

    /// The admission step of a server made from this router: matches the head once and keeps
    /// the match in its context.
    public func admit(_ head: inout HTTPRequest) -> HTTPRequestParser.HeadDecision {
        let resolution = resolve(method: head.method, path: head.path)
        head.context.route = resolution
        if case .found(let match) = resolution {
            head.context.runsInline = match.runsInline
            return .proceed(streamBody: match.streamsBody)
        }
        return .proceed(streamBody: false)
    }

    /// Matches without calling anything.
    public func resolve(method: HTTPMethod, path: String) -> Resolution {
        if let known = recent.lookup(method: method, path: path) { return known }
        let resolution = match(method: method, path: path)
        recent.store(resolution, method: method, path: path)
        return resolution
    }

    private func match(method: HTTPMethod, path: String) -> Resolution {
        guard let found = bestPathMatch(path) else { return .badPath }
        // The most specific path match decides alone: a less specific one (a catch-all that
        // swallowed `tables/...`, say) never serves a method the specific route lacks, and
        // `Allow` names only the specific route's methods.
        guard let best = found else { return .notFound }
        let routes = nodes[best.node].routes
        if let route = routes[method] ?? (method == .head ? routes[.get] : nil) {
            let parameters = RouteParameters(zip(route.parameterNames, best.captures).map { ($0, $1) })
            return .found(RouteMatch(pattern: route.pattern, parameters: parameters, handler: route.handler,
                                     streamsBody: route.streamsBody, runsInline: route.runsInline))
        }
        var allowed = Set(routes.keys)
        if allowed.contains(.get) { allowed.insert(.head) }
        return .methodNotAllowed(allowed: allowed.sorted { $0.rawValue < $1.rawValue })
    }

    /// Routes `request` (by the resolution its context carries, else matching now): runs the
    /// matched handler, or answers 400/404/405. A handler error that is
    /// `HTTPResponseConvertible` gives its response; any other gives 500.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch request.context.route ?? resolve(method: request.method, path: request.path) {
        case .badPath:
            return problemResponder(.badRequest, "malformed percent-encoding in the path", request)
        case .notFound:
            return problemResponder(.notFound, "no route for \(request.path)", request)
        case .methodNotAllowed(let allowed):
            var response = problemResponder(.methodNotAllowed, "\(request.method) is not allowed here", request)
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return response
        case .found(let match):
            var response: HTTPResponse
            do {
                response = try match.handler(request, match.parameters)
            } catch let error as any HTTPResponseConvertible {
                response = error.httpResponse
            } catch {
                logger?.error("the request handler failed", metadata: [
                    "error": "\(error)", "route": "\(match.pattern)", "request_id": "\(request.context.requestID)"])
                response = problemResponder(.internalServerError, "the request handler failed", request)
            }
            if response.routePattern == nil { response.routePattern = match.pattern }
            return response
        }
    }

    private func collect(node: Int, segments: ArraySlice<PathSegment>, captures: [[PathSegment]],
                         into results: inout [(node: Int, captures: [[PathSegment]])]) {
        let current = nodes[node]
        guard let first = segments.first else {
            if !current.routes.isEmpty { results.append((node, captures)) }
            return
        }
        let rest = segments.dropFirst()
        if let next = current.literals[first.bytes] {
            collect(node: next, segments: rest, captures: captures, into: &results)
        }
        if let next = current.parameter {
            collect(node: next, segments: rest, captures: captures + [[first]], into: &results)
        }
        if let next = current.catchAll {
            for taken in 1...segments.count {
                let end = segments.startIndex + taken
                collect(node: next, segments: segments[end...], captures: captures + [Array(segments[..<end])],
                        into: &results)
            }
        }
    }

    private static func parsePattern(_ pattern: String) -> [PatternSegment] {
        var body = Substring(pattern)
        if body.hasPrefix("/") { body = body.dropFirst() }
        if body.isEmpty { return [] }
        return body.split(separator: "/", omittingEmptySubsequences: false).map { part in
            if part.hasPrefix("{") && part.hasSuffix("...}") {
                return .catchAll(String(part.dropFirst().dropLast(4)))
            }
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }
}

/// Values captured by a route's `{name}` and `{name...}` segments, percent-decoded.
public struct RouteParameters: Sendable {
    private let captures: [(name: String, segments: [PathSegment])]

    public init(_ captures: [(String, [PathSegment])] = []) {
        self.captures = captures.map { (name: $0.0, segments: $0.1) }
    }

    /// The decoded segments for `name` (one for `{name}`, one or more for `{name...}`).
    public func segments(_ name: String) -> [PathSegment]? {
        captures.first { $0.name == name }?.segments
    }

    /// The value as text, segments joined by `/`; nil when absent or not valid UTF-8.
    public subscript(name: String) -> String? {
        guard let segments = segments(name) else { return nil }
        // One segment (most names): its text, no list to join.
        if segments.count == 1 { return segments[0].string }
        var parts: [String] = []
        for segment in segments {
            guard let text = segment.string else { return nil }
            parts.append(text)
        }
        return parts.joined(separator: "/")
    }

    /// The value's bytes, segments joined by `/` (row keys need not be UTF-8).
    public func bytes(_ name: String) -> [UInt8]? {
        guard let segments = segments(name) else { return nil }
        var bytes: [UInt8] = []
        for (index, segment) in segments.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "/")) }
            bytes.append(contentsOf: segment.bytes)
        }
        return bytes
    }

    public var names: [String] { captures.map(\.name) }
}

/// A bounded memo of `HTTPRouter.resolve`, a pure function of the method, the path and the
/// routes. Split by thread (each thread its own small table behind its own lock), so lookups
/// never queue; a full table is emptied rather than aged (paths that carry row keys would
/// evict each other anyway).
final class ResolutionCache: Sendable {
    private struct Key: Hashable {
        let method: HTTPMethod
        let path: String
    }

    private struct Shard {
        var table: [Key: HTTPRouter.Resolution] = [:]
        /// The entry this shard found or stored last: a thread that serves one path again and
        /// again (a health check, a client's query route) compares two strings instead of
        /// hashing the path.
        var last: (key: Key, resolution: HTTPRouter.Resolution)?
    }

    static let shardCount = 8
    static let entriesPerShard = 256
    /// Longer paths (row keys) are matched every time rather than stored.
    static let longestCachedPath = 256

    private let shards = (0..<ResolutionCache.shardCount).map { _ in Locked(Shard()) }

    func lookup(method: HTTPMethod, path: String) -> HTTPRouter.Resolution? {
        guard path.utf8.count <= Self.longestCachedPath else { return nil }
        let key = Key(method: method, path: path)
        return shards[ThreadShard.index(modulo: Self.shardCount)].withLock { shard in
            if let last = shard.last, last.key == key { return last.resolution }
            guard let found = shard.table[key] else { return nil }
            shard.last = (key, found)
            return found
        }
    }

    func store(_ resolution: HTTPRouter.Resolution, method: HTTPMethod, path: String) {
        guard path.utf8.count <= Self.longestCachedPath else { return }
        let key = Key(method: method, path: path)
        shards[ThreadShard.index(modulo: Self.shardCount)].withLock { shard in
            if shard.table.count >= Self.entriesPerShard { shard.table.removeAll(keepingCapacity: true) }
            shard.table[key] = resolution
            shard.last = (key, resolution)
        }
    }
}
