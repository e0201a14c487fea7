#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import Sockets

/// A tiny blocking HTTPS/1.1 client for tests: OpenSSL over a `Socket`, verifying the server's
/// certificate against one trusted PEM file and its name, offering ALPN `http/1.1`. Requests
/// and responses as with `HTTPTestClient`; every wait bounded by `timeout`.
public final class HTTPSTestClient: HTTPResponseReading {
    public let host: String
    public let port: Int
    public var timeout: Double
    private let socket: Socket
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    public var receivedBytes: [UInt8] = []

    /// The newest TLS version the client offers.
    public enum MaximumVersion: Sendable {
        case tls12
        case tls13
    }

    /// Connects and completes the handshake.
    /// - Parameters:
    ///   - trustedCertificatePath: PEM file of the CA (or self-signed certificate) to trust.
    ///   - serverName: sent as SNI and checked against the certificate.
    ///   - alpn: protocols offered, most preferred first; empty offers none.
    ///   - cipherList: TLS 1.2 suites offered (OpenSSL cipher list syntax); nil offers OpenSSL's default.
    ///   - groups: key exchange groups offered (OpenSSL group names, colon-separated); nil
    ///     offers OpenSSL's default.
    public init(host: String = "127.0.0.1", port: Int, trustedCertificatePath: String,
                serverName: String = "localhost", alpn: [String] = ["http/1.1"],
                maximumVersion: MaximumVersion = .tls13, cipherList: String? = nil, groups: String? = nil,
                timeout: Double = 5) throws {
        self.host = host
        self.port = port
        self.timeout = timeout
        ERR_clear_error()
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw HTTPSTestClientError.tls("SSL_CTX_new: \(Self.openSSLErrors())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let version = maximumVersion == .tls12 ? TLS1_2_VERSION : TLS1_3_VERSION
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(version), nil)
        if let cipherList, SSL_CTX_set_cipher_list(context, cipherList) != 1 {
            SSL_CTX_free(context)
            throw HTTPSTestClientError.tls("cipher list \(cipherList): \(Self.openSSLErrors())")
        }
        // SSL_CTX_set1_groups_list is a macro over this ctrl, and macros do not import.
        if let groups, groups.withCString({
            SSL_CTX_ctrl(context, SSL_CTRL_SET_GROUPS_LIST, 0, UnsafeMutableRawPointer(mutating: $0))
        }) != 1 {
            SSL_CTX_free(context)
            throw HTTPSTestClientError.tls("groups \(groups): \(Self.openSSLErrors())")
        }
        guard SSL_CTX_load_verify_locations(context, trustedCertificatePath, nil) == 1 else {
            SSL_CTX_free(context)
            throw HTTPSTestClientError.tls("load \(trustedCertificatePath): \(Self.openSSLErrors())")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw HTTPSTestClientError.tls("SSL_new: \(Self.openSSLErrors())")
        }
        self.context = context
        self.ssl = ssl
        do {
            socket = try Socket.connect(host: host, port: port, deadline: .after(seconds: timeout))
        } catch {
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw error
        }
        SSL_set_fd(ssl, socket.fileDescriptor)
        _ = serverName.withCString { name in
            SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: name))
        }
        SSL_set1_host(ssl, serverName)
        if !alpn.isEmpty {
            let wire = alpn.flatMap { [UInt8(truncatingIfNeeded: $0.utf8.count)] + Array($0.utf8) }
            SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
        SSL_set_connect_state(ssl)
        let deadline = Deadline.after(seconds: timeout)
        while true {
            ERR_clear_error()
            let result = SSL_do_handshake(ssl)
            if result == 1 { break }
            try waitAfter(result: result, operation: "handshake", deadline: deadline)
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        socket.close()
    }

    /// The ALPN protocol the server chose, nil when none.
    public var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// "TLSv1.3", "TLSv1.2", ...
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// The negotiated suite's OpenSSL name ("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384", ...).
    public var negotiatedCipher: String? {
        guard let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) else { return nil }
        return String(cString: name)
    }

    /// The negotiated key exchange group's name ("X25519", "prime256v1", ...), nil when none.
    public var negotiatedGroup: String? {
        // SSL_get_negotiated_group is a macro over this ctrl.
        let nid = Int32(truncatingIfNeeded: SSL_ctrl(ssl, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, nil))
        guard nid > 0, let name = OBJ_nid2sn(nid) else { return nil }
        return String(cString: name)
    }

    // MARK: sending

    public func send(raw bytes: [UInt8]) throws {
        let deadline = Deadline.after(seconds: timeout)
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let result = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
            if result > 0 {
                offset += Int(result)
            } else {
                try waitAfter(result: result, operation: "write", deadline: deadline)
            }
        }
    }

    /// Sends one request with `Host` and, for a body, `Content-Length` unless given.
    public func sendRequest(_ method: String = "GET", _ path: String, headers: [(String, String)] = [],
                            body: [UInt8] = []) throws {
        try send(raw: requestBytes(method, path, host: "localhost:\(port)", headers: headers, body: body))
    }

    public func request(_ method: String = "GET", _ path: String, headers: [(String, String)] = [],
                        body: [UInt8] = []) throws -> HTTPTestResponse {
        try sendRequest(method, path, headers: headers, body: body)
        return try readResponse(method: method)
    }

    // MARK: reading

    /// True when the server ends the connection (close_notify, EOF or reset) within `seconds`.
    public func waitForClose(timeout seconds: Double? = nil) -> Bool {
        let deadline = Deadline.after(seconds: seconds ?? timeout)
        while true {
            do {
                try fill(deadline: deadline)
            } catch HTTPSTestClientError.timedOut {
                return false
            } catch {
                return true
            }
        }
    }

    public func receiveMore() throws {
        try fill()
    }

    private func fill(deadline: Deadline? = nil) throws {
        let deadline = deadline ?? .after(seconds: timeout)
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            ERR_clear_error()
            let result = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
            if result > 0 {
                receivedBytes.append(contentsOf: scratch[0..<Int(result)])
                return
            }
            try waitAfter(result: result, operation: "read", deadline: deadline)
        }
    }

    /// Waits for what OpenSSL asked for after a non-positive result, or throws what it means.
    private func waitAfter(result: Int32, operation: String, deadline: Deadline) throws {
        let events: Int16
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: events = Int16(POLLIN)
        case SSL_ERROR_WANT_WRITE: events = Int16(POLLOUT)
        case SSL_ERROR_ZERO_RETURN: throw HTTPSTestClientError.connectionClosed
        case SSL_ERROR_SYSCALL:
            let reason = Self.openSSLErrors()
            throw reason.isEmpty ? HTTPSTestClientError.connectionClosed : .tls("\(operation): \(reason)")
        default:
            throw HTTPSTestClientError.tls("\(operation): \(Self.openSSLErrors())")
        }
        guard try socket.poll(events: events, deadline: deadline) else { throw HTTPSTestClientError.timedOut }
    }

    private static func openSSLErrors() -> String {
        var reasons: [String] = []
        var text = [CChar](repeating: 0, count: 256)
        while case let code = ERR_get_error(), code != 0 {
            text.withUnsafeMutableBufferPointer { pointer in
                guard let base = pointer.baseAddress else { return }
                ERR_error_string_n(code, base, pointer.count)
                reasons.append(String(cString: base))
            }
        }
        return reasons.joined(separator: "; ")
    }
}

public enum HTTPSTestClientError: Error, Sendable, Equatable {
    case connectionClosed
    case timedOut
    /// OpenSSL failed: handshake (bad certificate, protocol), read or write.
    case tls(String)
}
