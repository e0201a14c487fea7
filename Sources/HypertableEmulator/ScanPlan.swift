import HQL
import HypertableClient

/// A row interval resolved to bytes; `prefix` selects the rows that start with it.
struct RowRange: Sendable {
    var start: Bytes?
    var startInclusive = true
    var end: Bytes?
    var endInclusive = true
    var prefix: Bytes?

    func admits(_ row: Bytes) -> Bool {
        if let p = prefix { return row.starts(with: p) }
        if let s = start {
            let c = compareBytes(row, s)
            if c < 0 || (c == 0 && !startInclusive) { return false }
        }
        return !isPastEnd(row)
    }

    func isPastEnd(_ row: Bytes) -> Bool {
        if let p = prefix { return compareBytes(Array(row.prefix(p.count)), p) > 0 }
        guard let e = end else { return false }
        let c = compareBytes(row, e)
        return c > 0 || (c == 0 && !endInclusive)
    }

    var lowestRow: Bytes { prefix ?? start ?? [] }
}

/// A position between cells: row, then family id and qualifier.
struct CellPosition: Sendable {
    var row: Bytes
    var familyID: Int32
    var qualifier: Bytes

    /// -1, 0, 1 comparing a cell (row, family, qualifier) with this position.
    func compare(row r: Bytes, familyID f: Int32, qualifier q: Bytes) -> Int {
        let c = compareBytes(r, row)
        if c != 0 { return c }
        if f != familyID { return f < familyID ? -1 : 1 }
        return compareBytes(q, qualifier)
    }
}

/// A cell interval resolved against the schema.
struct CellRange: Sendable {
    var start: CellPosition?
    var startInclusive = true
    var end: CellPosition?
    var endInclusive = true
    /// `CELL =^ row,'family:qualifier-prefix'`.
    var prefix: CellPosition?

    var rowRange: RowRange {
        if let p = prefix { return RowRange(start: p.row, end: p.row) }
        return RowRange(start: start?.row, startInclusive: true, end: end?.row, endInclusive: true)
    }

    func admits(row: Bytes, familyID: Int32, qualifier: Bytes) -> Bool {
        if let p = prefix {
            return row == p.row && familyID == p.familyID && qualifier.starts(with: p.qualifier)
        }
        if let s = start {
            let c = s.compare(row: row, familyID: familyID, qualifier: qualifier)
            if c < 0 || (c == 0 && !startInclusive) { return false }
        }
        if let e = end {
            let c = e.compare(row: row, familyID: familyID, qualifier: qualifier)
            if c > 0 || (c == 0 && !endInclusive) { return false }
        }
        return true
    }
}

/// Which cells of a family a scan wants.
enum ColumnFilter: Sendable {
    case family(Int32)
    case cell(Int32, Bytes)
    case qualifierPrefix(Int32, Bytes)
    case qualifierRegex(Int32, String)
}

/// A value/qualifier predicate on one family (ScanSpec `column_predicates`, HQL `cf = 'v'`).
struct ValueFilter: Sendable {
    var familyID: Int32?
    var operation: ColumnPredicateOperation
    var qualifier: Bytes?
    var value: Bytes?
}

/// Everything a scan needs, resolved against a table's schema: the emulator's form of
/// `ScanSpec` (and of an HQL SELECT, which can say a little more, e.g. row prefixes).
struct ScanPlan: Sendable {
    var rowRanges: [RowRange] = []
    /// SCAN_AND_FILTER_ROWS: the rows wanted, tested on each row of one pass.
    var rowFilter: [RowRange]?
    var cellRanges: [CellRange] = []
    var columns: [ColumnFilter] = []
    var rowRegexp: String?
    var valueRegexp: String?
    var valueFilters: [ValueFilter] = []
    /// `and_column_predicates`: a row must match every value filter (with some cell).
    var andValueFilters = false
    var startTime: Int64?
    var endTime: Int64?
    var versions: Int32 = 0
    var rowLimit: Int32 = 0
    var cellLimit: Int32 = 0
    var cellLimitPerFamily: Int32 = 0
    var rowOffset: Int32 = 0
    var cellOffset: Int32 = 0
    var keysOnly = false
    var returnDeletes = false
    /// Set by `IndexedScan`: the rows an index lookup found (the scan reads just these), and
    /// the limits it counts across them.
    var indexRows: [Bytes]?
    var indexLimits: IndexLimitTracker?

