import HTTPServer

extension Problem: HTTPResponseConvertible {
    /// The problem as an `application/problem+json` response (RFC 9457 §3), without instance.
    public var httpResponse: HTTPResponse { response(instance: nil, requestID: nil) }

    public func response(instance: String?, requestID: String?) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        if let retryAfter { headers.set("Retry-After", String(retryAfter)) }
        for (name, value) in self.headers { headers.set(name, value) }
        var response = HTTPResponse(status: HTTPStatus(code: status), headers: headers,
                                    body: jsonBody(instance: instance, requestID: requestID))
        // Never compress tiny error bodies; keep them readable in captures.
        response.allowsCompression = false
        return response
    }
}
