import HTTPServer
import Sockets

/// What a handler knows about the request beyond its bytes: its id and the real client.
public struct RequestContext: Sendable {
    /// `X-Request-ID` from the client or proxy when it is sane, else a fresh one.
    public let requestID: String
    /// The client address: the peer, or the `X-Forwarded-For` entry a trusted proxy added.
    public let clientAddress: String

    /// Accepts up to 128 visible ASCII characters as a caller-chosen id (it reaches log lines).
    static func requestID(from request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-ID"], !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        return newRequestID()
    }

    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// RFC 7239's predecessor `X-Forwarded-For`: walk from the right, skipping trusted proxies;
    /// the first untrusted address is the client. Untrusted peers cannot spoof it.
    static func clientAddress(of request: HTTPRequest, trustedProxies: Set<String>) -> String {
        let peer = request.remoteAddress?.host ?? "-"
        guard trustedProxies.contains(peer), let forwarded = request.headers.values(for: "X-Forwarded-For").last else {
            return peer
        }
        let hops = request.headers.values(for: "X-Forwarded-For")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces }
            .filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return String(hop.prefix(64))
        }
        return forwarded.isEmpty ? peer : String(hops.first?.prefix(64) ?? Substring(peer))
    }
}