    /// The ranges to walk in order; each gets its own limits (as Hypertable applies LIMIT
    /// and OFFSET per interval).
    var ranges: [RowRange] {
        if let rows = indexRows { return rows.map { RowRange(start: $0, end: $0) } }
        if !cellRanges.isEmpty { return cellRanges.map(\.rowRange) }
        return rowRanges.isEmpty ? [RowRange()] : rowRanges
    }

    static func badScanSpec(_ message: String) -> ClientException {
        ClientException(.badScanSpec, message)
    }

    static func family(_ name: String, in schema: TableSchema, table: String) throws(ClientException) -> FamilyDefinition {
        guard let f = schema.family(named: name) else {
            throw ClientException(.rangeserverInvalidColumnfamily, "Table= \(table) , Column family=\(name)")
        }
        return f
    }

    /// `family`, `family:qualifier`, `family:^prefix`, `family:/regex/` (ScanSpec.columns).
    static func columnFilter(_ column: String, schema: TableSchema, table: String) throws(ClientException) -> ColumnFilter {
        let (familyName, qualifier) = HQLParser.splitColumn(column)
        let f = try family(familyName, in: schema, table: table)
        guard let q = qualifier, !q.isEmpty else { return .family(f.id) }
        if q.hasPrefix("^") { return .qualifierPrefix(f.id, Array(q.utf8.dropFirst())) }
        if q.count >= 2, q.hasPrefix("/"), q.hasSuffix("/") { return .qualifierRegex(f.id, String(q.dropFirst().dropLast())) }
        return .cell(f.id, Array(q.utf8))
    }

    static func cellPosition(row: Bytes, column: String, schema: TableSchema, table: String) throws(ClientException) -> CellPosition {
        let (familyName, qualifier) = HQLParser.splitColumn(column)
        let f = try family(familyName, in: schema, table: table)
        return CellPosition(row: row, familyID: f.id, qualifier: Array((qualifier ?? "").utf8))
    }

    /// Hypertable's checks on column predicates (`ScanContext`, `TableScannerAsync`): none on
    /// a COUNTER family, at most 32.
    private func checkValueFilters(schema: TableSchema, table: String) throws(ClientException) {
        guard !valueFilters.isEmpty else { return }
        guard valueFilters.count <= 32 else { throw Self.badScanSpec("Too many column predicates (max 32)") }
        for f in valueFilters {
            guard let id = f.familyID else { continue }
            if let family = schema.family(id: id), schema.effectiveOptions(family).counter == true {
                throw Self.badScanSpec("Counters are not supported for column predicates")
            }
        }
    }

    /// A scan that filters cells by column predicates (one the index does not answer) may
    /// select only the predicates' families.
    func checkSelectedColumnsReferenced(schema: TableSchema) throws(ClientException) {
        guard !valueFilters.isEmpty, !valueFilters.contains(where: { $0.familyID == nil }) else { return }
        let predicateFamilies = Set(valueFilters.compactMap(\.familyID))
        for column in columns {
            let id: Int32
            switch column {
            case .family(let f), .cell(let f, _), .qualifierPrefix(let f, _), .qualifierRegex(let f, _): id = f
            }
            if !predicateFamilies.contains(id) {
                let name = schema.family(id: id)?.name ?? String(id)
                throw ClientException(.hqlParseError, "Selected column \(name) must be referenced in Column predicate")
            }
        }
    }

