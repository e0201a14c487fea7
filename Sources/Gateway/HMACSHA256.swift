import COpenSSL

/// HMAC-SHA256 (RFC 2104, FIPS 198-1) from OpenSSL, which signs page cursors; and the random
/// key a process signs with when no shared one is configured.
enum HMACSHA256 {
    static let macLength = 32

    static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: macLength)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { input in
                mac.withUnsafeMutableBytes { output in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                         output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        // HMAC fails only without memory; a cursor that cannot be signed must never verify.
        precondition(result != nil && length == UInt32(macLength), "HMAC-SHA256 unavailable from OpenSSL")
        return mac
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    static func randomKey(count: Int = 32) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: count)
        let ok = key.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        precondition(ok == 1, "no random bytes from OpenSSL")
        return key
    }
}
