/// Recursive-descent parser from HQL text to `HQLStatement`s. The grammar is Hypertable's
/// (doc/markdown/hql/*.md); keywords are case-insensitive and matched in context, so a
/// column family may be called `timestamp` or `row`. The grammar nests only one level (OR
/// lists in parentheses), so no input can exhaust the stack.
public struct HQLParser {
    private var tokens: [HQLToken]
    private var index = 0

    private init(tokens: [HQLToken]) {
        self.tokens = tokens
    }

    /// Parses exactly one statement (a trailing `;` is allowed).
    public static func parse(_ text: String) throws(HQLError) -> HQLStatement {
        let statements = try parseScript(text)
        guard statements.count == 1, let first = statements.first else {
            throw HQLError(.invalidStatement, at: HQLPosition(line: 1, column: 1, offset: 0),
                           "Expected exactly one statement, found \(statements.count)")
        }
        return first
    }

    /// Parses `;`-separated statements; empty statements are skipped, but an input without
    /// any statement is an error.
    public static func parseScript(_ text: String) throws(HQLError) -> [HQLStatement] {
        var parser = HQLParser(tokens: try HQLLexer.tokenize(text))
        var statements: [HQLStatement] = []
        while !parser.atEnd {
            if parser.acceptSymbol(";") { continue }
            statements.append(try parser.statement())
            if !parser.atEnd { try parser.expectSymbol(";") }
        }
        if statements.isEmpty {
            throw HQLError(.emptyInput, at: parser.current.position, "Empty HQL statement")
        }
        return statements
    }

    // MARK: token helpers

    private var current: HQLToken { tokens[min(index, tokens.count - 1)] }
    private var atEnd: Bool { current.kind == .end }

    private func token(at offset: Int) -> HQLToken { tokens[min(index + offset, tokens.count - 1)] }

    private func isWord(_ keyword: String, at offset: Int = 0) -> Bool {
        if case .word(let w) = token(at: offset).kind { return w.equalsKeyword(keyword) }
        return false
    }

    private func isSymbol(_ symbol: String, at offset: Int = 0) -> Bool {
        token(at: offset).kind == .symbol(symbol)
    }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private mutating func acceptWord(_ keyword: String) -> Bool {
        if isWord(keyword) { advance(); return true }
        return false
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        if isSymbol(symbol) { advance(); return true }
        return false
    }

    private func unexpected(_ expected: String) -> HQLError {
        let t = current
        if t.kind == .end {
            return HQLError(.unexpectedEnd, at: t.position, "Expected \(expected), found end of input")
        }
        return HQLError(.unexpectedToken, at: t.position, "Expected \(expected), found \(t.display)")
    }

    private mutating func expectWord(_ keyword: String) throws(HQLError) {
        guard acceptWord(keyword) else { throw unexpected(keyword) }
    }

    private mutating func expectSymbol(_ symbol: String) throws(HQLError) {
        guard acceptSymbol(symbol) else { throw unexpected("'\(symbol)'") }
    }

    /// A name: a bare word or a quoted string.
    private mutating func name(_ what: String) throws(HQLError) -> String {
        switch current.kind {
        case .word(let w): advance(); return w
        case .string(let s):
            guard !s.isEmpty else {
                throw HQLError(.invalidStatement, at: current.position, "Empty \(what)")
            }
            advance(); return s
        default: throw unexpected(what)
        }
    }

    /// A namespace or table path: a quoted string, or words joined by `/` (`/app/prod`).
    private mutating func path(_ what: String) throws(HQLError) -> String {
        if case .string(let s) = current.kind { advance(); return s }
        var out = ""
        if acceptSymbol("/") { out = "/" }
        out += try name(what)
        while isSymbol("/"), case .word = token(at: 1).kind {
            advance()
            out += "/" + (try name(what))
        }
        return out
    }

    /// A literal value: string, number or bare word.
    private mutating func literal(_ what: String) throws(HQLError) -> String {
        switch current.kind {
        case .string(let s), .number(let s), .word(let s): advance(); return s
        default: throw unexpected(what)
        }
    }

    private mutating func int32(_ what: String) throws(HQLError) -> Int32 {
        _ = acceptSymbol("=")
        guard case .number(let n) = current.kind else { throw unexpected("a number for \(what)") }
        guard let value = Int32(n) else {
            throw HQLError(.numberOutOfRange, at: current.position, "Number \(n.prefix(40)) out of range for \(what)")
        }
        advance()
        return value
    }

    private mutating func optionalBool() -> Bool {
        if acceptWord("FALSE") { return false }
        _ = acceptWord("TRUE")
        return true
    }

