/// A shortcut for the statement the gateway sees most: `SELECT * FROM table WHERE ROW = 'key'`.
///
/// `recognize` reads the text's bytes once, without tokens or intermediate strings, and either
/// declines (nil) or answers exactly the statement `HQLParser` would build for the same text.
/// It accepts only: `SELECT`, `*`, `FROM`, a bare-word table, `WHERE`, `ROW`, `=`, a quoted
/// key without backslash escapes, an optional `;`; keywords in any letter case, any HQL
/// whitespace between tokens. Anything else (comments, options, columns, paths, escapes,
/// other operators) declines, and the full parser decides. `HQLParser.parse` asks it first.
public enum HQLPointSelect {
    /// The parsed statement for the one shape above, or nil to have the full parser run.
    public static func recognize(_ text: String) -> HQLStatement? {
        var text = text
        return text.withUTF8 { recognize(bytes: $0) }
    }

    private static func recognize(bytes: UnsafeBufferPointer<UInt8>) -> HQLStatement? {
        var scanner = Scanner(bytes: bytes)
        guard scanner.keyword("SELECT"), scanner.symbol(UInt8(ascii: "*")), scanner.keyword("FROM"),
              let table = scanner.word(), scanner.keyword("WHERE"), scanner.keyword("ROW"),
              scanner.symbol(UInt8(ascii: "=")), let key = scanner.plainQuoted() else {
            return nil
        }
        _ = scanner.symbol(UInt8(ascii: ";"))
        guard scanner.atEnd else { return nil }
        return .select(HQLSelect(table: table, row: key))
    }

    /// The lexer's rules (`HQLLexer`), restricted to what the shape needs.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        static func isSpace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C || c == 0x0B
        }

        static func isWordStart(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
        }

        static func isWordByte(_ c: UInt8) -> Bool { isWordStart(c) || (c >= 0x30 && c <= 0x39) }

        /// Skips whitespace; a comment (`#`, `--`, `/*`) is simply not skipped, so whatever
        /// expects a token next declines.
        mutating func skipSpace() {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        }

        var atEnd: Bool {
            mutating get { skipSpace(); return index == bytes.count }
        }

        /// The range of the next bare word, consumed.
        mutating func wordRange() -> Range<Int>? {
            skipSpace()
            guard index < bytes.count, Self.isWordStart(bytes[index]) else { return nil }
            let start = index
            while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
            return start..<index
        }

        /// The next word when it is `upper` in any letter case (ASCII letters only fold).
        mutating func keyword(_ upper: StaticString) -> Bool {
            // Compared in place, then the word must end there: one pass over the keyword's
            // bytes instead of scanning the word and comparing it again.
            skipSpace()
            let count = upper.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let expected = upper.utf8Start
            for offset in 0..<count {
                let byte = bytes[index + offset]
                if (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) != expected[offset] { return false }
            }
            if index + count < bytes.count, Self.isWordByte(bytes[index + count]) { return false }
            index += count
            return true
        }

        /// The next bare word when it can name a table. A keyword or a word starting with `_`
        /// is no table name (`HQLParser.isIdentifier`): the full parser refuses it.
        mutating func word() -> String? {
            // A table path (`a/b`) declines at the `/`, where `WHERE` is expected.
            guard let range = wordRange() else { return nil }
            let word = UnsafeBufferPointer(rebasing: bytes[range])
            guard HQLParser.isIdentifier(word) else { return nil }
            return String(decoding: word, as: UTF8.self)
        }

        /// A one-byte symbol that the lexer would not join with the next byte (`==`, `=^`,
        /// `=~`; no other pair starts with `*`, `=` or `;`).
        mutating func symbol(_ symbol: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == symbol else { return false }
            if symbol == UInt8(ascii: "="), index + 1 < bytes.count {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "=") || next == UInt8(ascii: "^") || next == UInt8(ascii: "~") { return false }
            }
            index += 1
            return true
        }

        /// A string in `'...'` or `"..."` holding no backslash (escapes are the lexer's).
        mutating func plainQuoted() -> String? {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else {
                return nil
            }
            let quote = bytes[index]
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != quote {
                if bytes[end] == UInt8(ascii: "\\") { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}