    /// From a Thrift `ScanSpec`, with Hypertable's checks (`IntervalScannerAsync::init`).
    init(_ spec: ScanSpec, schema: TableSchema, table: String) throws(ClientException) {
        if !spec.rowIntervals.isEmpty && !spec.cellIntervals.isEmpty {
            throw Self.badScanSpec("ROW predicates and CELL predicates can't be combined")
        }
        for ri in spec.rowIntervals {
            let start = ri.startRow ?? []
            if let end = ri.endRow, !end.isEmpty {
                let c = compareBytes(start, end)
                if c > 0 {
                    throw Self.badScanSpec("start_row (\(String(decoding: start, as: UTF8.self))) > end_row (\(String(decoding: end, as: UTF8.self)))")
                }
                if c == 0 && !ri.startInclusive && !ri.endInclusive { throw Self.badScanSpec("empty row interval") }
            }
            rowRanges.append(RowRange(start: ri.startRow.flatMap { $0.isEmpty ? nil : $0 }, startInclusive: ri.startInclusive,
                                      end: ri.endRow.flatMap { $0.isEmpty ? nil : $0 }, endInclusive: ri.endInclusive))
        }
        for ci in spec.cellIntervals {
            guard let startColumn = ci.startColumn else { throw Self.badScanSpec("Bad cell interval (start_column == NULL)") }
            guard let endColumn = ci.endColumn else { throw Self.badScanSpec("Bad cell interval (end_column == NULL)") }
            let start = try Self.cellPosition(row: ci.startRow ?? [], column: startColumn, schema: schema, table: table)
            let endRow = ci.endRow.flatMap { $0.isEmpty ? nil : $0 }
            let end = try endRow.map { (r) throws(ClientException) in
                try Self.cellPosition(row: r, column: endColumn, schema: schema, table: table)
            }
            if let e = end, compareBytes(start.row, e.row) > 0 { throw Self.badScanSpec("start_row > end_row") }
            cellRanges.append(CellRange(start: start, startInclusive: ci.startInclusive, end: end, endInclusive: ci.endInclusive))
        }
        for c in spec.columns { columns.append(try Self.columnFilter(c, schema: schema, table: table)) }
        for p in spec.columnPredicates {
            var filter = ValueFilter(familyID: nil, operation: p.operation,
                                     qualifier: p.columnQualifier.map { Array($0.utf8) }, value: p.value.map { Array($0.utf8) })
            if let name = p.columnFamily, !name.isEmpty { filter.familyID = try Self.family(name, in: schema, table: table).id }
            valueFilters.append(filter)
        }
        andValueFilters = spec.andColumnPredicates
        try checkValueFilters(schema: schema, table: table)
        if spec.scanAndFilterRows && rowRanges.count > 1 {
            rowFilter = rowRanges
            let lowest = rowRanges.map(\.lowestRow).min { compareBytes($0, $1) < 0 } ?? []
            rowRanges = [RowRange(start: lowest.isEmpty ? nil : lowest)]
        }
        rowRegexp = spec.rowRegexp.flatMap { $0.isEmpty ? nil : $0 }
        valueRegexp = spec.valueRegexp.flatMap { $0.isEmpty ? nil : $0 }
        startTime = spec.startTime
        endTime = spec.endTime
        versions = max(0, spec.versions)
        rowLimit = max(0, spec.rowLimit)
        cellLimit = max(0, spec.cellLimit)
        cellLimitPerFamily = max(0, spec.cellLimitPerFamily)
        rowOffset = max(0, spec.rowOffset)
        cellOffset = max(0, spec.cellOffset)
        if rowOffset > 0 && cellOffset > 0 { throw Self.badScanSpec("row_offset and cell_offset can't be combined") }
        keysOnly = spec.keysOnly
        returnDeletes = spec.returnDeletes
    }

