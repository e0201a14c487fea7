/// Where the server's TLS identity lives. With `HTTPServerConfiguration.tls` set, the server
/// speaks only TLS (1.2 or newer, ALPN `http/1.1`) on its port; `start()` loads both files once
/// and refuses to start when they are unusable, so a bad setting never falls back to plaintext.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file: the server certificate first, then any intermediates (the chain sent to clients).
    public var certificateChainPath: String
    /// PEM file: the private key of the first certificate (unencrypted).
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
