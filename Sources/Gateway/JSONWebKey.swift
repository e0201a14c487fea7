import COpenSSL
import Foundation

/// One public key a signed token may be checked with: RSA (for RS256) or EC P-256 (for ES256),
/// from a PEM `PUBLIC KEY` block or a JWK (RFC 7517 §4, RFC 7518 §6). Immutable once made;
/// OpenSSL 3 allows verifying with one `EVP_PKEY` from several threads.
public final class JSONWebKey: @unchecked Sendable {
    public enum Kind: Sendable, Equatable {
        case rsa
        case ecP256

        /// The one JWS algorithm each kind serves (RFC 7518 §3.1).
        var algorithm: String { self == .rsa ? "RS256" : "ES256" }
    }

    let key: OpaquePointer
    public let kind: Kind
    /// The JWK's `kid`; nil for a PEM key.
    public let keyID: String?

    /// RSA keys shorter than this are refused (RFC 7518 §3.3 asks for 2048 bits).
    static let minimumRSABits: Int32 = 2048
    /// A keys file with more is refused: each token is checked against at most this many keys.
    static let maximumKeys = 64

    /// Takes ownership of `key`; nil (the key freed) when it is neither RSA of at least 2048
    /// bits nor EC on P-256.
    init?(adopting key: OpaquePointer, keyID: String?) {
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA where EVP_PKEY_get_bits(key) >= Self.minimumRSABits:
            kind = .rsa
        case EVP_PKEY_EC where Self.groupName(key) == "prime256v1":
            kind = .ecP256
        default:
            EVP_PKEY_free(key)
            return nil
        }
        self.key = key
        self.keyID = keyID
    }

    deinit {
        EVP_PKEY_free(key)
    }

    private static func groupName(_ key: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: loading

    /// Why a keys file was refused (the file itself is named by the caller).
    struct LoadError: Error { let reason: String }

    /// The keys of a PEM file (one or more `PUBLIC KEY` blocks) or a JWKS document
    /// (`{"keys": [...]}`, RFC 7517 §5), told apart by the first character that is not blank.
    static func load(_ bytes: [UInt8]) throws(LoadError) -> [JSONWebKey] {
        let keys: [JSONWebKey]
        if bytes.first(where: { ![9, 10, 13, 32].contains($0) }) == UInt8(ascii: "{") {
            keys = try fromJWKS(bytes)
        } else {
            keys = try fromPEM(bytes)
        }
        guard !keys.isEmpty else { throw LoadError(reason: "it holds no key") }
        guard keys.count <= maximumKeys else { throw LoadError(reason: "it holds more than \(maximumKeys) keys") }
        return keys
    }

    static func fromPEM(_ bytes: [UInt8]) throws(LoadError) -> [JSONWebKey] {
        ERR_clear_error()
        let read: [OpaquePointer] = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return [] }
            defer { BIO_free(bio) }
            var found: [OpaquePointer] = []
            while found.count <= maximumKeys, let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) {
                found.append(key)
            }
            return found
        }
        // The loop ends on "no start line" at the end of the data: not an error then.
        ERR_clear_error()
        var keys: [JSONWebKey] = []
        for (index, key) in read.enumerated() {
            guard let usable = JSONWebKey(adopting: key, keyID: nil) else {
                for rest in read.dropFirst(index + 1) { EVP_PKEY_free(rest) }
                throw LoadError(reason: "PEM key \(index + 1) is neither RSA of at least 2048 bits nor EC P-256")
            }
            keys.append(usable)
        }
        if keys.isEmpty {
            throw LoadError(reason: "no PEM \"PUBLIC KEY\" block could be read")
        }
        return keys
    }

    static func fromJWKS(_ bytes: [UInt8]) throws(LoadError) -> [JSONWebKey] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let list = object["keys"] as? [Any] else {
            throw LoadError(reason: "it is not a JWKS document {\"keys\": [...]}")
        }
        guard list.count <= maximumKeys else { throw LoadError(reason: "it holds more than \(maximumKeys) keys") }
        var keys: [JSONWebKey] = []
        for (index, item) in list.enumerated() {
            guard let jwk = item as? [String: Any] else { throw LoadError(reason: "key \(index + 1) is not an object") }
            // A key meant for encryption, or for another algorithm, is not a signature key here.
            if let use = jwk["use"] as? String, use != "sig" { continue }
            do {
                keys.append(try fromJWK(jwk))
            } catch {
                throw LoadError(reason: "key \(index + 1): \(error.reason)")
            }
        }
        return keys
    }

    static func fromJWK(_ jwk: [String: Any]) throws(LoadError) -> JSONWebKey {
        let keyID = jwk["kid"] as? String
        func member(_ name: String) throws(LoadError) -> [UInt8] {
            guard let text = jwk[name] as? String, let bytes = Base64URL.decode(ArraySlice(text.utf8)), !bytes.isEmpty else {
                throw LoadError(reason: "\"\(name)\" is missing or not base64url")
            }
            return bytes
        }
        let key: OpaquePointer
        switch jwk["kty"] as? String {
        case "RSA":
            if let alg = jwk["alg"] as? String, alg != "RS256" { throw LoadError(reason: "an RSA key for \(alg), not RS256") }
            key = try build(type: "RSA", bignums: [("n", try member("n")), ("e", try member("e"))], strings: [], octets: [])
        case "EC":
            if let alg = jwk["alg"] as? String, alg != "ES256" { throw LoadError(reason: "an EC key for \(alg), not ES256") }
            guard jwk["crv"] as? String == "P-256" else { throw LoadError(reason: "an EC key not on P-256") }
            let x = try member("x"), y = try member("y")
            guard x.count == 32, y.count == 32 else { throw LoadError(reason: "P-256 coordinates are 32 bytes each") }
            // SEC 1 §2.3.3: an uncompressed point is 0x04, then x and y.
            key = try build(type: "EC", bignums: [], strings: [("group", "prime256v1")], octets: [("pub", [0x04] + x + y)])
        default:
            throw LoadError(reason: "\"kty\" is neither RSA nor EC")
        }
        guard let usable = JSONWebKey(adopting: key, keyID: keyID) else {
            throw LoadError(reason: "an RSA key shorter than \(minimumRSABits) bits")
        }
        return usable
    }

    /// An `EVP_PKEY` public key from its OpenSSL 3 parameters (`EVP_PKEY_fromdata`).
    private static func build(type: String, bignums: [(String, [UInt8])], strings: [(String, String)],
                              octets: [(String, [UInt8])]) throws(LoadError) -> OpaquePointer {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let builder = OSSL_PARAM_BLD_new() else { throw LoadError(reason: "out of memory") }
        defer { OSSL_PARAM_BLD_free(builder) }
        var numbers: [OpaquePointer] = []
        defer { for number in numbers { BN_free(number) } }
        // The builder keeps pointers to names and values until `to_param`: hold them until then.
        let names = (bignums.map(\.0) + strings.map(\.0) + octets.map(\.0)).map { strdup($0) }
        let texts = strings.map { strdup($0.1) }
        defer { for pointer in names + texts { free(pointer) } }
        var nameIndex = 0
        for (_, bytes) in bignums {
            guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw LoadError(reason: "out of memory") }
            numbers.append(number)
            guard OSSL_PARAM_BLD_push_BN(builder, names[nameIndex], number) == 1 else {
                throw LoadError(reason: "OpenSSL refused the key's parameters")
            }
            nameIndex += 1
        }
        for (index, _) in strings.enumerated() {
            guard OSSL_PARAM_BLD_push_utf8_string(builder, names[nameIndex], texts[index], 0) == 1 else {
                throw LoadError(reason: "OpenSSL refused the key's parameters")
            }
            nameIndex += 1
        }
        let octetBuffers = octets.map { UnsafeMutableRawBufferPointer.allocate(byteCount: $0.1.count, alignment: 1) }
        defer { for buffer in octetBuffers { buffer.deallocate() } }
        for (index, item) in octets.enumerated() {
            octetBuffers[index].copyBytes(from: item.1)
            guard OSSL_PARAM_BLD_push_octet_string(builder, names[nameIndex], octetBuffers[index].baseAddress,
                                                   item.1.count) == 1 else {
                throw LoadError(reason: "OpenSSL refused the key's parameters")
            }
            nameIndex += 1
        }
        guard let parameters = OSSL_PARAM_BLD_to_param(builder) else { throw LoadError(reason: "out of memory") }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw LoadError(reason: "OpenSSL has no \(type) support")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, publicKeySelection, parameters) == 1, let key else {
            throw LoadError(reason: "OpenSSL refused the key (not a valid \(type) public key)")
        }
        return key
    }

    /// `EVP_PKEY_PUBLIC_KEY`, a macro of macros that does not import: the public key and its
    /// parameters.
    private static let publicKeySelection = Int32(OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS
                                                   | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS)

    // MARK: verifying

    /// RFC 7518 §3.3 (RSASSA-PKCS1-v1_5 with SHA-256) or §3.4 (ECDSA P-256 with SHA-256, the
    /// signature being R and S as 32 bytes each, which OpenSSL wants as DER).
    func verify(signature: [UInt8], of message: [UInt8]) -> Bool {
        let signature = kind == .ecP256 ? Self.derECDSASignature(raw: signature) : signature
        guard let signature, let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    /// `ECDSA-Sig-Value` (RFC 3279 §2.2.3) from JWS's R||S; nil when it is not 64 bytes.
    static func derECDSASignature(raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 64, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        guard let r = BN_bin2bn(raw, 32, nil) else { return nil }
        guard let s = raw.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + 32, 32, nil) }) else {
            BN_free(r)
            return nil
        }
        // set0 takes both numbers over.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
