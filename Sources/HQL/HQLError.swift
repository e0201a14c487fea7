/// A place in HQL source text: 1-based line and column (in UTF-8 bytes), 0-based byte offset.
public struct HQLPosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Why a statement was refused: lexical and syntax errors, each with the position where the
/// parser stopped. The broker answers them with HQL_PARSE_ERROR, except `badCommand`: what
/// Hypertable's parser itself reports as HQL_BAD_COMMAND (a well-formed statement that asks
/// for something contradictory, such as a second index on one family).
public struct HQLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case unterminatedString
        case unterminatedComment
        case unterminatedRegex
        case unexpectedCharacter
        case unexpectedToken
        case unexpectedEnd
        case numberOutOfRange
        case badTimestamp
        case invalidStatement
        case badCommand
        case emptyInput
    }

    public var kind: Kind
    public var position: HQLPosition
    /// As Hypertable words it: for a statement its grammar cannot match at all,
    /// `parse error at: <rest> (<statement>)` (`HqlInterpreter::execute`).
    public var message: String
    /// This parser's own account of a grammar error (`Expected ..., found ...`), when
    /// `message` is Hypertable's less specific one.
    public var detail: String?
    /// Where a complete statement ended when tokens followed it (the parse stops there).
    var statementEnd: Int?

    public init(_ kind: Kind, at position: HQLPosition, _ message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    public var description: String {
        if let detail { return "\(message): \(detail) at \(position)" }
        return "\(message) at \(position)"
    }

    /// The kinds that mean the grammar matched no statement.
    static let grammarKinds: Set<Kind> = [.unexpectedToken, .unexpectedEnd, .unexpectedCharacter,
                                          .unterminatedString, .unterminatedComment, .unterminatedRegex]

    /// This error worded as Hypertable words a statement its grammar cannot parse: the input
    /// from where the parse stopped (where the last alternative failed, unless a whole
    /// statement matched and tokens followed it), then the statement (trimmed, as the
    /// interpreter trims it).
    func wordedAsHypertable(in text: String) -> HQLError {
        guard Self.grammarKinds.contains(kind) else { return self }
        let bytes = Array(text.utf8)
        let start = bytes.firstIndex { !Self.isSpace($0) } ?? bytes.count
        let end = (bytes.lastIndex { !Self.isSpace($0) }).map { $0 + 1 } ?? start
        let stop = statementEnd.map { Self.stopAfterWholePart(bytes, nextToken: min(max($0, start), end), start: start) }
            ?? Self.lastAlternativeStop(bytes, from: start, to: end)
        let statement = String(decoding: bytes[start..<end], as: UTF8.self)
        let rest = String(decoding: bytes[stop..<end], as: UTF8.self)
        var worded = self
        worded.detail = message
        worded.message = "parse error at: \(rest) (\(statement))"
        return worded
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Where Hypertable's parse stands after the whole part of a statement, given where the
    /// token after it starts. Its keywords, names, numbers and strings are read without the
    /// white space after them (Spirit's `lexeme_d`, `strlit`, `confix_p`: no post-skip),
    /// so the position is right after them, the space kept (`DROP TABLE t x` stops at
    /// ` x`); a one-character symbol (`chlit`: `(`, `)`, `,`, `*`, `=`, ...) skips the space
    /// after it, so the position is the next token (`... ('v') x` stops at `x`).
    static func stopAfterWholePart(_ bytes: [UInt8], nextToken next: Int, start: Int) -> Int {
        var j = next
        while j > start && isSpace(bytes[j - 1]) { j -= 1 }
        guard j > start, j < next else { return next }
        let last = bytes[j - 1]
        guard Array("()*,:;=<>+-^.?|[]".utf8).contains(last) else { return j }
        // Two-character symbols are `strlit`s, read like keywords.
        if j >= 2 {
            let pair = String(decoding: bytes[(j - 2)..<j], as: UTF8.self)
            if ["==", "<=", ">=", "=^", "=~", ":^", "..", "??"].contains(pair) { return j }
        }
        return next
    }

    /// Where Hypertable's parse stops when no statement matches. Its grammar
    /// (`Hql::Parser::statement`, Spirit Classic) tries its alternatives in order, each from the
    /// start, and none puts the position back once the last has failed: that is
    /// `rebuild_indices_statement` (`REBUILD >> *(VALUE | QUALIFIER) >> INDICES >>
    /// user_identifier`), whose keywords advance character by character, case folded, until
    /// one differs. So the parse stops at the start, unless the statement begins like
    /// `REBUILD`: `RENAME TABLE a` stops at `NAME TABLE a`, `REBUILD INDEX t` at `EX t`,
    /// `REBUILD INDICES` at the end.
    static func lastAlternativeStop(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var i = start
        func skipSpace() { while i < end && isSpace(bytes[i]) { i += 1 } }
        func keyword(_ word: String) -> Bool {
            skipSpace()
            for c in word.utf8 {
                guard i < end else { return false }
                let b = bytes[i] >= 0x41 && bytes[i] <= 0x5A ? bytes[i] + 0x20 : bytes[i]
                guard b == c else { return false }
                i += 1
            }
            return true
        }
        guard keyword("rebuild") else { return i }
        // `*(VALUE | QUALIFIER)` backs out of an iteration that does not match.
        while true {
            let save = i
            if keyword("value") { continue }
            i = save
            if keyword("qualifier") { continue }
            i = save
            break
        }
        guard keyword("indices") else { return i }
        // `user_identifier`: where it cannot match, the parse stood at its first character;
        // where it can, the statement was whole after it (no post-skip: the space stays).
        skipSpace()
        guard i < end else { return i }
        let isLetter: (UInt8) -> Bool = { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        if isLetter(bytes[i]) {
            while i < end && (isLetter(bytes[i]) || (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x5F) { i += 1 }
        } else if bytes[i] == 0x27 || bytes[i] == 0x22 {
            let quote = bytes[i]
            var j = i + 1
            while j < end && bytes[j] != quote { j += bytes[j] == 0x5C ? 2 : 1 }
            guard j < end else { return i }
            i = j + 1
        } else {
            return i
        }
        return i
    }
}
