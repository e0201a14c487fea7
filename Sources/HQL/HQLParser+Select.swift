/// SELECT: column selectors, the WHERE clause (row and cell intervals, value, qualifier and
/// timestamp predicates) and the trailing options (Hypertable's HQL reference, SELECT).
extension HQLParser {
    mutating func columnSelector() throws(HQLError) -> HQLColumnSelector {
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
            return .qualifierPrefix(family: family, prefix: try qualifier())
        }
        if case .regex(let r) = current.kind {
            advance()
            return .qualifierRegex(family: family, regex: r)
        }
        if acceptSymbol("*") { return .family(family) }
        return .cell(family: family, qualifier: try qualifier())
    }

    mutating func select() throws(HQLError) -> HQLSelect {
        var query = HQLSelect()
        _ = acceptWord("CELLS")
        if !acceptSymbol("*") {
            repeat { query.columns.append(try columnSelector()) } while acceptSymbol(",")
        }
        try expectWord("FROM")
        query.table = try path("table name")
        statementMayEndHere()
        if acceptWord("WHERE") {
            repeat {
                try wherePredicate(&query)
                statementMayEndHere()
            } while acceptWord("AND")
        }
        try selectOptions(&query)
        return query
    }

    enum Relation: String {
        case eq = "=", lt = "<", le = "<=", gt = ">", ge = ">=", prefix = "=^"
    }

    mutating func relation() throws(HQLError) -> Relation {
        if case .symbol(let s) = current.kind, let r = Relation(rawValue: s) {
            advance()
            return r
        }
        throw unexpected("a comparison operator")
    }

    mutating func wherePredicate(_ query: inout HQLSelect) throws(HQLError) {
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
            statementMayEndHere()
            while acceptWord("OR") {
                query.andValuePredicates = false
                query.valuePredicates.append(try columnMatch())
                statementMayEndHere()
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

    mutating func columnMatch() throws(HQLError) -> HQLValuePredicate {
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

    mutating func familyAndQualifier() throws(HQLError) -> (String, HQLValuePredicate.QualifierMatch?) {
        let family = try name("column family")
        guard acceptSymbol(":") else { return (family, nil) }
        if case .regex(let r) = current.kind {
            advance()
            return (family, .regex(r))
        }
        if acceptSymbol("*") { return (family, .any) }
        return (family, .exact(try qualifier()))
    }

    func add(rows: [HQLRowInterval], cells: [HQLCellInterval], to query: inout HQLSelect,
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

    static func intersect(_ a: HQLRowInterval, _ b: HQLRowInterval) -> HQLRowInterval? {
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

    static func compare(_ a: String, _ b: String) -> Int {
        a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a == b ? 0 : 1)
    }

    enum Predicate {
        case row(HQLRowInterval)
        case cell(HQLCellInterval)
        case time(start: Int64?, end: Int64?)
    }

    mutating func cellKey() throws(HQLError) -> HQLCellKey {
        let row = try literal("a row key")
        try expectSymbol(",")
        return HQLCellKey(row: row, column: try literal("a column"))
    }

    /// `[x relop] ROW relop x`, `[r,c relop] CELL relop r,c`, `[t relop] TIMESTAMP relop t`.
    mutating func rowOrCellPredicate() throws(HQLError) -> Predicate {
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

    static func rowInterval(lower: HQLBound<String>?, _ r: Relation, _ value: String,
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

    static func cellInterval(lower: HQLBound<HQLCellKey>?, _ r: Relation, _ key: HQLCellKey,
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

    static func timeInterval(lower: Int64?, _ r: Relation, _ t: Int64,
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

    mutating func selectOptions(_ query: inout HQLSelect) throws(HQLError) {
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
            statementMayEndHere()
        }
    }

    mutating func nonNegative(_ what: String, at position: HQLPosition) throws(HQLError) -> Int32 {
        let n = try int32(what)
        guard n >= 0 else { throw HQLError(.numberOutOfRange, at: position, "\(what) must not be negative") }
        return n
    }
}
