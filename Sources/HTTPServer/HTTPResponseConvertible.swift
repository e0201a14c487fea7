/// An error a handler may throw that knows its own HTTP response (e.g. a problem document).
/// Any other thrown error becomes a 500 problem response.
public protocol HTTPResponseConvertible: Error {
    var httpResponse: HTTPResponse { get }
}

/// What the server calls for every complete request, on a worker thread; it may block.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse
