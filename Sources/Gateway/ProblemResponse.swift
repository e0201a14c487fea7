import HTTPServer

extension Problem: HTTPResponseConvertible {
    /// The problem as an `application/problem+json` response (RFC 9457 §3), without instance.
    public var httpResponse: HTTPResponse { response(instance: nil, requestID: nil) }

    /// The problem answering `request`: its path as instance, its request and trace ids.
    public func response(to request: HTTPRequest) -> HTTPResponse {
        response(instance: request.path, requestID: request.context.requestID, traceID: request.context.trace?.traceID)
    }

    public func response(instance: String?, requestID: String?, traceID: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        if let retryAfter { headers.set("Retry-After", String(retryAfter)) }
        for (name, value) in self.headers { headers.set(name, value) }
        var response = HTTPResponse(status: HTTPStatus(code: status), headers: headers,
                                    body: jsonBody(instance: instance, requestID: requestID, traceID: traceID))
        // Never compress tiny error bodies; keep them readable in captures.
        response.allowsCompression = false
        return response
    }
}
