/// Why reading a streamed request body (`RequestBodyStream`) failed. Every later read fails
/// the same way, and the connection closes after the response.
public struct RequestBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The client closed or reset the connection before the body's end.
        case clientDisconnected
        /// No body byte arrived for the server's idle timeout.
        case timedOut
        /// The body is larger than `HTTPParserLimits.maxStreamedBodySize`.
        case tooLarge
        /// Broken chunked framing (RFC 9112 §7.1).
        case malformed
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The response status this error calls for (the client may not be there to read it).
    public var status: HTTPStatus {
        switch kind {
        case .clientDisconnected, .malformed: return .badRequest
        case .timedOut: return .requestTimeout
        case .tooLarge: return .contentTooLarge
        }
    }

    public var description: String { "\(status.code) \(kind.rawValue): \(detail)" }
}

extension RequestBodyError: HTTPResponseConvertible {
    public var httpResponse: HTTPResponse {
        var response = HTTPResponse.problem(status, detail: detail)
        response.closeConnection = true
        return response
    }
}
