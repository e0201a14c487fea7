/// Recursive-descent parser from HQL text to `HQLStatement`s. The grammar is Hypertable's
/// (doc/markdown/hql/*.md); keywords are case-insensitive and matched in context, so a
/// column family may be called `timestamp` or `row`. The grammar nests only one level (OR
/// lists in parentheses), so no input can exhaust the stack.
public struct HQLParser {
    var tokens: [HQLToken]
    var index = 0
    /// The token index after the last point where the statement being read was whole; a
    /// grammar error after it lies in an optional part (`!where_clause`, `*(option_spec)`,
    /// another value or table option), which Hypertable's parser backs out of and stops at.
    var wholeUpTo: Int?

    init(tokens: [HQLToken]) {
        self.tokens = tokens
    }

    /// Parses exactly one statement (a trailing `;` is allowed).
    /// A statement the grammar cannot match is worded as Hypertable words it
    /// (`parse error at: ...`, the parser's own account in `HQLError.detail`).
    /// The commonest point SELECT is read by `HQLPointSelect` without tokens; it answers
    /// what the full parse would.
    public static func parse(_ text: String) throws(HQLError) -> HQLStatement {
        if let statement = HQLPointSelect.recognize(text) { return statement }
        let statements: [HQLStatement]
        do { statements = try parseScript(text) } catch { throw error.wordedAsHypertable(in: text) }
        guard statements.count == 1, let first = statements.first else {
            throw HQLError(.invalidStatement, at: HQLPosition(line: 1, column: 1, offset: 0),
                           "Expected exactly one statement, found \(statements.count)")
        }
        return first
    }

    /// Parses `;`-separated statements; empty statements are skipped, but an input without
    /// any statement is an error. A grammar error records where the parse stopped as
    /// Hypertable's does (`HQLError.statementEnd`): after the last point where the statement
    /// was whole, or at its start. A lexical error is placed the same way, by parsing the
    /// tokens before it.
    public static func parseScript(_ text: String) throws(HQLError) -> [HQLStatement] {
        let (tokens, lexical) = HQLLexer.tokenizeUpToError(text)
        var parser = HQLParser(tokens: tokens)
        var statements: [HQLStatement] = []
        while !parser.atEnd {
            if parser.acceptSymbol(";") { continue }
            parser.wholeUpTo = nil
            do {
                statements.append(try parser.statement())
            } catch {
                // Out of tokens where the bad one stood: the lexical error is the cause.
                var stopped = error
                if let lexical, error.kind == .unexpectedEnd, parser.atEnd { stopped = lexical }
                stopped.statementEnd = parser.wholeUpTo.map { parser.tokens[$0].position.offset }
                throw stopped
            }
            if !parser.atEnd && !parser.acceptSymbol(";") {
                var error = parser.unexpected("';' or the end of the statement")
                error.statementEnd = parser.current.position.offset
                throw error
            }
        }
        if var lexical {
            // Every statement before the bad token was whole: the parse stopped at it.
            lexical.statementEnd = lexical.position.offset
            throw lexical
        }
        if statements.isEmpty {
            throw HQLError(.emptyInput, at: parser.current.position, "Empty HQL statement")
        }
        return statements
    }

    // MARK: token helpers

    var current: HQLToken { tokens[min(index, tokens.count - 1)] }
    var atEnd: Bool { current.kind == .end }

    /// Marks the statement read so far as whole (see `wholeUpTo`).
    mutating func statementMayEndHere() { wholeUpTo = index }

    func token(at offset: Int) -> HQLToken { tokens[min(index + offset, tokens.count - 1)] }

    func isWord(_ keyword: String, at offset: Int = 0) -> Bool {
        if case .word(let w) = token(at: offset).kind { return w.equalsKeyword(keyword) }
        return false
    }

    func isSymbol(_ symbol: String, at offset: Int = 0) -> Bool {
        token(at: offset).kind == .symbol(symbol)
    }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    mutating func acceptWord(_ keyword: String) -> Bool {
        if isWord(keyword) { advance(); return true }
        return false
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        if isSymbol(symbol) { advance(); return true }
        return false
    }

    func unexpected(_ expected: String) -> HQLError {
        let t = current
        if t.kind == .end {
            return HQLError(.unexpectedEnd, at: t.position, "Expected \(expected), found end of input")
        }
        return HQLError(.unexpectedToken, at: t.position, "Expected \(expected), found \(t.display)")
    }

