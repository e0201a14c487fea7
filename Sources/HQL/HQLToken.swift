/// One lexical unit of HQL.
public struct HQLToken: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A bare word: keyword or name. Keywords are matched case-insensitively by the parser.
        case word(String)
        /// A quoted string (single or double quotes), escapes resolved.
        case string(String)
        /// A number as written (digits, optional fraction); the parser checks its range.
        case number(String)
        /// `/regex/` written right after `family:` in a column selector.
        case regex(String)
        /// Operators and punctuation: `= < <= > >= != =^ =~ ( ) , ; : * ^ .` and so on.
        case symbol(String)
        case end
    }

    public var kind: Kind
    public var position: HQLPosition

    public init(_ kind: Kind, at position: HQLPosition) {
        self.kind = kind
        self.position = position
    }

    /// Short human form for error messages.
    public var display: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "string \"\(s.prefix(40))\""
        case .number(let n): return "number \(n.prefix(40))"
        case .regex(let r): return "regex /\(r.prefix(40))/"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of input"
        }
    }
}
