import HTTPServer
import Support

/// How the gateway fills a request's `HTTPRequestContext`: its id and the real client.
enum RequestContext {
    /// Accepts up to 128 visible ASCII characters as a caller-chosen id (it reaches log lines).
    static func requestID(from request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-ID"], !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        return RequestIDGenerator.shared.next()
    }

    /// RFC 7239's predecessor `X-Forwarded-For`: walk from the right, skipping trusted proxies;
    /// the first untrusted address is the client. Untrusted peers cannot spoof it.
    static func clientAddress(of request: HTTPRequest, trustedProxies: Set<String>) -> String {
        let peer = request.remoteAddress?.host ?? "-"
        guard !trustedProxies.isEmpty, trustedProxies.contains(peer),
              let forwarded = request.headers.values(for: "X-Forwarded-For").last else {
            return peer
        }
        let hops = request.headers.values(for: "X-Forwarded-For")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return String(hop.prefix(64))
        }
        return forwarded.isEmpty ? peer : String(hops.first?.prefix(64) ?? Substring(peer))
    }
}

/// Fresh request ids without a system call each: a number unique in the process
/// (`ThreadSequence`, no shared counter touched per request) run through a keyed 64-bit mixer
/// (SplitMix64's finalizer, a bijection), the key drawn once from the system's generator. Ids
/// are unique per process and do not reveal the request count; they are correlation ids, not
/// secrets.
final class RequestIDGenerator: Sendable {
    static let shared = RequestIDGenerator()

    private let key: UInt64

    init(key: UInt64 = UInt64.random(in: .min ... .max)) {
        self.key = key
    }

    func next() -> String {
        Self.hex16(SplitMix64.finalize((ThreadSequence.next() &+ key) &* SplitMix64.increment))
    }

    /// Sixteen lowercase hex digits.
    static func hex16(_ value: UInt64) -> String {
        LowercaseHex.string(value)
    }
}