    private mutating func timestamp() throws(HQLError) -> Int64 {
        let position = current.position
        let text: String
        switch current.kind {
        case .string(let s), .number(let s): text = s
        default: throw unexpected("a timestamp")
        }
        guard let value = HQLTimestamp.parse(text) else {
            throw HQLError(.badTimestamp, at: position, "Bad timestamp '\(text.prefix(40))'")
        }
        advance()
        return value
    }

    // MARK: statements

    private mutating func statement() throws(HQLError) -> HQLStatement {
        let start = current
        if acceptWord("CREATE") {
            if acceptWord("NAMESPACE") || acceptWord("DATABASE") {
                // Hypertable takes IF NOT EXISTS before or after the name.
                var ifNotExists = try ifNotExistsClause()
                let name = try path("namespace name")
                if try ifNotExistsClause() { ifNotExists = true }
                return .createNamespace(name: name, ifNotExists: ifNotExists)
            }
            if acceptWord("TABLE") { return try createTable() }
            throw unexpected("NAMESPACE or TABLE")
        }
        if acceptWord("DROP") {
            if acceptWord("NAMESPACE") || acceptWord("DATABASE") {
                let ifExists = try ifExistsClause()
                return .dropNamespace(name: try path("namespace name"), ifExists: ifExists)
            }
            if acceptWord("TABLE") {
                let ifExists = try ifExistsClause()
                return .dropTable(name: try path("table name"), ifExists: ifExists)
            }
            throw unexpected("NAMESPACE or TABLE")
        }
        if acceptWord("USE") { return .use(namespace: try path("namespace name")) }
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

    private mutating func ifNotExistsClause() throws(HQLError) -> Bool {
        guard acceptWord("IF") else { return false }
        try expectWord("NOT")
        try expectWord("EXISTS")
        return true
    }

    private mutating func ifExistsClause() throws(HQLError) -> Bool {
        guard acceptWord("IF") else { return false }
        try expectWord("EXISTS")
        return true
    }

    // MARK: CREATE / ALTER TABLE

    private mutating func createTable() throws(HQLError) -> HQLStatement {
        let ifNotExists = try ifNotExistsClause()
        let tableName = try path("table name")
        if acceptWord("LIKE") {
            return .createTableLike(name: tableName, like: try path("table name"), ifNotExists: ifNotExists)
        }
        var table = HQLCreateTable(name: tableName, ifNotExists: ifNotExists)
        try expectSymbol("(")
        (table.columnFamilies, table.accessGroups) = try definitions()
        try expectSymbol(")")
        while !atEnd && !isSymbol(";") {
            if try columnFamilyOption(&table.columnFamilyDefaults, of: nil) { continue }
            if try accessGroupOption(&table.accessGroupDefaults) { continue }
            if acceptWord("GROUP_COMMIT_INTERVAL") {
                let position = current.position
                let interval = try int32("GROUP_COMMIT_INTERVAL")
                // Hypertable's parser refuses a second non-zero interval (a zero one counts as unset).
                if let earlier = table.groupCommitInterval, earlier != 0 {
                    throw HQLError(.invalidStatement, at: position, "GROUP_COMMIT_INTERVAL multiply defined")
                }
                table.groupCommitInterval = interval
                continue
            }
            throw unexpected("a table option")
        }
        return .createTable(table)
    }

    /// `create_definition, ...` up to (not including) the closing parenthesis.
    private mutating func definitions() throws(HQLError)
        -> ([HQLColumnFamilyDefinition], [HQLAccessGroupDefinition]) {
        var families: [HQLColumnFamilyDefinition] = []
        var groups: [HQLAccessGroupDefinition] = []
        if isSymbol(")") { return (families, groups) }
        // `a, INDEX a` (the reference's own example) names one family twice: an index clause
        // marks the family of that name, before or after its definition, and only a second
        // index of the same kind is refused, in Hypertable's words.
        func index(_ familyName: String, qualifier: Bool, at position: HQLPosition) throws(HQLError) {
            let kind = qualifier ? "Qualifier index" : "Index"
            guard let i = families.firstIndex(where: { $0.name == familyName }) else {
                families.append(HQLColumnFamilyDefinition(name: familyName, valueIndex: !qualifier,
                                                          qualifierIndex: qualifier, indexOnly: true))
                return
            }
            if qualifier ? families[i].qualifierIndex : families[i].valueIndex {
                throw HQLError(.badCommand, at: position, "\(kind) for column family '\(familyName)' multiply defined")
            }
            if families[i].options.counter == true {
                throw HQLError(.badCommand, at: position,
                               "Attempt to define \(qualifier ? "qualifier" : "value") index for COUNTER column '\(familyName)'")
            }
            if qualifier { families[i].qualifierIndex = true } else { families[i].valueIndex = true }
        }
        repeat {
            let position = current.position
            if isWord("ACCESS") && isWord("GROUP", at: 1) {
                advance(); advance()
                groups.append(try accessGroup())
            } else if isWord("QUALIFIER") && isWord("INDEX", at: 1) {
                advance(); advance()
                try index(try name("column family"), qualifier: true, at: position)
            } else if isWord("INDEX"), !isSymbol(",", at: 1), !isSymbol(")", at: 1) {
                advance()
                try index(try name("column family"), qualifier: false, at: position)
            } else {
                let family = try columnFamily()
                if let i = families.firstIndex(where: { $0.name == family.name && $0.indexOnly }) {
                    families[i].options = family.options
                    families[i].indexOnly = false
                } else {
                    // A second definition is kept: the schema refuses it as multiply defined.
                    families.append(family)
                }
            }
        } while acceptSymbol(",")
        return (families, groups)
    }

    private mutating func columnFamily() throws(HQLError) -> HQLColumnFamilyDefinition {
        let position = current.position
        let familyName = try name("column family")
        guard !familyName.contains(":") else {
            throw HQLError(.invalidStatement, at: position, "Invalid column name \(familyName)")
        }
        var definition = HQLColumnFamilyDefinition(name: familyName)
        while try columnFamilyOption(&definition.options, of: .column(familyName)) {}
        return definition
    }

    private mutating func accessGroup() throws(HQLError) -> HQLAccessGroupDefinition {
        var group = HQLAccessGroupDefinition(name: try name("access group name"))
        while true {
            if try accessGroupOption(&group.options) { continue }
            if try columnFamilyOption(&group.columnFamilyDefaults, of: .accessGroup(group.name)) { continue }
            break
        }
        if acceptSymbol("(") {
            if !isSymbol(")") {
                repeat { group.columnFamilies.append(try columnFamily()) } while acceptSymbol(",")
            }
            try expectSymbol(")")
        }
        // Options may also follow the member list: `ACCESS GROUP g (a, b) BLOCKSIZE 1024`.
        while true {
            if try accessGroupOption(&group.options) { continue }
            if try columnFamilyOption(&group.columnFamilyDefaults, of: .accessGroup(group.name)) { continue }
            break
        }
        return group
    }

    /// Who a column family option belongs to, for the duplicate check.
    private enum OptionOwner {
        case column(String)
        case accessGroup(String)
    }

    /// Hypertable's parser refuses a column family option given twice for one column family,
    /// or twice as an access group's default, in the words below; table-wide defaults are not
    /// checked there (the last one wins), so `owner` nil checks nothing.
    private func checkOnce(_ option: String, alreadySet: Bool, of owner: OptionOwner?,
                           at position: HQLPosition) throws(HQLError) {
        guard alreadySet, let owner else { return }
        switch owner {
        case .column(let name):
            throw HQLError(.invalidStatement, at: position, "Multiple specifications of \(option) option for column '\(name)'")
        case .accessGroup(let name):
            throw HQLError(.invalidStatement, at: position,
                           "Multiple specifications of \(option) option for access group '\(name)'")
        }
    }

    private mutating func columnFamilyOption(_ options: inout HQLColumnFamilyOptions,
                                             of owner: OptionOwner?) throws(HQLError) -> Bool {
        let optionPosition = current.position
        if acceptWord("MAX_VERSIONS") || acceptWord("REVS") || acceptWord("MAX_REVISIONS") {
            let position = current.position
            let n = try int32("MAX_VERSIONS")
            guard n > 0 else { throw HQLError(.numberOutOfRange, at: position, "MAX_VERSIONS must be positive") }
            try checkOnce("MAX_VERSIONS", alreadySet: options.maxVersions != nil, of: owner, at: optionPosition)
            options.maxVersions = n
            return true
        }
        if acceptWord("TTL") {
            let ttl = try duration()
            try checkOnce("TTL", alreadySet: options.ttl != nil, of: owner, at: optionPosition)
            options.ttl = ttl
            return true
        }
        if acceptWord("COUNTER") {
            let counter = optionalBool()
            try checkOnce("COUNTER", alreadySet: options.counter != nil, of: owner, at: optionPosition)
            options.counter = counter
            return true
        }
        if acceptWord("TIME_ORDER") {
            try checkOnce("TIME_ORDER", alreadySet: options.timeOrderDesc != nil, of: owner, at: optionPosition)
            if acceptWord("DESC") { options.timeOrderDesc = true } else {
                try expectWord("ASC")
                options.timeOrderDesc = false
            }
            return true
        }
        return false
    }

    private mutating func duration() throws(HQLError) -> Int32 {
        _ = acceptSymbol("=")
        let position = current.position
        guard case .number(let n) = current.kind, let amount = Double(n) else { throw unexpected("a TTL duration") }
        advance()
        var unit = 1.0
        if acceptWord("MONTHS") || acceptWord("MONTH") { unit = 2_592_000 }
        else if acceptWord("WEEKS") || acceptWord("WEEK") { unit = 604_800 }
        else if acceptWord("DAYS") || acceptWord("DAY") { unit = 86_400 }
        else if acceptWord("HOURS") || acceptWord("HOUR") { unit = 3600 }
        else if acceptWord("MINUTES") || acceptWord("MINUTE") { unit = 60 }
        else { _ = acceptWord("SECONDS") || acceptWord("SECOND") }
        let seconds = amount * unit
        guard seconds.isFinite, seconds >= 1, seconds <= Double(Int32.max) else {
            throw HQLError(.numberOutOfRange, at: position, "TTL out of range")
        }
        return Int32(seconds)
    }

    private mutating func accessGroupOption(_ options: inout HQLAccessGroupOptions) throws(HQLError) -> Bool {
        if acceptWord("IN_MEMORY") {
            options.inMemory = optionalBool()
            return true
        }
        if acceptWord("BLOCKSIZE") {
            options.blockSize = try int32("BLOCKSIZE")
            return true
        }
        if acceptWord("REPLICATION") {
            let position = current.position
            guard let r = Int16(exactly: try int32("REPLICATION")) else {
                throw HQLError(.numberOutOfRange, at: position, "REPLICATION out of range")
            }
            options.replication = r
            return true
        }
        if acceptWord("COMPRESSOR") {
            _ = acceptSymbol("=")
            options.compressor = try literal("a compressor")
            return true
        }
        if acceptWord("BLOOMFILTER") {
            _ = acceptSymbol("=")
            options.bloomFilter = try literal("a bloom filter")
            return true
        }
        return false
    }

    private mutating func alterTable() throws(HQLError) -> HQLStatement {
        let tableName = try path("table name")
        var actions: [HQLAlterTable.Action] = []
        while !atEnd && !isSymbol(";") {
            if acceptWord("ADD") {
                try expectSymbol("(")
                let (families, groups) = try definitions()
                try expectSymbol(")")
                actions.append(.add(columnFamilies: families, accessGroups: groups))
            } else if acceptWord("MODIFY") {
                try expectSymbol("(")
                let (families, groups) = try definitions()
                try expectSymbol(")")
                actions.append(.modify(columnFamilies: families, accessGroups: groups))
            } else if acceptWord("DROP") {
                try expectSymbol("(")
                var names: [String] = []
                repeat { names.append(try name("column family")) } while acceptSymbol(",")
                try expectSymbol(")")
                actions.append(.drop(columnFamilies: names))
            } else if acceptWord("RENAME") {
                try expectWord("COLUMN")
                try expectWord("FAMILY")
                try expectSymbol("(")
                let from = try name("column family")
                try expectSymbol(",")
                let to = try name("column family")
                try expectSymbol(")")
                actions.append(.renameColumnFamily(from: from, to: to))
            } else {
                throw unexpected("ADD, DROP, MODIFY or RENAME COLUMN FAMILY")
            }
        }
        if actions.isEmpty { throw unexpected("ADD, DROP, MODIFY or RENAME COLUMN FAMILY") }
        return .alterTable(HQLAlterTable(name: tableName, actions: actions))
    }

    // MARK: INSERT

    private mutating func insert() throws(HQLError) -> HQLStatement {
        try expectWord("INTO")
        let table = try path("table name")
        try expectWord("VALUES")
        var cells: [HQLInsertCell] = []
        repeat {
            try expectSymbol("(")
            let open = current.position
            var fields: [(HQLValue, HQLPosition)] = []
            repeat {
                let position = current.position
                if isWord("GUID") && isSymbol("(", at: 1) && isSymbol(")", at: 2) {
                    advance(); advance(); advance()
                    fields.append((.guid, position))
                } else {
                    fields.append((.literal(try literal("a value")), position))
                }
            } while acceptSymbol(",")
            try expectSymbol(")")
            var timestamp: Int64?
            if fields.count == 4 {
                guard case .literal(let text) = fields[0].0, let ts = HQLTimestamp.parse(text) else {
                    throw HQLError(.badTimestamp, at: fields[0].1, "Bad timestamp in INSERT")
                }
                timestamp = ts
                fields.removeFirst()
            }
            guard fields.count == 3 else {
                throw HQLError(.invalidStatement, at: open,
                               "INSERT tuple needs (row, column, value) or (timestamp, row, column, value)")
            }
            guard case .literal(let column) = fields[1].0 else {
                throw HQLError(.invalidStatement, at: fields[1].1, "Column cannot be GUID()")
            }
            let (family, qualifier) = Self.splitColumn(column)
            guard !family.isEmpty else {
                throw HQLError(.invalidStatement, at: fields[1].1, "Empty column family")
            }
            cells.append(HQLInsertCell(timestamp: timestamp, row: fields[0].0, columnFamily: family,
                                       columnQualifier: qualifier, value: fields[2].0))
        } while acceptSymbol(",")
        return .insert(HQLInsert(table: table, cells: cells))
    }

    /// `family[:qualifier]`.
    public static func splitColumn(_ column: String) -> (family: String, qualifier: String?) {
        guard let colon = column.firstIndex(of: ":") else { return (column, nil) }
        return (String(column[..<colon]), String(column[column.index(after: colon)...]))
    }

    // MARK: SELECT

    private mutating func columnSelector() throws(HQLError) -> HQLColumnSelector {
        let position = current.position
        if case .string(let s) = current.kind {
            advance()
            let (family, qualifier) = Self.splitColumn(s)
            guard !family.isEmpty else { throw HQLError(.invalidStatement, at: position, "Empty column family") }
            guard let q = qualifier else { return .family(family) }
            if q.hasPrefix("^") { return .qualifierPrefix(family: family, prefix: String(q.dropFirst())) }
            if q.count >= 2, q.hasPrefix("/"), q.hasSuffix("/") {
                return .qualifierRegex(family: family, regex: String(q.dropFirst().dropLast()))
            }
            return .cell(family: family, qualifier: q)
        }
        let family = try name("column")
        guard acceptSymbol(":") else { return .family(family) }
        if acceptSymbol("^") {
            return .qualifierPrefix(family: family, prefix: try literal("a qualifier prefix"))
        }
        if case .regex(let r) = current.kind {
            advance()
            return .qualifierRegex(family: family, regex: r)
        }
        if acceptSymbol("*") { return .family(family) }
        return .cell(family: family, qualifier: try literal("a column qualifier"))
    }

    private mutating func select() throws(HQLError) -> HQLSelect {
        var query = HQLSelect()
        _ = acceptWord("CELLS")
        if !acceptSymbol("*") {
            repeat { query.columns.append(try columnSelector()) } while acceptSymbol(",")
        }
        try expectWord("FROM")
        query.table = try path("table name")
        if acceptWord("WHERE") {
            repeat { try wherePredicate(&query) } while acceptWord("AND")
        }
        try selectOptions(&query)
        return query
    }

    private enum Relation: String {
        case eq = "=", lt = "<", le = "<=", gt = ">", ge = ">=", prefix = "=^"
    }

    private mutating func relation() throws(HQLError) -> Relation {
        if case .symbol(let s) = current.kind, let r = Relation(rawValue: s) {
            advance()
            return r
        }
        throw unexpected("a comparison operator")
    }

    private mutating func wherePredicate(_ query: inout HQLSelect) throws(HQLError) {
        let position = current.position
        if acceptSymbol("(") {
            // OR list of row or cell predicates.
            var rows: [HQLRowInterval] = []
            var cells: [HQLCellInterval] = []
            repeat {
                switch try rowOrCellPredicate() {
                case .row(let r): rows.append(r)
                case .cell(let c): cells.append(c)
                case .time: throw HQLError(.invalidStatement, at: position, "TIMESTAMP predicate not allowed in OR list")
                }
            } while acceptWord("OR")
            try expectSymbol(")")
            try add(rows: rows, cells: cells, to: &query, at: position)
            return
        }
        if isWord("ROW") && isWord("REGEXP", at: 1) {
            advance(); advance()
            guard query.rowRegexp == nil else {
                throw HQLError(.invalidStatement, at: position, "ROW REGEXP given twice")
            }
            query.rowRegexp = try literal("a regular expression")
            return
        }
        if isWord("VALUE") && isWord("REGEXP", at: 1) {
            advance(); advance()
            guard query.valueRegexp == nil else {
                throw HQLError(.invalidStatement, at: position, "VALUE REGEXP given twice")
            }
            query.valueRegexp = try literal("a regular expression")
            return
        }
        // Column predicates, OR-ed: `family[:qualifier] (= | =^ | =~) value`,
        // `REGEXP(family[:qualifier], 're')`, `EXISTS(family:qualifier)`.
        if case .word = current.kind, !isWord("ROW"), !isWord("CELL"), !isWord("TIMESTAMP") {
            // Hypertable combines column predicates with the last boolean operator between
            // them (`and_column_predicates`).
            if !query.valuePredicates.isEmpty { query.andValuePredicates = true }
            query.valuePredicates.append(try columnMatch())
            while acceptWord("OR") {
                query.andValuePredicates = false
                query.valuePredicates.append(try columnMatch())
            }
            return
        }
        switch try rowOrCellPredicate() {
        case .row(let r): try add(rows: [r], cells: [], to: &query, at: position)
        case .cell(let c): try add(rows: [], cells: [c], to: &query, at: position)
        case .time(let start, let end):
            guard query.startTime == nil && query.endTime == nil else {
                throw HQLError(.invalidStatement, at: position, "Only one TIMESTAMP predicate is allowed")
            }
            query.startTime = start
            query.endTime = end
        }
    }

    private mutating func columnMatch() throws(HQLError) -> HQLValuePredicate {
        let position = current.position
        if (isWord("REGEXP") || isWord("EXISTS")) && isSymbol("(", at: 1) {
            let isRegexp = isWord("REGEXP")
            advance(); advance()
            let (family, qualifier) = try familyAndQualifier()
            if isRegexp {
                try expectSymbol(",")
                let value = try literal("a regular expression")
                try expectSymbol(")")
                return HQLValuePredicate(family: family, qualifier: qualifier, operation: .regex, value: value)
            }
            try expectSymbol(")")
            guard qualifier != nil else {
                throw HQLError(.invalidStatement, at: position, "EXISTS needs family:qualifier")
            }
            return HQLValuePredicate(family: family, qualifier: qualifier, operation: .exists, value: "")
        }
        let (family, qualifier) = try familyAndQualifier()
        if acceptSymbol("=~") {
            guard case .regex(let r) = current.kind else { throw unexpected("/regex/") }
            advance()
            return HQLValuePredicate(family: family, qualifier: qualifier, operation: .regex, value: r)
        }
        let relation = try relation()
        let operation: HQLValuePredicate.Operation
        switch relation {
        case .eq: operation = .exact
        case .prefix: operation = .prefix
        default: throw HQLError(.invalidStatement, at: position, "Column predicates take =, =^ or =~")
        }
        return HQLValuePredicate(family: family, qualifier: qualifier, operation: operation, value: try literal("a value"))
    }

    private mutating func familyAndQualifier() throws(HQLError) -> (String, HQLValuePredicate.QualifierMatch?) {
        let family = try name("column family")
        guard acceptSymbol(":") else { return (family, nil) }
        if case .regex(let r) = current.kind {
            advance()
            return (family, .regex(r))
        }
        return (family, .exact(try literal("a column qualifier")))
    }

    private func add(rows: [HQLRowInterval], cells: [HQLCellInterval], to query: inout HQLSelect,
                     at position: HQLPosition) throws(HQLError) {
        if (!rows.isEmpty || !query.rowIntervals.isEmpty) && (!cells.isEmpty || !query.cellIntervals.isEmpty) {
            throw HQLError(.invalidStatement, at: position, "ROW predicates and CELL predicates can't be combined")
        }
        if rows.count == 1, query.rowIntervals.count == 1, let merged = Self.intersect(query.rowIntervals[0], rows[0]) {
            query.rowIntervals = [merged]
        } else if !rows.isEmpty && !query.rowIntervals.isEmpty {
            throw HQLError(.invalidStatement, at: position, "Row predicates combined with AND must be simple intervals")
        } else {
            query.rowIntervals += rows
        }
        if !cells.isEmpty && !query.cellIntervals.isEmpty {
            throw HQLError(.invalidStatement, at: position, "Only one CELL predicate (or OR list) is allowed")
        }
        query.cellIntervals += cells
    }

    private static func intersect(_ a: HQLRowInterval, _ b: HQLRowInterval) -> HQLRowInterval? {
        guard a.prefix == nil, b.prefix == nil else { return nil }
        var out = a
        if let s = b.start {
            if let t = out.start {
                let c = compare(s.value, t.value)
                if c > 0 || (c == 0 && !s.inclusive) { out.start = s }
            } else {
                out.start = s
            }
        }
        if let e = b.end {
            if let t = out.end {
                let c = compare(e.value, t.value)
                if c < 0 || (c == 0 && !e.inclusive) { out.end = e }
            } else {
                out.end = e
            }
        }
        return out
    }

    private static func compare(_ a: String, _ b: String) -> Int {
        a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a == b ? 0 : 1)
    }

