/// A value for one `?` of a parameterized statement.
public enum HQLParameter: Sendable, Hashable {
    /// Text, bound as a quoted string literal.
    case string(String)
    /// Bytes, bound as a quoted string literal; they must be UTF-8, since a statement is text.
    case bytes([UInt8])
    /// A non-negative integer, bound as a number literal (HQL has no negative literal).
    case integer(Int64)
    /// A date and time HQL reads (`2026-01-01 00:00:00[.nnnnnnnnn]`), checked, then bound as a
    /// quoted string literal.
    case timestamp(String)
}

/// Why parameters could not be bound: the statement is refused before anything runs.
public struct HQLBindingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The statement has another number of `?` than parameters were given.
        case countMismatch
        /// A `?` stands where HQL takes no literal (a name, a keyword, a qualifier...).
        case notAValuePosition
        /// The parameter does not fit its place (text where a count goes, a negative count,
        /// bytes that are not UTF-8, a timestamp HQL cannot read).
        case badValue
        /// The statement does not lex, or does not parse once bound.
        case invalidStatement
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Binds `?` placeholders to literals by token position, never by pasting text: the
/// statement is lexed (`HQLLexer` with placeholders), each `?` token must stand where HQL
/// takes a literal, and its bytes are replaced by the parameter written as ONE literal token
/// (a quoted string holding the value as it is, HQL strings having no escapes, or a number;
/// a value no string literal can hold is refused).
/// The result is lexed again and must give the same tokens with each `?` replaced by exactly
/// its literal holding exactly the parameter, and must parse: so no parameter value can
/// change the statement's shape.
///
/// Where a literal goes: right after a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `=^`),
/// after `REGEXP`, inside the value lists of `INSERT ... VALUES (...)` (an integer is bound
/// quoted in all these: Hypertable's grammar takes a string literal there), and (integers
/// only, as numbers) after `LIMIT`, `ROW_LIMIT`, `OFFSET`, `CELL_OFFSET`, `CELL_LIMIT`,
/// `CELL_LIMIT_PER_FAMILY`, `REVS`, `REVISIONS`, `MAX_REVISIONS` and `MAX_VERSIONS`. An INSERT's column and value lose every quote
/// character at their ends in Hypertable's parser, so a value for one of them that begins or
/// ends with `'` or `"` is refused: it could not read back as given.
public enum HQLParameterBinder {
    static let comparisons: Set<String> = ["=", "!=", "<", "<=", ">", ">=", "=^"]
    static let countKeywords: Set<String> = [
        "LIMIT", "ROW_LIMIT", "OFFSET", "CELL_OFFSET", "CELL_LIMIT", "CELL_LIMIT_PER_FAMILY", "REVS", "REVISIONS",
        "MAX_REVISIONS", "MAX_VERSIONS",
    ]

