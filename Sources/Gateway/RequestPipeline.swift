import Foundation
import HTTPServer
import Tracing

/// A request's way through the gateway, in three named steps that the HTTP server calls:
///
/// 1. `admit`, on the connection's I/O thread as soon as the head is complete, before any body
///    byte is read: match the route once, give the request its id, trace and client address,
///    apply the per-address rate limit, let the token guard decide, then the per-token limit
///    (a refusal is answered at once; its body is never read).
/// 2. `respond`, on a worker (or inline for routes that never block): CORS preflights, the
///    route's handler, CORS fields, `X-Request-ID` and `traceparent` on whatever it answered.
/// 3. `completed`, once the response is written: metrics and the access log.
///
/// Everything decided in step 1 travels in the request's `HTTPRequestContext`; no later step
/// matches, parses or authenticates again.
///
/// A class: the server calls its steps through closures, and a struct would be copied into each
/// call with every field it holds.
final class RequestPipeline: Sendable {
    let routes: HTTPRouter
    /// Tokens, JWT keys and CORS origins, as the last reload left them.
    let access: AccessControl
    let metrics: Metrics
    let accessLog: AccessLog?
    let trustedProxies: Set<String>
    /// Nil unless a rate limit is set.
    let rateLimits: RequestRateLimits?
    /// Nil unless a tracer is installed (one that is not the no-op tracer).
    let tracer: (any Tracer)?

    init(routes: HTTPRouter, access: AccessControl, metrics: Metrics, accessLog: AccessLog?,
         trustedProxies: Set<String>, rateLimits: RequestRateLimits?, tracer: (any Tracer)?) {
        self.routes = routes
        self.access = access
        self.metrics = metrics
        self.accessLog = accessLog
        self.trustedProxies = trustedProxies
        self.rateLimits = rateLimits
        self.tracer = tracer
    }

    func admit(_ head: inout HTTPRequest) -> HTTPRequestParser.HeadDecision {
        let route = routes.resolve(method: head.method, path: head.path)
        head.context.route = route
        head.context.requestID = RequestContext.requestID(from: head)
        head.context.trace = RequestTrace.context(of: head)
        if !trustedProxies.isEmpty {
            head.context.clientAddress = RequestContext.clientAddress(of: head, trustedProxies: trustedProxies)
        }
        var streamsBody = false
        if case .found(let match) = route {
            head.context.runsInline = match.runsInline
            streamsBody = match.streamsBody
        }
        let access = access.snapshot
        let cors = access.cors
        let limited = rateLimits.flatMap { RequestRateLimits.exempts(route) ? nil : $0 }
        if let exceeded = limited?.checkAddress(head.context.clientAddress) {
            return refuse(head, ErrorMapping.problem(for: exceeded), limit: exceeded.policy, cors: cors)
        }
        // Without authentication every request may do everything.
        guard let authorizer = access.authorizer else {
            head.context.grant = AccessGrant.readWrite
            return .proceed(streamBody: streamsBody)
        }
        // A preflight is answered by the CORS step without a route or the broker, allowed or
        // not (a disallowed origin gets CORS's 403): browsers never send a token with one.
        guard !(cors != nil && CORSPolicy.isPreflight(head)) else {
            head.context.mayKeepWorker = false
            return .proceed(streamBody: streamsBody)
        }
        let path = head.path
        switch authorizer.decide(head, route: route, routeForGet: { routes.resolve(method: .get, path: path) }) {
        case .allow(let principal, let grant, let credential):
            head.context.principal = principal
            head.context.grant = grant
            head.context.mayKeepWorker = credential != nil
            // A handler whose effect depends on the body (a statement) checks the grant there.
            head.context.mayWrite = grant?.isUnrestricted ?? true
            if let credential, let exceeded = limited?.checkToken(credential) {
                return refuse(head, ErrorMapping.problem(for: exceeded), limit: exceeded.policy, cors: cors)
            }
            return .proceed(streamBody: streamsBody)
        case .deny(let problem):
            head.context.principal = "denied"
            metrics.recordAuthDenial(status: problem.status)
            return refuse(head, problem, limit: nil, cors: cors)
        }
    }

    /// Answers a head at admission (its body, if any, is never read); `limit` names the rate
    /// limit that refused it.
    private func refuse(_ head: HTTPRequest, _ problem: Problem, limit: String?,
                        cors: CORSResponder?) -> HTTPRequestParser.HeadDecision {
        if let limit { metrics.recordRateLimited(limit: limit) }
        var response = problem.response(to: head)
        cors?.addHeaders(to: &response, for: head)
        Self.addIdentifiers(to: &response, of: head)
        return .refuse(response)
    }

    /// `X-Request-ID` and, for a request in a trace, `traceparent` with the gateway's span.
    /// Takes the request, not a copy of its context: copying the context (a dozen fields,
    /// several of them counted references) cost about 500 instructions per response.
    private static func addIdentifiers(to response: inout HTTPResponse, of request: HTTPRequest) {
        response.headers.set("X-Request-ID", request.context.requestID)
        if let trace = request.context.trace { response.headers.set("traceparent", trace.traceparent) }
    }

    /// A reply the HTTP server makes on its own (a malformed request, a timeout, a full
    /// queue) in the gateway's problem format, with a request id (a fresh one when no head
    /// was parsed) and, for a parsed request, the CORS fields.
    func serverProblem(status: HTTPStatus, detail: String, request: HTTPRequest?) -> HTTPResponse {
        let requestID = request.map(\.context.requestID).flatMap { $0.isEmpty ? nil : $0 }
            ?? RequestIDGenerator.shared.next()
        var response = Problem(status: status.code, title: status.reasonPhrase, detail: detail)
            .response(instance: request?.path, requestID: requestID, traceID: request?.context.trace?.traceID)
        if let request { access.snapshot.cors?.addHeaders(to: &response, for: request) }
        response.headers.set("X-Request-ID", requestID)
        if let trace = request?.context.trace { response.headers.set("traceparent", trace.traceparent) }
        return response
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        var response: HTTPResponse
        let cors = access.snapshot.cors
        if let preflight = cors?.preflightResponse(to: request, requestID: request.context.requestID) {
            response = preflight
        } else {
            response = handle(request)
            cors?.addHeaders(to: &response, for: request)
        }
        Self.addIdentifiers(to: &response, of: request)
        return response
    }

    /// The route's handler; with a tracer, inside the request's trace context, which the
    /// broker-call spans (`BrokerCallTracing`) take as their parent.
    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let tracer, let trace = request.context.trace else { return routes.handle(request) }
        return InstrumentationContext.withValue(BrokerCallTracing.context(for: trace, tracer: tracer)) {
            routes.handle(request)
        }
    }

    func completed(_ exchange: HTTPExchangeRecord) {
        metrics.recordRequest(route: exchange.routePattern ?? "unmatched", method: exchange.request?.method.rawValue ?? "-",
                              status: exchange.status.code, durationNanoseconds: exchange.durationNanoseconds,
                              bytes: exchange.bytesSent)
        // A limited grant's statement is refused by the query route, where the statement is
        // parsed: a denial all the same.
        let deniedStatement = exchange.request.map { !$0.context.mayWrite } == true && exchange.status.code == 403
        if deniedStatement { metrics.recordAuthDenial(status: 403) }
        accessLog?.record(exchange, auth: deniedStatement ? "denied" : exchange.request?.context.principal ?? "none")
    }
}