    mutating func expectWord(_ keyword: String) throws(HQLError) {
        guard acceptWord(keyword) else { throw unexpected(keyword) }
    }

    mutating func expectSymbol(_ symbol: String) throws(HQLError) {
        guard acceptSymbol(symbol) else { throw unexpected("'\(symbol)'") }
    }

    /// The words Hypertable's grammar takes for no name (its `keywords`, spelt as listed there:
    /// case matters, and `WAITfor` is one word, its list missing a comma after `WAIT`). Its
    /// `identifier` is any other word; a keyword can be a name only quoted.
    static let reservedWords: Set<String> = [
        "access", "ACCESS", "Access", "GROUP", "group", "Group", "from", "FROM", "From",
        "start_time", "START_TIME", "Start_Time", "Start_time", "end_time", "END_TIME", "End_Time", "End_time",
        "into", "INTO", "Into", "table", "TABLE", "Table", "NAMESPACE", "Namespace", "cells", "CELLS",
        "value", "VALUE", "regexp", "REGEXP", "wait", "WAITfor", "FOR", "maintenance", "MAINTENANCE",
        "index", "INDEX", "qualifier", "QUALIFIER",
    ]

    /// Whether a bare word can be a name: Hypertable's `identifier` is a letter, then letters,
    /// digits and `_`, and no keyword (`reservedWords`).
    static func isIdentifier(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { isIdentifier($0) }
    }

    /// `isIdentifier` for a word's bytes read in place (`HQLPointSelect`): compared with the
    /// few keywords of its length, with no `String` made (nor hashed) to check it.
    static func isIdentifier(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.first != UInt8(ascii: "_") else { return false }
        let byLength = reservedWordsByLength
        return word.count >= byLength.count || !byLength[word.count].contains { $0.elementsEqual(word) }
    }

    /// `reservedWords`' bytes, at the index of their length.
    private static let reservedWordsByLength: [[[UInt8]]] = {
        var byLength = [[[UInt8]]](repeating: [], count: (reservedWords.map(\.utf8.count).max() ?? 0) + 1)
        for word in reservedWords { byLength[word.utf8.count].append(Array(word.utf8)) }
        return byLength
    }()

    /// A name: a bare word that is an identifier (`isIdentifier`), or a quoted string.
    mutating func name(_ what: String) throws(HQLError) -> String {
        switch current.kind {
        case .word(let w):
            guard Self.isIdentifier(w) else { throw unexpected(what) }
            advance()
            return w
        case .string(let s):
            guard !s.isEmpty else {
                throw HQLError(.invalidStatement, at: current.position, "Empty \(what)")
            }
            advance(); return s
        default: throw unexpected(what)
        }
    }

    /// A namespace or table path: a quoted string (`'/app/prod'`), or one bare name. Hypertable's
    /// `user_identifier` takes no `/` outside quotes: `USE app/prod` is a parse error at `/prod`.
    mutating func path(_ what: String) throws(HQLError) -> String {
        if case .string(let s) = current.kind { advance(); return s }
        return try name(what)
    }

    /// A literal value: a quoted string, as Hypertable's grammar takes every value, key,
    /// timestamp and pattern (`string_literal`); a bare word or number there is a parse error.
    mutating func literal(_ what: String) throws(HQLError) -> String {
        guard case .string(let s) = current.kind else { throw unexpected("\(what) (a quoted string)") }
        advance()
        return s
    }

    /// A column qualifier (`user_identifier`): a bare word that is no keyword, or a quoted
    /// string (which may be empty).
    mutating func qualifier() throws(HQLError) -> String {
        switch current.kind {
        case .word(let w) where Self.isIdentifier(w): advance(); return w
        case .string(let s): advance(); return s
        default: throw unexpected("a column qualifier")
        }
    }

    mutating func int32(_ what: String) throws(HQLError) -> Int32 {
        _ = acceptSymbol("=")
        guard case .number(let n) = current.kind else { throw unexpected("a number for \(what)") }
        guard let value = Int32(n) else {
            throw HQLError(.numberOutOfRange, at: current.position, "Number \(n.prefix(40)) out of range for \(what)")
        }
        advance()
        return value
    }

    mutating func optionalBool() -> Bool {
        if acceptWord("FALSE") { return false }
        _ = acceptWord("TRUE")
        return true
    }

