import Foundation
import HTTPServer

/// The guard every request passes when its head is complete, before any body byte is read
/// (so a refused client costs no buffer and no worker), when the `AccessPolicy` has tokens: the
/// bearer token (RFC 6750 §2.1) must be known, and a read-only token may only read.
///
/// Always open, so that load balancers and tooling need no secret: `GET /health/live`,
/// `/health/ready`, `/health` and `/openapi.yaml`; `/metrics` too when the policy makes it public.
/// The route is the one the request's context carries: the guard and the dispatch agree.
struct RequestAuthorizer: Sendable {
    let policy: AccessPolicy
    /// A CORS preflight from an allowed origin passes without a token: browsers never send
    /// one on a preflight (Fetch §4.8), and the gateway answers it without running a route.
    var cors = CORSPolicy()

    /// What the request presented.
    enum Credential: Equatable {
        /// No `Authorization` field, or one with another scheme.
        case absent
        /// `Bearer` with a token that is malformed or not configured.
        case invalid
        /// A configured token: its access and its index in the policy (rate limits key by it).
        case valid(AccessPolicy.Access, index: Int)
    }

    enum Decision {
        /// Let it through; `principal` is the access log's `auth` class and `mayWrite` false
        /// for a read-only token, whose statements the query route classifies itself (the only
        /// decision that needs the body, made where the statement is parsed anyway).
        /// `tokenIndex` names the valid token presented, if any (for its rate limit).
        case allow(principal: String, mayWrite: Bool, tokenIndex: Int?)
        /// Refused by the policy: 401 (who are you?) or 403 (not with this token).
        case deny(Problem)
    }

    static let openPatterns: Set<String> = ["/health/live", "/health/ready", "/health", "/openapi.yaml"]
    static let metricsPattern = "/metrics"
    static let queryPattern = "/ns/{ns...}/query"
    /// A read sent as POST (its keys do not fit a URL): open to read-only tokens.
    static let rowBatchPattern = "/ns/{ns...}/tables/{table}/rows:get"
    static let realm = "hypertable-gateway"

    /// Decides from the head alone (method, route, `Authorization`).
    func decide(_ request: HTTPRequest, route: HTTPRouter.Resolution, routeForGet: () -> HTTPRouter.Resolution)
        -> Decision {
        let pattern = Self.pattern(of: route)
        let credential = credential(of: request)
        if isOpen(request, pattern: pattern, routeForGet: routeForGet) || cors.isAllowedPreflight(request) {
            if case .valid(let access, let index) = credential {
                return .allow(principal: access.rawValue, mayWrite: true, tokenIndex: index)
            }
            return .allow(principal: "none", mayWrite: true, tokenIndex: nil)
        }
        switch credential {
        case .absent:
            return .deny(Self.unauthorized(invalidToken: false,
                                           detail: "this gateway needs a bearer token: send \"Authorization: Bearer <token>\""))
        case .invalid:
            return .deny(Self.unauthorized(invalidToken: true, detail: "the bearer token is not valid"))
        case .valid(.readWrite, let index):
            return .allow(principal: "rw", mayWrite: true, tokenIndex: index)
        case .valid(.readOnly, let index):
            if request.method == .get || request.method == .head {
                return .allow(principal: "ro", mayWrite: false, tokenIndex: index)
            }
            guard request.method == .post, pattern == Self.queryPattern || pattern == Self.rowBatchPattern else {
                let target = pattern.map { $0.replacingOccurrences(of: "...}", with: "}") } ?? "here"
                return .deny(Self.readOnlyForbidden("it may not \(request.method.rawValue) \(target)"))
            }
            return .allow(principal: "ro", mayWrite: false, tokenIndex: index)
        }
    }

    /// RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive
    /// (RFC 9110 §11.1). Several `Authorization` fields make the request ambiguous: invalid.
    func credential(of request: HTTPRequest) -> Credential {
        let fields = request.headers.values(for: "Authorization")
        guard let value = fields.first else { return .absent }
        let bytes = Array(value.utf8)
        let scheme = bytes.prefix { $0 != UInt8(ascii: " ") }
        guard String(decoding: scheme, as: UTF8.self).lowercased() == "bearer" else {
            return fields.count == 1 ? .absent : .invalid
        }
        let token = Array(bytes.dropFirst(scheme.count).drop { $0 == UInt8(ascii: " ") })
        guard fields.count == 1, AccessPolicy.isBearerTokenSyntax(token),
              let entry = policy.entry(forToken: token) else {
            return .invalid
        }
        return .valid(entry.access, index: entry.index)
    }

    static func pattern(of route: HTTPRouter.Resolution) -> String? {
        if case .found(let match) = route { return match.pattern }
        return nil
    }

    /// Open: GET or HEAD of an open route. Another method on an open route's path has no
    /// route to reach, so it is left to the router's 405 (with `Allow`) rather than challenged.
    private func isOpen(_ request: HTTPRequest, pattern: String?, routeForGet: () -> HTTPRouter.Resolution) -> Bool {
        if request.method == .get || request.method == .head {
            return pattern.map(isOpenPattern) ?? false
        }
        guard pattern == nil, let readPattern = Self.pattern(of: routeForGet()) else { return false }
        return isOpenPattern(readPattern)
    }

    private func isOpenPattern(_ pattern: String) -> Bool {
        Self.openPatterns.contains(pattern) || (policy.metricsPublic && pattern == Self.metricsPattern)
    }

    /// RFC 6750 §3: the challenge names the realm, and `error="invalid_token"` when a token was
    /// presented but is not accepted (§3.1); a request without one gets no error code.
    static func unauthorized(invalidToken: Bool, detail: String) -> Problem {
        var problem = Problem(status: 401, title: "Unauthorized", detail: detail, type: "/problems/unauthorized")
        problem.headers = [("WWW-Authenticate", invalidToken ? "Bearer realm=\"\(realm)\", error=\"invalid_token\""
                                                             : "Bearer realm=\"\(realm)\"")]
        return problem
    }

    static func readOnlyForbidden(_ what: String) -> Problem {
        Problem(status: 403, title: "Forbidden",
                detail: "the token is read-only: \(what); it may GET and HEAD, and POST read statements "
                    + "(SELECT, SHOW, DESCRIBE, EXISTS, GET LISTING) to /ns/{ns}/query, and POST /ns/{ns}/tables/{table}/rows:get",
                type: "/problems/forbidden")
    }
}

