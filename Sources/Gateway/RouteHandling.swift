import HTTPServer
import HypertableClient
import Logging

/// Shared plumbing for every route: turns thrown errors into problem responses (through
/// `ErrorMapping`, the one place that picks statuses) and counts broker errors.
struct RouteHandling: Sendable {
    let metrics: Metrics
    let logger: Logger

    /// Runs `body`; any error it throws becomes the mapped problem response.
    func respond(_ request: HTTPRequest, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch {
            return problemResponse(for: error, request: request)
        }
    }

    func problemResponse(for error: any Error, request: HTTPRequest) -> HTTPResponse {
        let problem = ErrorMapping.problem(for: error)
        if problem.status == 500 {
            // Not a mapped failure: a bug or a case ErrorMapping does not know yet.
            logger.error("request failed with an unmapped error", metadata: [
                "error": "\(error)", "path": "\(request.path)", "request_id": "\(request.context.requestID)"])
        } else if problem.status >= 500 {
            // The broker unreachable, slow or the pool full: the connector and pool log the cause
            // once; the access log has each request's status.
            logger.debug("request failed at the broker", metadata: [
                "error": "\(error)", "status": "\(problem.status)", "request_id": "\(request.context.requestID)"])
        }
        if let name = problem.hypertableName ?? problem.hypertableCode.map({ String($0) }) {
            metrics.recordBrokerError(name)
        } else if problem.status == 502 || problem.status == 504 {
            metrics.recordBrokerError(problem.status == 504 ? "TIMEOUT" : "TRANSPORT")
        }
        return problem.response(to: request)
    }
}

/// The namespace named by a route's `{ns...}` parameter. Nested namespaces are written with
/// their slashes (`/ns/app/prod/query`) or with `%2F` inside one segment (`/ns/app%2Fprod/query`).
func namespaceName(_ parameters: RouteParameters) throws -> String {
    guard let name = parameters["ns"], !name.isEmpty else {
        throw Problem.badRequest("the namespace name must be valid UTF-8 and not empty")
    }
    return name
}

func jsonResponse(_ json: JSONWriter, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: HTTPStatus(code: status), headers: ["Content-Type": "application/json"], body: json.bytes)
}