    mutating func timestamp() throws(HQLError) -> Int64 {
        let position = current.position
        let text: String
        switch current.kind {
        case .string(let s): text = s
        default: throw unexpected("a timestamp (a quoted string)")
        }
        guard let value = HQLTimestamp.parse(text) else {
            throw HQLError(.badTimestamp, at: position, "Bad timestamp '\(text.prefix(40))'")
        }
        advance()
        return value
    }

    // MARK: statements

    mutating func statement() throws(HQLError) -> HQLStatement {
        let start = current
        if acceptWord("CREATE") {
            if acceptWord("NAMESPACE") || acceptWord("DATABASE") {
                // `name !(IF NOT EXISTS)`: Hypertable's grammar takes it after the name only
                // (before it, IF is read as the name).
                let name = try path("namespace name")
                statementMayEndHere()
                return .createNamespace(name: name, ifNotExists: try ifNotExistsClause())
            }
            if acceptWord("TABLE") { return try createTable() }
            throw unexpected("NAMESPACE or TABLE")
        }
        if acceptWord("DROP") {
            if acceptWord("NAMESPACE") || acceptWord("DATABASE") {
                let ifExists = ifExistsClause()
                return .dropNamespace(name: try path("namespace name"), ifExists: ifExists)
            }
            if acceptWord("TABLE") {
                let ifExists = ifExistsClause()
                return .dropTable(name: try path("table name"), ifExists: ifExists)
            }
            throw unexpected("NAMESPACE or TABLE")
        }
        if acceptWord("USE") { return .use(namespace: try path("namespace name")) }
        if acceptWord("REBUILD") {
            // `REBUILD [VALUE | QUALIFIER]* INDICES table`; without a kind, both.
            var kinds: Set<HQLAlterTable.IndexKind> = []
            while true {
                if acceptWord("VALUE") { kinds.insert(.value) } else if acceptWord("QUALIFIER") { kinds.insert(.qualifier) } else { break }
            }
            try expectWord("INDICES")
            return .rebuildIndices(table: try path("table name"), kinds: kinds.isEmpty ? [.value, .qualifier] : kinds)
        }
        if acceptWord("ALTER") {
            try expectWord("TABLE")
            return try alterTable()
        }
        if acceptWord("RENAME") {
            try expectWord("TABLE")
            let from = try path("table name")
            try expectWord("TO")
            return .renameTable(from: from, to: try path("table name"))
        }
        if acceptWord("SHOW") {
            if acceptWord("TABLES") { return .showTables }
            if acceptWord("CREATE") {
                try expectWord("TABLE")
                return .showCreateTable(name: try path("table name"))
            }
            throw unexpected("TABLES or CREATE TABLE")
        }
        if acceptWord("DESCRIBE") {
            try expectWord("TABLE")
            var withIDs = false
            if isWord("WITH") && isWord("IDS", at: 1) {
                advance(); advance()
                withIDs = true
            }
            return .describeTable(name: try path("table name"), withIDs: withIDs)
        }
        if acceptWord("GET") {
            try expectWord("LISTING")
            return .getListing
        }
        if acceptWord("EXISTS") {
            try expectWord("TABLE")
            return .existsTable(name: try path("table name"))
        }
        if acceptWord("INSERT") { return try insert() }
        if acceptWord("SELECT") { return .select(try select()) }
        if acceptWord("DELETE") { return .delete(try delete()) }
        throw HQLError(.invalidStatement, at: start.position, "Unknown or unsupported statement at \(start.display)")
    }

    mutating func ifNotExistsClause() throws(HQLError) -> Bool {
        guard acceptWord("IF") else { return false }
        try expectWord("NOT")
        try expectWord("EXISTS")
        return true
    }

    /// `!(IF >> EXISTS)`, as Hypertable's grammar reads it: taken whole or not at all, so
    /// `DROP TABLE IF` drops a table called `IF` (IF is no keyword of Hypertable's), and
    /// `DROP TABLE IF EXISTS` with no name fails.
    mutating func ifExistsClause() -> Bool {
        guard isWord("IF") && isWord("EXISTS", at: 1) else { return false }
        advance()
        advance()
        return true
    }
}

extension String {
    /// Whether this word is `keyword` (upper-case ASCII) in any letter case, compared byte by
    /// byte: keywords are matched on every token, and upper-casing a copy each time allocated.
    /// Only ASCII letters fold, so no non-ASCII word can pass for a keyword.
    func equalsKeyword(_ keyword: String) -> Bool {
        let word = utf8, key = keyword.utf8
        guard word.count == key.count else { return false }
        return zip(word, key).allSatisfy { byte, expected in
            (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == expected
        }
    }
}
