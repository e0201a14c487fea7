import Foundation
import HTTPServer

/// A request's way through the gateway, in three named steps that the HTTP server calls:
///
/// 1. `admit`, on the connection's I/O thread as soon as the head is complete, before any body
///    byte is read: match the route once, give the request its id and client address, and let
///    the token guard decide (a refusal is answered at once; its body is never read).
/// 2. `respond`, on a worker (or inline for routes that never block): CORS preflights, the
///    route's handler, CORS fields and `X-Request-ID` on whatever it answered.
/// 3. `completed`, once the response is written: metrics and the access log.
///
/// Everything decided in step 1 travels in the request's `HTTPRequestContext`; no later step
/// matches, parses or authenticates again.
struct RequestPipeline: Sendable {
    let routes: HTTPRouter
    let authorizer: RequestAuthorizer?
    let cors: CORSResponder?
    let metrics: Metrics
    let accessLog: AccessLog?
    let trustedProxies: Set<String>

    func admit(_ head: inout HTTPRequest) -> HTTPRequestParser.HeadDecision {
        let route = routes.resolve(method: head.method, path: head.path)
        head.context.route = route
        head.context.requestID = RequestContext.requestID(from: head)
        if !trustedProxies.isEmpty {
            head.context.clientAddress = RequestContext.clientAddress(of: head, trustedProxies: trustedProxies)
        }
        var streamsBody = false
        if case .found(let match) = route {
            head.context.runsInline = match.runsInline
            streamsBody = match.streamsBody
        }
        // A preflight is answered by the CORS step without a route or the broker, allowed or
        // not (a disallowed origin gets CORS's 403): browsers never send a token with one.
        guard let authorizer, !(cors != nil && CORSPolicy.isPreflight(head)) else {
            return .proceed(streamBody: streamsBody)
        }
        let path = head.path
        switch authorizer.decide(head, route: route, routeForGet: { routes.resolve(method: .get, path: path) }) {
        case .allow(let principal, let mayWrite):
            head.context.principal = principal
            head.context.mayWrite = mayWrite
            return .proceed(streamBody: streamsBody)
        case .deny(let problem):
            head.context.principal = "denied"
            metrics.recordAuthDenial(status: problem.status)
            var response = problem.response(instance: head.path, requestID: head.context.requestID)
            cors?.addHeaders(to: &response, for: head)
            response.headers.set("X-Request-ID", head.context.requestID)
            return .refuse(response)
        }
    }

    /// A reply the HTTP server makes on its own (a malformed request, a timeout, a full
    /// queue) in the gateway's problem format, with a request id (a fresh one when no head
    /// was parsed) and, for a parsed request, the CORS fields.
    func serverProblem(status: HTTPStatus, detail: String, request: HTTPRequest?) -> HTTPResponse {
        let requestID = request.map(\.context.requestID).flatMap { $0.isEmpty ? nil : $0 }
            ?? RequestIDGenerator.shared.next()
        var response = Problem(status: status.code, title: status.reasonPhrase, detail: detail)
            .response(instance: request?.path, requestID: requestID)
        if let request { cors?.addHeaders(to: &response, for: request) }
        response.headers.set("X-Request-ID", requestID)
        return response
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        var response: HTTPResponse
        if let preflight = cors?.preflightResponse(to: request, requestID: request.context.requestID) {
            response = preflight
        } else {
            response = routes.handle(request)
            cors?.addHeaders(to: &response, for: request)
        }
        response.headers.set("X-Request-ID", request.context.requestID)
        return response
    }

    func completed(_ exchange: HTTPExchangeRecord) {
        let (seconds, attoseconds) = exchange.duration.components
        metrics.recordRequest(route: exchange.routePattern ?? "unmatched", method: exchange.request?.method.rawValue ?? "-",
                              status: exchange.status.code, seconds: Double(seconds) + Double(attoseconds) / 1e18,
                              bytes: exchange.bytesSent)
        // A read-only token's write statement is refused by the query route, where the
        // statement is parsed: a denial all the same.
        let deniedStatement = exchange.request?.context.principal == "ro" && exchange.status.code == 403
        if deniedStatement { metrics.recordAuthDenial(status: 403) }
        accessLog?.record(exchange, auth: deniedStatement ? "denied" : exchange.request?.context.principal ?? "none",
                          wallClockSeconds: Date().timeIntervalSince1970)
    }
}
