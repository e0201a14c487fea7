#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import Support

/// One server's OpenSSL `SSL_CTX`: certificate chain and key loaded once, TLS 1.2 minimum with
/// only ECDHE + AEAD suites, TLS 1.3 with OpenSSL's suites (all AEAD), key exchange groups
/// X25519, P-256 and P-384, server cipher preference, no renegotiation or compression, ALPN
/// `http/1.1`, session tickets on (OpenSSL's default). Immutable after `init`; OpenSSL allows
/// `SSL_new` from any thread.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(_ configuration: TLSConfiguration) throws(TLSConfigurationError) {
        TLSErrorQueue.clear()
        let certificatePath = configuration.certificateChainPath
        let keyPath = configuration.privateKeyPath
        if let reason = Self.unreadableReason(certificatePath) {
            throw .certificateFileUnreadable(path: certificatePath, reason: reason)
        }
        if let reason = Self.unreadableReason(keyPath) {
            throw .privateKeyFileUnreadable(path: keyPath, reason: reason)
        }
        guard let method = TLS_server_method(), let context = SSL_CTX_new(method) else {
            throw .contextSetupFailed(reason: TLSErrorQueue.drain())
        }
        self.context = context
        // A key file with a passphrase would otherwise make OpenSSL prompt on the terminal.
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }
        guard SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
            throw .contextSetupFailed(reason: TLSErrorQueue.drain())
        }
        _ = SSL_CTX_set_options(context, Self.options)
        guard SSL_CTX_set_cipher_list(context, Self.tls12CipherList) == 1 else {
            throw .contextSetupFailed(reason: TLSErrorQueue.drain())
        }
        // SSL_CTX_set1_groups_list is a macro over this ctrl, and macros do not import.
        let groupsSet = Self.groupsList.withCString { list in
            SSL_CTX_ctrl(context, SSL_CTRL_SET_GROUPS_LIST, 0, UnsafeMutableRawPointer(mutating: list))
        }
        guard groupsSet == 1 else {
            throw .contextSetupFailed(reason: TLSErrorQueue.drain())
        }
        // Partial writes make SSL_write behave like send(2) for our write loop; the buffer moves
        // between retries because the loop re-slices it.
        _ = SSL_CTX_ctrl(context, SSL_CTRL_MODE,
                         Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)

        // Key first: a certificate that does not match it then drops the key quietly, and the
        // check below names the mismatch (the other order reports it as an invalid key).
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .invalidPrivateKey(path: keyPath, reason: TLSErrorQueue.drain())
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw .invalidCertificate(path: certificatePath, reason: TLSErrorQueue.drain())
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            TLSErrorQueue.clear()
            throw .privateKeyMismatch(certificatePath: certificatePath, privateKeyPath: keyPath)
        }
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// TLS 1.2 suites (OpenSSL names), the ECDHE ones of the intermediate profile that
    /// `Tests/Contract/run-sslyze.sh` checks against: forward secrecy
    /// by ECDHE only (no static RSA key exchange), AEAD only (no CBC, whose MAC-then-encrypt
    /// gave padding oracles). Every TLS 1.2 client of the last decade offers one of them.
    /// TLS 1.3 suites are set apart by OpenSSL (`SSL_CTX_set_ciphersuites`); its defaults
    /// are all AEAD with ephemeral key exchange, so they are left as they are.
    static let tls12CipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// Key exchange groups, exactly the intermediate profile's: OpenSSL's default list also
    /// offers X448, P-521 and finite-field groups, which no client needs and checkers flag.
    static let groupsList = "X25519:prime256v1:secp384r1"

    /// server cipher preference, no compression (CRIME), no renegotiation, and a peer that
    /// closes without close_notify reads as end of stream: request framing already tells a
    /// truncated request from a complete one.
    private static let options: UInt64 = (1 << 22) | (1 << 17) | (1 << 30) | (1 << 7)

    /// nil when `path` can be opened for reading, else the system's reason.
    private static func unreadableReason(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return String(cString: strerror(errno)) }
        _ = close(fd)
        return nil
    }
}

/// The one ALPN protocol name this server speaks (RFC 7301 §6, IANA registry).
private let http11Protocol: [UInt8] = Array("http/1.1".utf8)

/// ALPN selection (RFC 7301 §3.2): pick `http/1.1` when the client offers it; a client that
/// offers only other protocols (h2 alone) proceeds without ALPN rather than failing, since
/// HTTP/1.1 is all this server speaks and such clients fall back to it.
private func selectHTTP11(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    var index = 0
    while index < list.count {
        let length = Int(list[index])
        let start = index + 1
        guard length > 0, start + length <= list.count else { break }
        if length == http11Protocol.count, http11Protocol.elementsEqual(list[start..<(start + length)]) {
            out.pointee = offered + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
