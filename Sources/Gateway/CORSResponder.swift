import HTTPServer

/// Applies a `CORSPolicy` to the gateway's traffic: answers preflights itself (before the
/// token check, never reaching a route or the broker) and adds the CORS response fields to
/// every other response, problems and streams included, so browser code can read errors.
struct CORSResponder: Sendable {
    let policy: CORSPolicy
    let routes: HTTPRouter

    /// The answer to a CORS preflight, or nil when `request` is not one (or names a path whose
    /// route takes `OPTIONS` itself) and goes its normal way.
    ///
    /// - Allowed origin, known path: 204 with the route's methods (Fetch §3.2.3); requested
    ///   headers outside the allow-list are left out, so the browser refuses them.
    /// - Allowed origin, unknown or malformed path: the router's 404 or 400.
    /// - Origin not allowed: 403, without CORS fields.
    func preflightResponse(to request: HTTPRequest, requestID: String) -> HTTPResponse? {
        guard CORSPolicy.isPreflight(request) else { return nil }
        let match = request.context.route ?? routes.resolve(method: request.method, path: request.path)
        if case .found = match { return nil }
        guard let origin = policy.origin(allowedFor: request) else {
            let shown = CORSPolicy.origin(of: request) ?? ""
            let problem = Problem(status: 403, title: "Forbidden",
                                  detail: "cross-origin requests from \"\(shown)\" are not allowed by this gateway",
                                  type: "/problems/cors-origin-not-allowed")
            var response = problem.response(instance: request.path, requestID: requestID,
                                            traceID: request.context.trace?.traceID)
            response.routePattern = routePattern(of: match, path: request.path)
            addVary(to: &response, preflight: true)
            return response
        }
        guard case .methodNotAllowed(let allowed) = match else {
            var response = routes.handle(request)
            addHeaders(to: &response, origin: origin, request: request)
            return response
        }
        var response = HTTPResponse(status: .noContent)
        response.routePattern = routePattern(of: match, path: request.path)
        setAllowOrigin(on: &response, origin: origin, credentialed: Self.preflightAsksForCredentials(request))
        response.headers.set("Access-Control-Allow-Methods", allowed.map(\.rawValue).joined(separator: ", "))
        let requested = request.headers.listValues(for: "Access-Control-Request-Headers")
            .filter { CORSPolicy.allowedRequestHeaders.contains($0.lowercased()) }
        if !requested.isEmpty {
            response.headers.set("Access-Control-Allow-Headers", requested.joined(separator: ", "))
        }
        response.headers.set("Access-Control-Max-Age", String(CORSPolicy.preflightMaxAgeSeconds))
        addVary(to: &response, preflight: true)
        return response
    }

    /// Adds the CORS fields to an actual (non-preflight) response when the request's origin is
    /// allowed; a request from another origin is answered as usual, and its browser withholds
    /// the response from the script.
    func addHeaders(to response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = policy.origin(allowedFor: request) else {
            addVary(to: &response, preflight: false)
            return
        }
        addHeaders(to: &response, origin: origin, request: request)
    }

    private func addHeaders(to response: inout HTTPResponse, origin: String, request: HTTPRequest) {
        setAllowOrigin(on: &response, origin: origin,
                       credentialed: request.headers.contains("Authorization") || request.headers.contains("Cookie"))
        response.headers.set("Access-Control-Expose-Headers", CORSPolicy.exposedHeaders)
        addVary(to: &response, preflight: false)
    }

    /// `*` only when every origin is allowed and the request carries no credentials (Fetch
    /// §3.2.5: `*` is not honoured for credentialed requests); otherwise the origin itself.
    private func setAllowOrigin(on response: inout HTTPResponse, origin: String, credentialed: Bool) {
        if policy.allowedOrigins == .any && !credentialed {
            response.headers.set("Access-Control-Allow-Origin", "*")
        } else {
            response.headers.set("Access-Control-Allow-Origin", origin)
        }
    }

    /// With a list of origins the answer depends on `Origin` for every response, allowed or
    /// not, so caches must key on it (Fetch §3.2.5, "CORS protocol and HTTP caches"); with `*`
    /// only when the origin was echoed. A preflight's answer also depends on the headers asked for.
    private func addVary(to response: inout HTTPResponse, preflight: Bool) {
        var names: [String] = []
        if case .only = policy.allowedOrigins {
            names.append("Origin")
        } else if let allowOrigin = response.headers["Access-Control-Allow-Origin"], allowOrigin != "*" {
            names.append("Origin")
        }
        if preflight { names.append("Access-Control-Request-Headers") }
        if !names.isEmpty { response.headers.add("Vary", names.joined(separator: ", ")) }
    }

    /// A preflight cannot carry credentials; an actual request that will send `Authorization`
    /// announces it in `Access-Control-Request-Headers`.
    private static func preflightAsksForCredentials(_ request: HTTPRequest) -> Bool {
        request.headers.listValues(for: "Access-Control-Request-Headers").contains { $0.lowercased() == "authorization" }
    }

    /// The access log's route for a preflight: the pattern of the route its path reaches.
    private func routePattern(of match: HTTPRouter.Resolution, path: String) -> String? {
        guard case .methodNotAllowed(let allowed) = match, let method = allowed.first,
              case .found(let found) = routes.resolve(method: method, path: path) else { return nil }
        return found.pattern
    }
}
