import Foundation
import HQL
import HTTPServer

/// The guard every request passes before its route runs (design.md, "a request's way through",
/// step 2), when the `AccessPolicy` has tokens: the bearer token (RFC 6750 §2.1) must be known,
/// and a read-only token may only read.
///
/// Always open, so that load balancers and tooling need no secret: `GET /health/live`,
/// `/health/ready`, `/health` and `/openapi.yaml`; `/metrics` too when the policy makes it public.
/// The route is found with the router's own matching, so the guard and the dispatch agree.
struct RequestAuthorizer: Sendable {
    let policy: AccessPolicy
    let routes: HTTPRouter
    /// A CORS preflight from an allowed origin passes without a token: browsers never send
    /// one on a preflight (Fetch §4.8), and the gateway answers it without running a route.
    var cors = CORSPolicy()

    /// What the request presented.
    enum Credential: Equatable {
        /// No `Authorization` field, or one with another scheme.
        case absent
        /// `Bearer` with a token that is malformed or not configured.
        case invalid
        case valid(AccessPolicy.Access)
    }

    enum Decision {
        case allow
        /// Refused by the policy: 401 (who are you?) or 403 (not with this token).
        case deny(Problem, routePattern: String?)
        /// The request is malformed in a way that keeps the guard from deciding (a read-only
        /// token's statement that does not parse): the client's mistake, not a denial.
        case reject(Problem, routePattern: String?)
    }

    static let openPatterns: Set<String> = ["/health/live", "/health/ready", "/health", "/openapi.yaml"]
    static let metricsPattern = "/metrics"
    static let queryPattern = "/ns/{ns...}/query"
    static let realm = "hypertable-gateway"

    func decide(_ request: HTTPRequest) -> Decision {
        let pattern = routePattern(of: request)
        if isOpen(request, pattern: pattern) || cors.isAllowedPreflight(request) { return .allow }
        switch credential(of: request) {
        case .absent:
            return .deny(Self.unauthorized(invalidToken: false,
                                           detail: "this gateway needs a bearer token: send \"Authorization: Bearer <token>\""),
                         routePattern: pattern)
        case .invalid:
            return .deny(Self.unauthorized(invalidToken: true, detail: "the bearer token is not valid"),
                         routePattern: pattern)
        case .valid(.readWrite):
            return .allow
        case .valid(.readOnly):
            if request.method == .get || request.method == .head { return .allow }
            guard request.method == .post, pattern == Self.queryPattern else {
                let target = pattern.map { $0.replacingOccurrences(of: "...}", with: "}") } ?? "here"
                return .deny(Self.readOnlyForbidden("it may not \(request.method.rawValue) \(target)"),
                             routePattern: pattern)
            }
            do {
                let kind = try QueryRoutes.statementKind(QueryRoutes.statement(fromBody: request))
                guard kind == .read else {
                    let kindName = kind == .write ? "write statements (INSERT, DELETE)"
                        : "DDL statements (CREATE, DROP, ALTER, RENAME)"
                    return .deny(Self.readOnlyForbidden("it may not run \(kindName)"), routePattern: pattern)
                }
                return .allow
            } catch {
                return .reject(ErrorMapping.problem(for: error), routePattern: pattern)
            }
        }
    }

    /// The access log's `auth` field: `rw` or `ro` (the token's class), `none` (no token on an
    /// open route) or `denied` (refused by this guard). Decided again from the request, which
    /// is cheap: only a read-only token's 403 needs the full decision.
    func logClass(of request: HTTPRequest?, status: Int) -> String {
        guard let request else { return "none" }
        switch credential(of: request) {
        case .valid(.readWrite):
            return "rw"
        case .valid(.readOnly):
            if status == 403, case .deny = decide(request) { return "denied" }
            return "ro"
        case .absent, .invalid:
            return isOpen(request, pattern: routePattern(of: request)) || cors.isAllowedPreflight(request)
                ? "none" : "denied"
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
              let access = policy.access(forToken: token) else {
            return .invalid
        }
        return .valid(access)
    }

    private func routePattern(of request: HTTPRequest) -> String? {
        if case .found(let pattern, _, _) = routes.match(method: request.method, path: request.path) {
            return pattern
        }
        return nil
    }

    /// Open: GET or HEAD of an open route. Another method on an open route's path has no
    /// route to reach, so it is left to the router's 405 (with `Allow`) rather than challenged.
    private func isOpen(_ request: HTTPRequest, pattern: String?) -> Bool {
        if request.method == .get || request.method == .head {
            return pattern.map(isOpenPattern) ?? false
        }
        guard pattern == nil, case .found(let readPattern, _, _) = routes.match(method: .get, path: request.path) else {
            return false
        }
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
                    + "(SELECT, SHOW, DESCRIBE, EXISTS, GET LISTING) to /ns/{ns}/query",
                type: "/problems/forbidden")
    }
}
