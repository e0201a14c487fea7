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
    public var message: String

    public init(_ kind: Kind, at position: HQLPosition, _ message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    public var description: String { "\(message) at \(position)" }
}
