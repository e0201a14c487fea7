import COpenSSL

/// SHA-256 (FIPS 180-4) from OpenSSL, which the gateway links for TLS anyway, used to compare
/// bearer tokens in constant time: digests have one length whatever the token's, so comparing
/// them leaks neither a token's length nor how many of its leading bytes a guess got right.
enum SHA256 {
    static let digestLength = 32

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let ok = message.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress?.assumingMemoryBound(to: UInt8.self),
                           &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only without memory; a token that cannot be hashed must never match.
        precondition(ok == 1 && length == UInt32(digestLength), "SHA-256 unavailable from OpenSSL")
        return digest
    }

    /// Equal lengths compared with OpenSSL's `CRYPTO_memcmp`, whose time does not depend on
    /// where the bytes differ; different lengths are unequal (digests always have one length).
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }
}
