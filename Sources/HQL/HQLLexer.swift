/// Turns HQL text into tokens. Works on UTF-8 bytes, so any input (even invalid UTF-8
/// repaired by `String`) lexes to tokens or a typed `HQLError`, never a crash.
///
/// Accepted lexically (Hypertable's HqlParser grammar): words `[A-Za-z_][A-Za-z0-9_]*`,
/// strings in `'...'` or `"..."`, numbers, the operators
/// `= < <= > >= != =^ =~`, punctuation, and comments `# ...`, `-- ...` to end of line and
/// `/* ... */`.
///
/// A string is its bytes between the quotes, as they are: Hypertable's grammar reads a
/// backslash and the character after it as one unit (`lex_escape_ch_p`), so `\'` inside
/// `'...'` does not end the string, but nothing is unescaped (`strip_quotes` only takes the
/// quotes off): `"row\t25"` is `row`, a backslash, `t25`. A string can therefore not hold its
/// own quote character unescaped, nor end in a lone backslash.
public struct HQLLexer {
    private let bytes: [UInt8]
    private let placeholders: Bool
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// - Parameter placeholders: `?` outside strings, regexes and comments is the symbol `?`
    ///   (a parameter to bind, `HQLParameterBinder`) instead of an unexpected character.
    public init(_ text: String, placeholders: Bool = false) {
        bytes = Array(text.utf8)
        self.placeholders = placeholders
    }

    /// Every token of the input, ending with `.end`.
    public static func tokenize(_ text: String, placeholders: Bool = false) throws(HQLError) -> [HQLToken] {
        var lexer = HQLLexer(text, placeholders: placeholders)
        var tokens: [HQLToken] = []
        tokens.reserveCapacity(16)
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// The tokens before the first lexical error, ending with an `.end` token where that error
    /// stands, and the error (nil when the whole input lexed). A parser reads these to find
    /// how much of a statement was whole before the bad token, as Hypertable's single-pass
    /// parser does.
    static func tokenizeUpToError(_ text: String) -> (tokens: [HQLToken], error: HQLError?) {
        var lexer = HQLLexer(text)
        var tokens: [HQLToken] = []
        tokens.reserveCapacity(16)
        while true {
            do {
                let token = try lexer.next()
                tokens.append(token)
                if token.kind == .end { return (tokens, nil) }
            } catch {
                tokens.append(HQLToken(.end, at: error.position))
                return (tokens, error)
            }
        }
    }

    private var position: HQLPosition {
        HQLPosition(line: line, column: index - lineStart + 1, offset: index)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    private mutating func skipSpaceAndComments() throws(HQLError) {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C || c == 0x0B {
                advance()
            } else if c == UInt8(ascii: "#") || (c == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) {
                while let d = peek(), d != 0x0A { advance() }
            } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                let start = position
                advance(); advance()
                while true {
                    guard let d = peek() else {
                        throw HQLError(.unterminatedComment, at: start, "Unterminated comment")
                    }
                    if d == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                        advance(); advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private static func isWordStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private var previousSignificant: UInt8?

    /// The next token.
    public mutating func next() throws(HQLError) -> HQLToken {
        try skipSpaceAndComments()
        let start = position
        guard let c = peek() else { return HQLToken(.end, at: start) }
        defer { previousSignificant = index > 0 ? bytes[index - 1] : nil }

        if Self.isWordStart(c) {
            let from = index
            while let d = peek(), Self.isWordStart(d) || Self.isDigit(d) { advance() }
            return HQLToken(.word(String(decoding: bytes[from..<index], as: UTF8.self)), at: start)
        }
        if Self.isDigit(c) {
            let from = index
            while let d = peek(), Self.isDigit(d) { advance() }
            if peek() == UInt8(ascii: "."), let d = peek(1), Self.isDigit(d) {
                advance()
                while let d = peek(), Self.isDigit(d) { advance() }
            }
            return HQLToken(.number(String(decoding: bytes[from..<index], as: UTF8.self)), at: start)
        }
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            return HQLToken(.string(try quoted(c, start: start)), at: start)
        }
        // `family:/regex/` and `family =~ /regex/`: a slash right after a colon or `=~`
        // opens a regular expression.
        if c == UInt8(ascii: "/") && (previousSignificant == UInt8(ascii: ":") || previousSignificant == UInt8(ascii: "~")) {
            advance()
            var out: [UInt8] = []
            while true {
                guard let d = peek() else {
                    throw HQLError(.unterminatedRegex, at: start, "Unterminated regular expression")
                }
                advance()
                if d == UInt8(ascii: "\\"), let e = peek(), e == UInt8(ascii: "/") {
                    advance()
                    out.append(e)
                } else if d == UInt8(ascii: "/") {
                    break
                } else {
                    out.append(d)
                }
            }
            return HQLToken(.regex(String(decoding: out, as: UTF8.self)), at: start)
        }
        if let d = peek(1), let pair = Self.pairSymbol(c, d) {
            advance(); advance()
            return HQLToken(.symbol(pair), at: start)
        }
        if Self.isSingleSymbol(c) || (placeholders && c == UInt8(ascii: "?")) {
            advance()
            return HQLToken(.symbol(String(UnicodeScalar(c))), at: start)
        }
        let shown = c >= 0x20 && c < 0x7F ? "'\(String(decoding: [c], as: UTF8.self))'" : "byte 0x\(String(c, radix: 16))"
        throw HQLError(.unexpectedCharacter, at: start, "Unexpected character \(shown)")
    }

    /// `<= >= != =^ =~`, and `==` read as `=`; checked on every symbol, so no table is built.
    private static func pairSymbol(_ c: UInt8, _ d: UInt8) -> String? {
        switch (c, d) {
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): return "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): return ">="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): return "!="
        case (UInt8(ascii: "="), UInt8(ascii: "^")): return "=^"
        case (UInt8(ascii: "="), UInt8(ascii: "~")): return "=~"
        case (UInt8(ascii: "="), UInt8(ascii: "=")): return "="
        default: return nil
        }
    }

    private static func isSingleSymbol(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "*"), UInt8(ascii: "^"),
             UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "["),
             UInt8(ascii: "]"):
            return true
        default:
            return false
        }
    }

    private mutating func quoted(_ quote: UInt8, start: HQLPosition) throws(HQLError) -> String {
        advance()
        var out: [UInt8] = []
        while true {
            guard let d = peek() else {
                throw HQLError(.unterminatedString, at: start, "Unterminated string")
            }
            advance()
            if d == quote { break }
            out.append(d)
            if d == UInt8(ascii: "\\") {
                // The escaped character is kept, and cannot end the string.
                guard let e = peek() else {
                    throw HQLError(.unterminatedString, at: start, "Unterminated string")
                }
                advance()
                out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
