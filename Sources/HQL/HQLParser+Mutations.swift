/// INSERT and DELETE: the statements that write cells (Hypertable's HQL reference, INSERT and
/// DELETE).
extension HQLParser {
    mutating func insert() throws(HQLError) -> HQLStatement {
        try expectWord("INTO")
        let table = try path("table name")
        try expectWord("VALUES")
        var cells: [HQLInsertCell] = []
        repeat {
            try expectSymbol("(")
            let open = current.position
            var fields: [(HQLValue, HQLPosition)] = []
            // Every field is a string literal; a row or value may also be a call
            // (`identifier()`). Bare words and numbers are no values in Hypertable's grammar.
            repeat {
                let position = current.position
                switch current.kind {
                case .string(let text):
                    advance()
                    fields.append((.literal(text), position))
                case .word(let name) where isSymbol("(", at: 1) && isSymbol(")", at: 2):
                    // `ParserState::validate_function`: GUID is the one function there is.
                    guard name.equalsKeyword("GUID") else {
                        throw HQLError(.invalidStatement, at: position, "Unknown function identifier '\(name.lowercased())()'")
                    }
                    advance(); advance(); advance()
                    fields.append((.guid, position))
                default:
                    throw unexpected("a quoted string or GUID()")
                }
            } while acceptSymbol(",")
            try expectSymbol(")")
            var timestamp: Int64?
            if fields.count == 4 {
                guard case .literal(let text) = fields[0].0 else {
                    throw HQLError(.unexpectedToken, at: fields[0].1, "An INSERT timestamp cannot be GUID()")
                }
                guard let ts = HQLTimestamp.parse(text) else {
                    throw HQLError(.badTimestamp, at: fields[0].1, "Unable to parse INSERT timestamp - '\(text)'")
                }
                timestamp = ts
                fields.removeFirst()
            }
            // Hypertable's grammar matches no other tuple, so these are grammar errors.
            guard fields.count == 3 else {
                throw HQLError(.unexpectedToken, at: open,
                               "INSERT tuple needs (row, column, value) or (timestamp, row, column, value)")
            }
            guard case .literal(let quotedColumn) = fields[1].0 else {
                throw HQLError(.unexpectedToken, at: fields[1].1, "Column cannot be GUID()")
            }
            let (family, qualifier) = Self.splitColumn(Self.trimmingQuotes(quotedColumn))
            guard !family.isEmpty else {
                throw HQLError(.invalidStatement, at: fields[1].1, "Empty column family")
            }
            var value = fields[2].0
            if case .literal(let quotedValue) = value { value = .literal(Self.trimmingQuotes(quotedValue)) }
            cells.append(HQLInsertCell(timestamp: timestamp, row: fields[0].0, columnFamily: family,
                                       columnQualifier: qualifier, value: value))
            statementMayEndHere()
        } while acceptSymbol(",")
        return .insert(HQLInsert(table: table, cells: cells))
    }

    /// An INSERT's column and value as Hypertable's parser takes them: every `'` and `"` at
    /// either end trimmed (`set_insert_columnkey`, `set_insert_value`: `trim_if` with
    /// `is_any_of("'\"")`), so `'"x"'` is `x` and `"it's'"` is `it's`. The row and the
    /// timestamp lose only their own quotes there (`strip_quotes`), as the lexer's strings do.
    static func trimmingQuotes(_ text: String) -> String {
        let bytes = text.utf8
        let isQuote: (UInt8) -> Bool = { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") }
        guard let first = bytes.firstIndex(where: { !isQuote($0) }) else { return "" }
        guard let last = bytes.lastIndex(where: { !isQuote($0) }) else { return "" }
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return text }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// `family[:qualifier]`.
    public static func splitColumn(_ column: String) -> (family: String, qualifier: String?) {
        guard let colon = column.firstIndex(of: ":") else { return (column, nil) }
        return (String(column[..<colon]), String(column[column.index(after: colon)...]))
    }



    mutating func delete() throws(HQLError) -> HQLDelete {
        // `column_name`: a bare family name, or a quoted `family` or `family:qualifier`
        // (Hypertable's grammar has no bare `family:qualifier` here).
        var columns: [HQLColumnSelector] = []
        if !acceptSymbol("*") {
            repeat {
                let position = current.position
                guard case .string(let column) = current.kind else {
                    columns.append(.family(try name("a column")))
                    continue
                }
                advance()
                let (family, qualifier) = Self.splitColumn(column)
                guard !family.isEmpty else { throw HQLError(.invalidStatement, at: position, "Empty column family") }
                columns.append(qualifier.map { .cell(family: family, qualifier: $0) } ?? .family(family))
            } while acceptSymbol(",")
        }
        try expectWord("FROM")
        let table = try path("table name")
        try expectWord("WHERE")
        try expectWord("ROW")
        try expectSymbol("=")
        let row = try literal("a row key")
        statementMayEndHere()
        var statement = HQLDelete(columns: columns, table: table, row: row)
        if acceptWord("TIMESTAMP") {
            statement.timestamp = try timestamp()
        } else if acceptWord("VERSION") {
            statement.version = try timestamp()
        }
        return statement
    }
}
