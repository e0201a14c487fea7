import Foundation
import HTTPServer

/// The guard every request passes when its head is complete, before any body byte is read
/// (so a refused client costs no buffer and no worker), when the `AccessPolicy` has tokens or
/// JWT keys: the bearer credential (RFC 6750 §2.1) must be known or verify, and its
/// `AccessGrant` must allow the route: its level (GET and HEAD, and the reads sent as POST,
/// need `read`; creating, altering and dropping namespaces and tables `admin`; every other
/// write `write`) and its namespace limit against the route's `{ns}` (the root listing
/// `GET /ns`, which names every namespace, needs an unlimited grant; `/metrics` no namespace).
/// The statement of `POST /ns/{ns}/query` is checked by the query route, which parses it anyway.
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
        /// `Bearer` with a credential that is malformed, not configured or does not verify.
        case invalid(reason: String)
        /// A configured token or a signed token, with its key (per-token rate limits key by it).
        case valid(AccessGrant, credential: CredentialKey)
    }

    enum Decision {
        /// Let it through; `principal` is the access log's `auth` class, `grant` what the
        /// credential may do (nil without one: an open route), `credential` the token
        /// presented, if any (for its rate limit).
        case allow(principal: String, grant: AccessGrant?, credential: CredentialKey?)
        /// Refused by the policy: 401 (who are you?) or 403 (not with this credential).
        case deny(Problem)
    }

    static let openPatterns: Set<String> = ["/health/live", "/health/ready", "/health", "/openapi.yaml"]
    static let metricsPattern = "/metrics"
    static let queryPattern = "/ns/{ns...}/query"
    /// A read sent as POST (its keys do not fit a URL): open to read-only tokens.
    static let rowBatchPattern = "/ns/{ns...}/tables/{table}/rows:get"
    /// Creating, dropping and altering these is DDL: `admin`.
    static let ddlPatterns: Set<String> = ["/ns/{ns...}", "/ns/{ns...}/tables/{table}"]
    static let realm = "hypertable-gateway"

    /// Decides from the head alone (method, route, `Authorization`).
    func decide(_ request: HTTPRequest, route: HTTPRouter.Resolution, routeForGet: () -> HTTPRouter.Resolution,
                now: Double = Date().timeIntervalSince1970) -> Decision {
        let pattern = Self.pattern(of: route)
        let credential = credential(of: request, now: now)
        if isOpen(request, pattern: pattern, routeForGet: routeForGet) || cors.isAllowedPreflight(request) {
            if case .valid(let grant, let key) = credential {
                return .allow(principal: Self.principal(grant, viaJWT: key.isSigned), grant: grant, credential: key)
            }
            return .allow(principal: "none", grant: nil, credential: nil)
        }
        switch credential {
        case .absent:
            return .deny(Self.unauthorized(error: nil,
                                           detail: "this gateway needs a bearer token: send \"Authorization: Bearer <token>\""))
        case .invalid(let reason):
            return .deny(Self.unauthorized(error: reason, detail: reason))
        case .valid(let grant, let key):
            if let refusal = refusal(request, pattern: pattern, route: route, grant: grant) {
                return .deny(refusal)
            }
            return .allow(principal: Self.principal(grant, viaJWT: key.isSigned), grant: grant, credential: key)
        }
    }

    static func principal(_ grant: AccessGrant, viaJWT: Bool) -> String {
        (viaJWT ? "jwt:" : "") + grant.description
    }

    /// The level a route needs with this method.
    static func neededLevel(method: HTTPMethod, pattern: String?) -> AccessGrant.Level {
        if method == .get || method == .head { return .read }
        if method == .post && (pattern == queryPattern || pattern == rowBatchPattern) { return .read }
        if let pattern, ddlPatterns.contains(pattern), method == .put || method == .delete || method == .patch {
            return .admin
        }
        return .write
    }

    private func refusal(_ request: HTTPRequest, pattern: String?, route: HTTPRouter.Resolution,
                         grant: AccessGrant) -> Problem? {
        // No route: the router answers 404 or 405, which touches no data.
        guard let pattern, case .found(let match) = route else { return nil }
        let target = pattern.replacingOccurrences(of: "...}", with: "}")
        let needed = Self.neededLevel(method: request.method, pattern: pattern)
        guard grant.permits(needed) else {
            if grant == .readOnly {
                return Self.readOnlyForbidden("it may not \(request.method.rawValue) \(target)")
            }
            return Self.forbidden("the token's level (\(grant.level?.name ?? "none")) does not allow "
                                  + "\(request.method.rawValue) \(target), which needs \(needed.name)")
        }
        guard grant.namespaces != nil, pattern != Self.metricsPattern else { return nil }
        guard let name = match.parameters["ns"] else {
            return Self.forbidden("the token is limited to namespaces: \(request.method.rawValue) \(target) "
                                  + "is not inside one (list a namespace with GET /ns/{ns})")
        }
        guard let path = AccessGrant.canonicalNamespace(name), grant.covers(namespace: path) else {
            return Self.forbidden("the token is limited to namespaces, and \(name) is not inside them")
        }
        return nil
    }

    /// RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive
    /// (RFC 9110 §11.1). Several `Authorization` fields make the request ambiguous: invalid.
    func credential(of request: HTTPRequest, now: Double = Date().timeIntervalSince1970) -> Credential {
        let fields = request.headers.values(for: "Authorization")
        guard let value = fields.first else { return .absent }
        let bytes = Array(value.utf8)
        let scheme = bytes.prefix { $0 != UInt8(ascii: " ") }
        guard String(decoding: scheme, as: UTF8.self).lowercased() == "bearer" else {
            return fields.count == 1 ? .absent : .invalid(reason: Self.notValid)
        }
        let token = Array(bytes.dropFirst(scheme.count).drop { $0 == UInt8(ascii: " ") })
        guard fields.count == 1, AccessPolicy.isBearerTokenSyntax(token) else { return .invalid(reason: Self.notValid) }
        switch policy.verdict(forBearer: token, now: now) {
        case .granted(let grant, let key): return .valid(grant, credential: key)
        case .rejected(let reason): return .invalid(reason: reason)
        }
    }

    static let notValid = "the bearer token is not valid"

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

    /// RFC 6750 §3: the challenge names the realm, and `error="invalid_token"` with a
    /// description when a credential was presented but is not accepted (§3.1); a request
    /// without one gets no error code. `error` must hold no `"` or `\` (it never does: it is
    /// one of the gateway's own sentences).
    static func unauthorized(error: String?, detail: String) -> Problem {
        var problem = Problem(status: 401, title: "Unauthorized", detail: detail, type: "/problems/unauthorized")
        let challenge = error.map { "Bearer realm=\"\(realm)\", error=\"invalid_token\", error_description=\"\($0)\"" }
            ?? "Bearer realm=\"\(realm)\""
        problem.headers = [("WWW-Authenticate", challenge)]
        return problem
    }

    /// RFC 6750 §3.1's `insufficient_scope` case: the credential is good, the request needs
    /// more. No new challenge is sent: another credential, not a retry, is what helps.
    static func forbidden(_ detail: String) -> Problem {
        Problem(status: 403, title: "Forbidden", detail: detail, type: "/problems/forbidden")
    }

    static func readOnlyForbidden(_ what: String) -> Problem {
        forbidden("the token is read-only: \(what); it may GET and HEAD, and POST read statements "
            + "(SELECT, SHOW, DESCRIBE, EXISTS, GET LISTING) to /ns/{ns}/query, and POST /ns/{ns}/tables/{table}/rows:get")
    }
}
