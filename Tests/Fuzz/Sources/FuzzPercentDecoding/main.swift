// Fuzzes percent-decoding of paths and queries (what every route sees of a request-target).
// Invariants:
// - `decode` agrees with a plain reference decoder, with and without `+` as space;
// - every byte string, fully percent-encoded, decodes back to itself;
// - path segments: one per `/`, each the decoding of its raw segment, or nil exactly when some
//   raw segment has a malformed escape;
// - query items: one per non-empty `&`-separated part, a malformed escape kept literally.
import FuzzSupport
@testable import HTTPServer

func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
}

func referenceDecode(_ bytes: [UInt8], plusAsSpace: Bool) -> [UInt8]? {
    var output: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x25 {
            guard i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) else { return nil }
            output.append(high * 16 + low)
            i += 3
        } else {
            output.append(plusAsSpace && bytes[i] == 0x2B ? 0x20 : bytes[i])
            i += 1
        }
    }
    return output
}

func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    // Appended in place: a three-byte array per input byte made this the target's slowest step.
    var encoded: [UInt8] = []
    encoded.reserveCapacity(bytes.count * 3)
    for byte in bytes {
        encoded.append(0x25)
        encoded.append(digits[Int(byte >> 4)])
        encoded.append(digits[Int(byte & 15)])
    }
    return encoded
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPercentDecoding(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    for plus in [false, true] {
        let decoded = PercentDecoding.decode(input, plusAsSpace: plus)
        invariant(decoded == referenceDecode(input, plusAsSpace: plus), "decode disagrees with the reference")
        invariant(PercentDecoding.decode(input[...], plusAsSpace: plus) == decoded, "slice and array decode differ")
    }
    invariant(PercentDecoding.decode(percentEncoded(input)) == input, "encoded bytes do not decode to themselves")

    // Paths and queries arrive as Strings built from the request-target's bytes.
    let text = String(decoding: input, as: UTF8.self)
    let utf8 = Array(text.utf8)
    var raw = utf8[...]
    if raw.first == 0x2F { raw = raw.dropFirst() }
    let rawSegments = raw.isEmpty ? [] : raw.split(separator: 0x2F, omittingEmptySubsequences: false).map(Array.init)
    let expected = rawSegments.map { referenceDecode($0, plusAsSpace: false) }
    if let segments = PercentDecoding.pathSegments(text) {
        invariant(!expected.contains(nil) && segments.map(\.bytes) == expected.map { $0 ?? [] },
                  "path segments differ from the raw segments' decodings")
    } else {
        invariant(expected.contains(nil), "pathSegments refused a path whose segments all decode")
    }
    if let string = PercentDecoding.decodeToString(text) {
        invariant(Array(string.utf8) == referenceDecode(utf8, plusAsSpace: false), "decodeToString differs")
    }

    let parts = utf8.split(separator: 0x26)
    let items = PercentDecoding.queryItems(text)
    invariant(items.count == parts.count, "\(items.count) query items for \(parts.count) parts")
    for (item, part) in zip(items, parts) {
        let equals = part.firstIndex(of: 0x3D)
        let rawName = Array(equals.map { part[..<$0] } ?? part)
        let rawValue = Array(equals.map { part[($0 + 1)...] } ?? [])
        invariant(item.nameBytes == (referenceDecode(rawName, plusAsSpace: true) ?? rawName), "query name")
        invariant(item.valueBytes == (referenceDecode(rawValue, plusAsSpace: true) ?? rawValue), "query value")
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzPercentDecoding_main`).
@_cdecl("FuzzPercentDecoding_main")
public func fuzzPercentDecodingMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPercentDecoding)
}
