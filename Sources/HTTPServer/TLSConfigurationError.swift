/// Why `HTTPServer.start()` could not set up TLS from a `TLSConfiguration`. Each case names the
/// file and carries the system's or OpenSSL's own reason.
public enum TLSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The certificate chain file does not exist or cannot be read.
    case certificateFileUnreadable(path: String, reason: String)
    /// The private key file does not exist or cannot be read.
    case privateKeyFileUnreadable(path: String, reason: String)
    /// The file holds no PEM certificate OpenSSL accepts.
    case invalidCertificate(path: String, reason: String)
    /// The file holds no PEM private key OpenSSL accepts (or an encrypted one).
    case invalidPrivateKey(path: String, reason: String)
    /// Both files are valid but the key is not the certificate's key.
    case privateKeyMismatch(certificatePath: String, privateKeyPath: String)
    /// OpenSSL could not create or configure the context (out of memory, broken library).
    case contextSetupFailed(reason: String)

    public var description: String {
        switch self {
        case .certificateFileUnreadable(let path, let reason):
            return "TLS certificate chain \(path) cannot be read: \(reason)"
        case .privateKeyFileUnreadable(let path, let reason):
            return "TLS private key \(path) cannot be read: \(reason)"
        case .invalidCertificate(let path, let reason):
            return "TLS certificate chain \(path) is not a usable PEM certificate: \(reason)"
        case .invalidPrivateKey(let path, let reason):
            return "TLS private key \(path) is not a usable unencrypted PEM key: \(reason)"
        case .privateKeyMismatch(let certificatePath, let privateKeyPath):
            return "TLS private key \(privateKeyPath) does not belong to the certificate in \(certificatePath)"
        case .contextSetupFailed(let reason):
            return "TLS context setup failed: \(reason)"
        }
    }
}
