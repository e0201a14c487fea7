/// Why a request could not be parsed, with the status to answer (the connection closes after).
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case badRequestLine
        /// A line of the head ended in LF without CR (RFC 9112 §2.2 allows it; we do not).
        case bareLineFeed
        case uriTooLong
        case unsupportedVersion
        case badHeaderField
        case obsoleteLineFolding
        case headerSectionTooLarge
        case tooManyHeaderFields
        case missingHost
        case multipleHosts
        case badContentLength
        /// Content-Length as a list or in more than one field line, even of identical values.
        case multipleContentLength
        case contentLengthWithTransferEncoding
        case badTransferEncoding
        case unsupportedTransferCoding
        case badChunk
        case bodyTooLarge
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The response status this error calls for.
    public var status: HTTPStatus {
        switch kind {
        case .uriTooLong: return .uriTooLong
        case .unsupportedVersion: return .httpVersionNotSupported
        case .headerSectionTooLarge, .tooManyHeaderFields: return .requestHeaderFieldsTooLarge
        case .bodyTooLarge: return .contentTooLarge
        case .unsupportedTransferCoding: return .notImplemented
        default: return .badRequest
        }
    }

    public var description: String { "\(status.code) \(kind.rawValue): \(detail)" }
}
