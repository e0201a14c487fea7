/// Which bearer credential a request presented, for state kept per credential (the per-token
/// rate limit) without keeping the credential: the first 128 bits of its SHA-256 digest, and
/// whether it was a signed token (JWT). A configured token keeps its key across reloads (the
/// file's order does not matter); each signed token string has its own.
public struct CredentialKey: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64
    public let isSigned: Bool

    /// `digest` is the credential's SHA-256 (32 bytes).
    init(digest: [UInt8], isSigned: Bool) {
        precondition(digest.count >= 16, "a SHA-256 digest")
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(digest[index])
            low = low << 8 | UInt64(digest[index + 8])
        }
        self.high = high
        self.low = low
        self.isSigned = isSigned
    }
}