    private enum Predicate {
        case row(HQLRowInterval)
        case cell(HQLCellInterval)
        case time(start: Int64?, end: Int64?)
    }

    private mutating func cellKey() throws(HQLError) -> HQLCellKey {
        let row = try literal("a row key")
        try expectSymbol(",")
        return HQLCellKey(row: row, column: try literal("a column"))
    }

    /// `[x relop] ROW relop x`, `[r,c relop] CELL relop r,c`, `[t relop] TIMESTAMP relop t`.
    private mutating func rowOrCellPredicate() throws(HQLError) -> Predicate {
        let position = current.position
        if acceptWord("ROW") {
            let r = try relation()
            let value = try literal("a row key")
            return .row(try Self.rowInterval(lower: nil, r, value, at: position))
        }
        if acceptWord("CELL") {
            let r = try relation()
            let key = try cellKey()
            return .cell(try Self.cellInterval(lower: nil, r, key, at: position))
        }
        if acceptWord("TIMESTAMP") {
            let r = try relation()
            let t = try timestamp()
            return try Self.timeInterval(lower: nil, r, t, at: position)
        }
        // A lower bound comes first.
        if isSymbol(",", at: 1) {
            let lowKey = try cellKey()
            let lowRelation = try relation()
            guard acceptWord("CELL") else { throw unexpected("CELL") }
            guard isSymbol("<") || isSymbol("<=") else {
                throw HQLError(.invalidStatement, at: position, "Bad cell expression")
            }
            let r = try relation()
            let high = try cellKey()
            guard lowRelation == .lt || lowRelation == .le else {
                throw HQLError(.invalidStatement, at: position, "Bad cell expression")
            }
            var interval = try Self.cellInterval(lower: nil, r, high, at: position)
            interval.start = HQLBound(lowKey, inclusive: lowRelation == .le)
            return .cell(interval)
        }
        let lowToken = current
        let low = try literal("ROW, CELL, TIMESTAMP or a bound")
        let lowRelation = try relation()
        guard lowRelation == .lt || lowRelation == .le else {
            throw HQLError(.invalidStatement, at: position, "A lower bound takes < or <=")
        }
        if acceptWord("ROW") {
            let r = try relation()
            guard r == .lt || r == .le else { throw HQLError(.invalidStatement, at: position, "Bad row expression") }
            var interval = try Self.rowInterval(lower: nil, r, try literal("a row key"), at: position)
            interval.start = HQLBound(low, inclusive: lowRelation == .le)
            return .row(interval)
        }
        if acceptWord("TIMESTAMP") {
            guard let lowTime = HQLTimestamp.parse(low) else {
                throw HQLError(.badTimestamp, at: lowToken.position, "Bad timestamp '\(low.prefix(40))'")
            }
            let r = try relation()
            guard r == .lt || r == .le else { throw HQLError(.invalidStatement, at: position, "Bad timestamp expression") }
            let t = try timestamp()
            guard case .time(_, let end) = try Self.timeInterval(lower: nil, r, t, at: position) else {
                throw HQLError(.invalidStatement, at: position, "Bad timestamp expression")
            }
            return .time(start: lowRelation == .le ? lowTime : lowTime.addingReportingOverflow(1).partialValue, end: end)
        }
        throw unexpected("ROW or TIMESTAMP")
    }

