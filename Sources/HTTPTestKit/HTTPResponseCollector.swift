import HTTPServer

/// A `ResponseBodyWriter` that keeps what it is given, for testing streaming handlers
/// without a server. `failAfter` makes the n-th write (0-based) and later ones throw, to test
/// a client that goes away mid-stream.
public final class HTTPCollectingBodyWriter: ResponseBodyWriter {
    public private(set) var chunks: [[UInt8]] = []
    public let failAfter: Int?

    public init(failAfter: Int? = nil) {
        self.failAfter = failAfter
    }

    public func write(_ bytes: [UInt8]) throws {
        if let failAfter, chunks.count >= failAfter {
            throw HTTPServerError.clientDisconnected(.connectionClosed)
        }
        chunks.append(bytes)
    }

    public var body: [UInt8] { chunks.flatMap { $0 } }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

extension HTTPResponse {
    /// The whole body: the bytes of a complete body, or what a streamed body writes.
    public func collectBody() throws -> [UInt8] {
        switch body {
        case .bytes(let bytes):
            return bytes
        case .stream(let streamer):
            let writer = HTTPCollectingBodyWriter()
            try streamer(writer)
            return writer.body
        }
    }

    public func collectBodyText() throws -> String {
        String(decoding: try collectBody(), as: UTF8.self)
    }
}
