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
    /// from where the parse stopped (the start, unless a whole statement matched and tokens
    /// followed it), then the statement (trimmed, as the interpreter trims it).
    func wordedAsHypertable(in text: String) -> HQLError {
        guard Self.grammarKinds.contains(kind) else { return self }
        let bytes = Array(text.utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        let start = bytes.firstIndex { !isSpace($0) } ?? bytes.count
        let end = (bytes.lastIndex { !isSpace($0) }).map { $0 + 1 } ?? start
        let stop = min(max(statementEnd ?? start, start), end)
        let statement = String(decoding: bytes[start..<end], as: UTF8.self)
        let rest = String(decoding: bytes[stop..<end], as: UTF8.self)
        var worded = self
        worded.detail = message
        worded.message = "parse error at: \(rest) (\(statement))"
        return worded
    }
}
