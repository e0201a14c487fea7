/// Why a signed token was not accepted. Each `description` is fit for RFC 6750 §3's
/// `error_description` (printable ASCII without `"` or `\`) and repeats nothing from the token.
public enum JWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Longer than `JWTVerifier.maximumLength`: refused before anything is decoded.
    case tooLong
    /// Not three base64url parts, or a header or payload that is not a JSON object.
    case malformed
    /// `alg` is missing, `none`, unknown, or not one the configured keys can check
    /// (HS256 without a shared secret: no algorithm confusion with a public key).
    case algorithmNotAccepted
    /// `crit` names extensions; none are understood (RFC 7515 §4.1.11).
    case unsupportedCritical
    /// No configured key of the algorithm's type (and `kid`, when the token names one).
    case noMatchingKey
    case badSignature
    case expired
    case notYetValid
    /// `aud` does not name the configured audience, or names one when none is configured.
    case audienceMismatch
    /// A registered or mapped claim has the wrong type.
    case claimMalformed

    public var description: String {
        switch self {
        case .tooLong: return "the token is too long"
        case .malformed: return "the token is not a well-formed JWT"
        case .algorithmNotAccepted: return "the token's algorithm is not accepted"
        case .unsupportedCritical: return "the token names critical extensions"
        case .noMatchingKey: return "no configured key matches the token"
        case .badSignature: return "the token's signature does not verify"
        case .expired: return "the token has expired"
        case .notYetValid: return "the token is not valid yet"
        case .audienceMismatch: return "the token's audience does not match"
        case .claimMalformed: return "a claim of the token has the wrong type"
        }
    }
}
