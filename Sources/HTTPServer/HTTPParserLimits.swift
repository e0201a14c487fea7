/// Size limits the parser enforces before buffering anything unbounded.
public struct HTTPParserLimits: Sendable, Equatable {
    /// The request line (method, target, version) in bytes; longer gives 414 URI Too Long.
    public var maxRequestLineLength: Int
    /// All header field lines together in bytes (also bounds a chunked body's trailers); 431.
    public var maxHeaderSectionSize: Int
    /// The number of header fields; more gives 431.
    public var maxHeaderCount: Int
    /// The body after decoding chunked framing; larger gives 413 Content Too Large.
    public var maxBodySize: Int
    /// The body of a route that streams its request body (`RequestBodyStream`), after decoding
    /// chunked framing; larger gives 413 (at once for a larger `Content-Length`, else when the
    /// handler reads past it). Never buffered, so the default is effectively unlimited (1 TiB).
    public var maxStreamedBodySize: Int

    public init(maxRequestLineLength: Int = 8 * 1024, maxHeaderSectionSize: Int = 32 * 1024,
                maxHeaderCount: Int = 100, maxBodySize: Int = 8 * 1024 * 1024,
                maxStreamedBodySize: Int = 1 << 40) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderSectionSize = maxHeaderSectionSize
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
        self.maxStreamedBodySize = maxStreamedBodySize
    }
}