    /// From an HQL SELECT.
    init(_ query: HQLSelect, schema: TableSchema, table: String) throws(ClientException) {
        for r in query.rowIntervals {
            var range = RowRange()
            if let p = r.prefix {
                range.prefix = Array(p.utf8)
            } else {
                range.start = r.start.map { Array($0.value.utf8) }
                range.startInclusive = r.start?.inclusive ?? true
                range.end = r.end.map { Array($0.value.utf8) }
                range.endInclusive = r.end?.inclusive ?? true
                if let s = range.start, let e = range.end {
                    let c = compareBytes(s, e)
                    if c > 0 {
                        throw Self.badScanSpec("start_row (\(String(decoding: s, as: UTF8.self))) > end_row (\(String(decoding: e, as: UTF8.self)))")
                    }
                    if c == 0 && !(range.startInclusive && range.endInclusive) {
                        throw Self.badScanSpec("empty row interval")
                    }
                }
            }
            rowRanges.append(range)
        }
        for c in query.cellIntervals {
            var range = CellRange()
            if let p = c.prefix {
                range.prefix = try Self.cellPosition(row: Array(p.row.utf8), column: p.column, schema: schema, table: table)
            } else {
                if let s = c.start {
                    range.start = try Self.cellPosition(row: Array(s.value.row.utf8), column: s.value.column, schema: schema, table: table)
                    range.startInclusive = s.inclusive
                }
                if let e = c.end {
                    range.end = try Self.cellPosition(row: Array(e.value.row.utf8), column: e.value.column, schema: schema, table: table)
                    range.endInclusive = e.inclusive
                }
            }
            cellRanges.append(range)
        }
        for selector in query.columns {
            let f = try Self.family(selector.family, in: schema, table: table)
            switch selector {
            case .family: columns.append(.family(f.id))
            case .cell(_, let q): columns.append(.cell(f.id, Array(q.utf8)))
            case .qualifierPrefix(_, let p): columns.append(.qualifierPrefix(f.id, Array(p.utf8)))
            case .qualifierRegex(_, let r): columns.append(.qualifierRegex(f.id, r))
            }
        }
        for p in query.valuePredicates {
            let id = try p.family.map { (name) throws(ClientException) in try Self.family(name, in: schema, table: table).id }
            var op: ColumnPredicateOperation
            switch p.operation {
            case .exact: op = .exactMatch
            case .prefix: op = .prefixMatch
            case .regex: op = .regexMatch
            case .exists: op = []
            }
            var qualifier: Bytes?
            switch p.qualifier {
            case .exact(let q)?: op.insert(.qualifierExactMatch); qualifier = Array(q.utf8)
            case .regex(let r)?: op.insert(.qualifierRegexMatch); qualifier = Array(r.utf8)
            case .any?: op.insert(.qualifierPrefixMatch); qualifier = []
            case nil: break
            }
            valueFilters.append(ValueFilter(familyID: id, operation: op, qualifier: qualifier,
                                            value: p.operation == .exists ? nil : Array(p.value.utf8)))
        }
        andValueFilters = query.andValuePredicates
        try checkValueFilters(schema: schema, table: table)
        if query.scanAndFilterRows && rowRanges.count > 1 {
            // One pass over the rows from the lowest interval on, each row once, in order.
            rowFilter = rowRanges
            let lowest = rowRanges.map(\.lowestRow).min { compareBytes($0, $1) < 0 } ?? []
            rowRanges = [RowRange(start: lowest.isEmpty ? nil : lowest)]
        }
        rowRegexp = query.rowRegexp
        valueRegexp = query.valueRegexp
        startTime = query.startTime
        endTime = query.endTime
        versions = query.maxVersions
        rowLimit = query.limit
        cellLimit = query.cellLimit
        cellLimitPerFamily = query.cellLimitPerFamily
        rowOffset = query.offset
        cellOffset = query.cellOffset
        keysOnly = query.keysOnly
        returnDeletes = query.returnDeletes
    }
}
