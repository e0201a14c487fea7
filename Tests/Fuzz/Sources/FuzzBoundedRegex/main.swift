// Fuzzes the embedded broker's regex engine (ROW/VALUE/qualifier REGEXP): the input up to its
// first NUL byte is compiled as a pattern and matched against the rest (or against itself when
// there is no NUL). Invariants:
// - compiling and matching never trap, whatever the pattern (the engine's whole point);
// - rewrites that mean the same thing match the same: `(?:P)`, `P|P`, `(?:P)+` for a non-empty
//   match, and a metacharacter-free pattern searched as bytes vs. run through the NFA;
// - any piece of a UTF-8 subject, written as `\x{...}` escapes, matches it (also anchored with
//   `\A` at its start and `\z` at its end).
import FuzzSupport
import HypertableClient
@testable import HypertableEmulator

func compile(_ pattern: String) -> BoundedRegex? {
    try? BoundedRegex(pattern)
}

func escaped(_ scalars: some Sequence<Unicode.Scalar>) -> String {
    scalars.map { "\\x{" + String($0.value, radix: 16) + "}" }.joined()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBoundedRegex(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    let patternBytes: ArraySlice<UInt8>
    let subject: Bytes
    if let nul = input.firstIndex(of: 0) {
        patternBytes = input[..<nul]
        subject = Array(input[(nul + 1)...])
    } else {
        patternBytes = input[...]
        subject = input
    }
    let pattern = String(decoding: patternBytes, as: UTF8.self)
    let subjectText = String(validating: subject, as: UTF8.self)

    if let regex = compile(pattern) {
        let matched = regex.matches(subject)
        invariant(regex.matches(subject) == matched, "matching is not deterministic")
        if !pattern.hasPrefix("(?i)") {
            if let grouped = compile("(?:" + pattern + ")") {
                invariant(grouped.matches(subject) == matched, "(?:P) differs from P")
            }
            if let doubled = compile(pattern + "|" + pattern) {
                invariant(doubled.matches(subject) == matched, "P|P differs from P")
            }
            if let repeated = compile("(?:" + pattern + ")+") {
                invariant(repeated.matches(subject) == matched, "(?:P)+ differs from P")
            }
        }
        let isLiteral = !pattern.utf8.contains { "\\.^$|?*+()[]{}".utf8.contains($0) }
        if isLiteral {
            let naive = pattern.isEmpty || subject.indices.contains {
                subject[$0...].starts(with: pattern.utf8)
            }
            invariant(matched == naive, "literal search differs from a naive search")
            // The NFA reads the subject as UTF-8, so it agrees with the byte search only there.
            if subjectText != nil, let nfa = compile("(?:" + pattern + ")") {
                invariant(nfa.matches(subject) == naive, "the NFA and the literal search differ")
            }
        }
    }

    if let subjectText {
        let scalars = Array(subjectText.unicodeScalars.prefix(300))
        var random = InputRandom(seededBy: input)
        let lower = scalars.isEmpty ? 0 : random.next(below: scalars.count)
        let upper = lower + (scalars.count == lower ? 0 : random.next(below: scalars.count - lower + 1))
        let piece = escaped(scalars[lower..<upper])
        for (text, what) in [(piece, "piece"), ("\\A" + escaped(scalars[..<upper]), "prefix")] {
            guard let regex = compile(text) else {
                invariant(false, "escaped \(what) does not compile: \(text)")
                continue
            }
            invariant(regex.matches(subject), "escaped \(what) \(text) does not match its subject")
        }
        if scalars.count == subjectText.unicodeScalars.count {
            let suffix = escaped(scalars[lower...]) + "\\z"
            invariant(compile(suffix)?.matches(subject) == true, "escaped suffix \(suffix) does not match")
        }
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzBoundedRegex_main`).
@_cdecl("FuzzBoundedRegex_main")
public func fuzzBoundedRegexMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzBoundedRegex)
}