    private static func rowInterval(lower: HQLBound<String>?, _ r: Relation, _ value: String,
                                    at position: HQLPosition) throws(HQLError) -> HQLRowInterval {
        switch r {
        case .eq: return HQLRowInterval(start: HQLBound(value, inclusive: true), end: HQLBound(value, inclusive: true))
        case .lt: return HQLRowInterval(start: lower, end: HQLBound(value, inclusive: false))
        case .le: return HQLRowInterval(start: lower, end: HQLBound(value, inclusive: true))
        case .gt: return HQLRowInterval(start: HQLBound(value, inclusive: false))
        case .ge: return HQLRowInterval(start: HQLBound(value, inclusive: true))
        case .prefix: return HQLRowInterval(prefix: value)
        }
    }

    private static func cellInterval(lower: HQLBound<HQLCellKey>?, _ r: Relation, _ key: HQLCellKey,
                                     at position: HQLPosition) throws(HQLError) -> HQLCellInterval {
        switch r {
        case .eq: return HQLCellInterval(start: HQLBound(key, inclusive: true), end: HQLBound(key, inclusive: true))
        case .lt: return HQLCellInterval(start: lower, end: HQLBound(key, inclusive: false))
        case .le: return HQLCellInterval(start: lower, end: HQLBound(key, inclusive: true))
        case .gt: return HQLCellInterval(start: HQLBound(key, inclusive: false))
        case .ge: return HQLCellInterval(start: HQLBound(key, inclusive: true))
        case .prefix: return HQLCellInterval(prefix: key)
        }
    }

