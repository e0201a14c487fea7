// Fuzzes page cursors, the one token a client hands back for the gateway to decode
// (`?cursor=` on the cells and query routes). The signature keeps forged payloads away from the
// payload reader in production, so the target also signs the fuzzer's bytes itself, as a
// gateway holding the key (or an attacker who stole it) would. Invariants:
// - PageCursor.decode never traps; a payload it accepts is canonical (encoding the cursor gives
//   the same bytes back), so no two payloads name one cursor;
// - a token signed over any payload is accepted exactly when the payload decodes, and yields
//   that cursor;
// - any text as a token is refused or accepted without trapping, and an accepted token is
//   the one the signer makes for its cursor.
import FuzzSupport
@testable import Gateway

let signer = CursorSigner(key: Array("fuzzing key, 32 bytes or longer!".utf8), lifetimeSeconds: Int64.max)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPageCursor(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)

    let cursor = PageCursor.decode(input)
    if let cursor {
        invariant(cursor.encoded() == input, "a payload that is not canonical was accepted: \(cursor)")
    }

    // A token over these bytes, signed with the key: accepted exactly when the payload decodes.
    let signed = Base64URL.encode(input) + "." + Base64URL.encode(HMACSHA256.mac(key: signer.key, message: input))
    if signed.utf8.count <= CursorSigner.maxTokenLength {
        let verified = try? signer.cursor(from: signed, now: cursor?.issuedAt ?? 0)
        invariant(verified == cursor, "signed payload read as \(String(describing: verified)), decoded as \(String(describing: cursor))")
    }

    // The bytes as a token, as a client would send them.
    let text = String(decoding: input, as: UTF8.self)
    if let accepted = try? signer.cursor(from: text, now: 0) {
        invariant((try? signer.token(for: accepted)) == text, "an accepted token is not the signer's own")
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzPageCursor_main`).
@_cdecl("FuzzPageCursor_main")
public func fuzzPageCursorMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPageCursor)
}
