#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the gateway will not start: no tokens are configured and it would listen where other
/// hosts can reach it. An open gateway can read, write and drop every table, so that must be
/// asked for by name (`GATEWAY_INSECURE_NO_AUTH=1`), never be what a default deployment does.
public struct UnauthenticatedExposureError: Error, Sendable, Equatable, CustomStringConvertible {
    public let listenHost: String
    public let listenPort: Int

    public init(listenHost: String, listenPort: Int) {
        self.listenHost = listenHost
        self.listenPort = listenPort
    }

    public var description: String {
        let address = listenHost.contains(":") ? "[\(listenHost)]:\(listenPort)" : "\(listenHost):\(listenPort)"
        return "refusing to listen on \(address) without authentication: no tokens are configured, so anyone "
            + "who can reach that address could read, write and drop every table. Configure tokens "
            + "(GATEWAY_TOKENS_FILE or --tokens-file, or GATEWAY_TOKENS), or listen on loopback "
            + "(127.0.0.0/8, ::1, localhost), or, on a network you trust, set GATEWAY_INSECURE_NO_AUTH=1 "
            + "(--insecure-no-auth)"
    }
}

extension GatewayConfiguration {
    /// Throws when the gateway would serve without tokens on an address that is not loopback,
    /// unless `insecureNoAuth` says that is meant.
    public func checkExposure() throws(UnauthenticatedExposureError) {
        guard !accessPolicy.isEnabled, !insecureNoAuth, !Self.isLoopback(listenHost) else { return }
        throw UnauthenticatedExposureError(listenHost: listenHost, listenPort: listenPort)
    }

    /// 127.0.0.0/8, ::1 and the name `localhost` (which resolves to them, RFC 6761 §6.3). Any
    /// other name could resolve to anything, and `0.0.0.0` or `::` mean every interface.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}
