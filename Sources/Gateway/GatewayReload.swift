import HTTPServer

extension Gateway {
    /// What a reload put in place, for the log line (no token, no secret).
    public struct ReloadSummary: Sendable, CustomStringConvertible {
        public let tokens: Int
        public let jwt: Bool
        public let corsEnabled: Bool
        public let tlsReloaded: Bool

        public var description: String {
            "tokens \(tokens), jwt \(jwt ? "on" : "off"), cors \(corsEnabled ? "on" : "off"), "
                + "tls \(tlsReloaded ? "reloaded" : "off")"
        }
    }

    /// Rereads what may change without a restart (SIGHUP): the tokens (`GATEWAY_TOKENS_FILE`,
    /// `GATEWAY_TOKENS`), the JWT secret and keys, the CORS origins (`GATEWAY_CORS_ORIGINS_FILE`)
    /// and, on a gateway serving HTTPS, the TLS certificate chain and key.
    ///
    /// Everything is read and checked before anything changes; when any of it cannot be used
    /// (a file that does not parse, a key that does not match its certificate, tokens removed on
    /// an address that needs them) it throws why and the gateway keeps every old setting.
    /// Requests and connections in flight are not disturbed: a request keeps the settings its
    /// head was admitted with, an open TLS connection the identity it shook hands with.
    @discardableResult
    public func reload(environment: [String: String]) throws -> ReloadSummary {
        var fresh = try GatewayConfiguration(environment: environment)
        // The address is the one listened on, whatever the environment says now.
        fresh.listenHost = configuration.listenHost
        fresh.listenPort = configuration.listenPort
        try fresh.checkExposure()
        var tlsReloaded = false
        if configuration.tls != nil {
            guard let tls = fresh.tls else {
                throw ConfigurationError(variable: "GATEWAY_TLS_CERT", value: "",
                                         expected: "a certificate and key: the gateway serves HTTPS and keeps doing so")
            }
            // Last step that can fail: after it, nothing can.
            try server.replaceTLSIdentity(tls)
            tlsReloaded = true
        }
        access.replace(policy: fresh.accessPolicy, cors: fresh.cors)
        return ReloadSummary(tokens: fresh.accessPolicy.tokenCount, jwt: fresh.accessPolicy.jwt != nil,
                             corsEnabled: fresh.cors.isEnabled, tlsReloaded: tlsReloaded)
    }
}