    /// `hql` with its `?` placeholders replaced by `parameters`, in order.
    public static func bind(_ hql: String, _ parameters: [HQLParameter]) throws(HQLBindingError) -> String {
        let tokens = try lex(hql)
        let places = try placeholders(tokens)
        guard places.count == parameters.count else {
            throw HQLBindingError(.countMismatch,
                                  "the statement has \(places.count) placeholder(s) and \(parameters.count) parameter(s) were given")
        }
        var bytes = Array(hql.utf8)
        var literals: [HQLToken.Kind] = []
        // From the last placeholder back, so earlier offsets stay valid.
        for (place, parameter) in zip(places, parameters).reversed() {
            var (text, kind) = try literal(parameter, countOnly: place.countOnly,
                                           at: tokens[place.index].position)
            // Where a value goes, Hypertable's grammar takes a string literal, never a number.
            if !place.countOnly, case .number(let digits) = kind {
                (text, kind) = ("'" + digits + "'", .string(digits))
            }
            let isQuote: (UInt8) -> Bool = { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") }
            if place.quotesTrimmed, case .string(let value) = kind, let first = value.utf8.first,
               let last = value.utf8.last, isQuote(first) || isQuote(last) {
                throw HQLBindingError(.badValue, "the parameter at \(tokens[place.index].position) begins or ends with a quote "
                                      + "character, which Hypertable trims from an INSERT's column and value")
            }
            let offset = tokens[place.index].position.offset
            bytes.replaceSubrange(offset..<(offset + 1), with: Array(text.utf8))
            literals.insert(kind, at: 0)
        }
        let bound = String(decoding: bytes, as: UTF8.self)
        try verify(bound, original: tokens, places: places.map(\.index), literals: literals)
        return bound
    }

    /// The literal for `parameter`, and the token it must lex back to.
    private static func literal(_ parameter: HQLParameter, countOnly: Bool,
                                at position: HQLPosition) throws(HQLBindingError) -> (text: String, kind: HQLToken.Kind) {
        switch parameter {
        case .integer(let value):
            guard value >= 0 else {
                throw HQLBindingError(.badValue, "the parameter at \(position) is negative; HQL has no negative literal")
            }
            return (String(value), .number(String(value)))
        case _ where countOnly:
            throw HQLBindingError(.badValue, "the parameter at \(position) must be an integer")
        case .string(let text):
            return (try quotedOrRefused(text, at: position), .string(text))
        case .bytes(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw HQLBindingError(.badValue, "the byte string for the parameter at \(position) is not UTF-8; an HQL statement is text")
            }
            return (try quotedOrRefused(text, at: position), .string(text))
        case .timestamp(let text):
            guard HQLTimestamp.parse(text) != nil else {
                throw HQLBindingError(.badValue, "the parameter at \(position) is not a timestamp HQL reads (YYYY-MM-DD HH:MM:SS[.nanoseconds])")
            }
            return (try quotedOrRefused(text, at: position), .string(text))
        }
    }

    /// `text` as a string literal Hypertable reads back as exactly `text`, or nil when there is
    /// none. HQL strings have no escapes (the bytes between the quotes are the value, a
    /// backslash and the character after it read as one unit), so `text` goes between single
    /// quotes, or double quotes when it holds a single one, as it is; it must not hold the
    /// chosen quote outside such a unit, end in a lone backslash, or hold NUL (the broker
    /// reads the statement as a C string).
    static func quoted(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.contains(0) { return nil }
        for quote in [UInt8(ascii: "'"), UInt8(ascii: "\"")] where fits(bytes, between: quote) {
            let q = String(UnicodeScalar(quote))
            return q + text + q
        }
        return nil
    }

    /// Whether `bytes` read as the inside of a string quoted with `quote` end exactly at the
    /// closing quote.
    private static func fits(_ bytes: [UInt8], between quote: UInt8) -> Bool {
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                if i + 1 == bytes.count { return false }
                i += 2
            } else if bytes[i] == quote {
                return false
            } else {
                i += 1
            }
        }
        return true
    }

    private static func quotedOrRefused(_ text: String, at position: HQLPosition) throws(HQLBindingError) -> String {
        guard let literal = quoted(text) else {
            throw HQLBindingError(.badValue, "the parameter at \(position) cannot be written as an HQL string: HQL strings have "
                                  + "no escapes, so a value may not hold both quote characters, end in a backslash, or hold NUL")
        }
        return literal
    }

    private static func lex(_ hql: String) throws(HQLBindingError) -> [HQLToken] {
        do {
            return try HQLLexer.tokenize(hql, placeholders: true)
        } catch {
            throw HQLBindingError(.invalidStatement, "the statement does not lex: \(error)")
        }
    }

    struct Place {
        var index: Int
        var countOnly: Bool
        /// An INSERT tuple's column or value (its last two fields), which Hypertable reads
        /// with every quote character trimmed from both ends.
        var quotesTrimmed = false
    }

    /// Every `?` token and whether only a count may go there; refuses a `?` anywhere else.
    static func placeholders(_ tokens: [HQLToken]) throws(HQLBindingError) -> [Place] {
        var places: [Place] = []
        var inValues = false
        var depth = 0
        // The places in the INSERT tuple being read, with their field numbers.
        var tuple: [(place: Int, field: Int)] = []
        var field = 0
        for (index, token) in tokens.enumerated() {
            if case .word(let word) = token.kind, word.uppercased() == "VALUES" { inValues = true }
            if case .symbol(let symbol) = token.kind {
                if symbol == "(" {
                    depth += 1
                    if inValues && depth == 1 { tuple = []; field = 0 }
                }
                if symbol == "," && inValues && depth == 1 { field += 1 }
                if symbol == ")" {
                    if inValues && depth == 1 {
                        for (place, f) in tuple where f >= field - 1 { places[place].quotesTrimmed = true }
                    }
                    depth -= 1
                }
            }
            guard token.kind == .symbol("?") else { continue }
            let previous = index > 0 ? tokens[index - 1].kind : .end
            switch previous {
            case .symbol(let symbol) where comparisons.contains(symbol):
                places.append(Place(index: index, countOnly: false))
            case .symbol(let symbol) where inValues && depth == 1 && (symbol == "(" || symbol == ","):
                tuple.append((places.count, field))
                places.append(Place(index: index, countOnly: false))
            case .word(let word) where word.uppercased() == "REGEXP":
                places.append(Place(index: index, countOnly: false))
            case .word(let word) where countKeywords.contains(word.uppercased()):
                places.append(Place(index: index, countOnly: true))
            default:
                throw HQLBindingError(.notAValuePosition,
                                      "the placeholder at \(token.position) is not where HQL takes a literal value")
            }
        }
        return places
    }

    /// The bound statement lexes to the original tokens with each `?` become its literal,
    /// and parses.
    private static func verify(_ bound: String, original: [HQLToken], places: [Int],
                               literals: [HQLToken.Kind]) throws(HQLBindingError) {
        var expected = original.map(\.kind)
        for (index, kind) in zip(places, literals) { expected[index] = kind }
        let relexed: [HQLToken.Kind]
        do {
            relexed = try HQLLexer.tokenize(bound).map(\.kind)
        } catch {
            throw HQLBindingError(.invalidStatement, "the bound statement does not lex: \(error)")
        }
        guard relexed == expected else {
            throw HQLBindingError(.invalidStatement, "a parameter did not bind as one literal")
        }
        do {
            _ = try HQLParser.parse(bound)
        } catch {
            throw HQLBindingError(.invalidStatement, "the bound statement does not parse: \(error)")
        }
    }
}