    private static func timeInterval(lower: Int64?, _ r: Relation, _ t: Int64,
                                     at position: HQLPosition) throws(HQLError) -> Predicate {
        let next = t.addingReportingOverflow(1).partialValue
        switch r {
        case .eq: return .time(start: t, end: next)
        case .lt: return .time(start: lower, end: t)
        case .le: return .time(start: lower, end: next)
        case .gt: return .time(start: next, end: nil)
        case .ge: return .time(start: t, end: nil)
        case .prefix: throw HQLError(.invalidStatement, at: position, "=^ does not apply to TIMESTAMP")
        }
    }

    private mutating func selectOptions(_ query: inout HQLSelect) throws(HQLError) {
        while !atEnd && !isSymbol(";") {
            let position = current.position
            // A limit or offset given twice is refused as Hypertable's parser words it; as
            // there, one set to 0 counts as not given.
            func once(_ earlier: Int32, _ what: String) throws(HQLError) {
                guard earlier == 0 else {
                    throw HQLError(.invalidStatement, at: position, "SELECT \(what) predicate multiply defined.")
                }
            }
            if acceptWord("LIMIT") || acceptWord("ROW_LIMIT") {
                let n = try nonNegative("LIMIT", at: position)
                try once(query.limit, "LIMIT")
                query.limit = n
            } else if acceptWord("OFFSET") {
                let n = try nonNegative("OFFSET", at: position)
                try once(query.offset, "OFFSET")
                guard query.cellOffset == 0 else {
                    throw HQLError(.invalidStatement, at: position, "SELECT OFFSET predicate not allowed in combination with CELL_OFFSET.")
                }
                query.offset = n
            } else if acceptWord("CELL_OFFSET") {
                let n = try nonNegative("CELL_OFFSET", at: position)
                try once(query.cellOffset, "CELL_OFFSET")
                guard query.offset == 0 else {
                    throw HQLError(.invalidStatement, at: position, "SELECT OFFSET predicate not allowed in combination with OFFSET.")
                }
                query.cellOffset = n
            } else if acceptWord("CELL_LIMIT") {
                let n = try nonNegative("CELL_LIMIT", at: position)
                try once(query.cellLimit, "CELL_LIMIT")
                query.cellLimit = n
            } else if acceptWord("CELL_LIMIT_PER_FAMILY") {
                let n = try nonNegative("CELL_LIMIT_PER_FAMILY", at: position)
                try once(query.cellLimitPerFamily, "CELL_LIMIT_PER_FAMILY")
                query.cellLimitPerFamily = n
            } else if acceptWord("MAX_VERSIONS") || acceptWord("MAX_REVISIONS") || acceptWord("REVS")
                        || acceptWord("REVISIONS") {
                let n = try nonNegative("MAX_VERSIONS", at: position)
                try once(query.maxVersions, "MAX_VERSIONS")
                query.maxVersions = n
            } else if acceptWord("KEYS_ONLY") {
                query.keysOnly = true
            } else if acceptWord("RETURN_DELETES") {
                query.returnDeletes = true
            } else if acceptWord("DISPLAY_TIMESTAMPS") {
                query.displayTimestamps = true
            } else if acceptWord("SCAN_AND_FILTER_ROWS") {
                query.scanAndFilterRows = true
            } else if acceptWord("NO_CACHE") {
                query.noCache = true
            } else if acceptWord("NO_ESCAPE") {
                query.noEscape = true
            } else if acceptWord("DISPLAY_REVISIONS") {
                query.displayRevisions = true
            } else if isWord("INTO") {
                throw HQLError(.invalidStatement, at: position, "SELECT ... INTO FILE is not supported")
            } else {
                throw unexpected("a SELECT option")
            }
        }
    }

    private mutating func nonNegative(_ what: String, at position: HQLPosition) throws(HQLError) -> Int32 {
        let n = try int32(what)
        guard n >= 0 else { throw HQLError(.numberOutOfRange, at: position, "\(what) must not be negative") }
        return n
    }

    // MARK: DELETE

    private mutating func delete() throws(HQLError) -> HQLDelete {
        var columns: [HQLColumnSelector] = []
        if !acceptSymbol("*") {
            repeat {
                let position = current.position
                let selector = try columnSelector()
                switch selector {
                case .family, .cell: columns.append(selector)
                default: throw HQLError(.invalidStatement, at: position, "DELETE takes family or family:qualifier")
                }
            } while acceptSymbol(",")
        }
        try expectWord("FROM")
        let table = try path("table name")
        try expectWord("WHERE")
        try expectWord("ROW")
        try expectSymbol("=")
        let row = try literal("a row key")
        var statement = HQLDelete(columns: columns, table: table, row: row)
        if acceptWord("TIMESTAMP") {
            statement.timestamp = try timestamp()
        } else if acceptWord("VERSION") {
            statement.version = try timestamp()
        }
        return statement
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
