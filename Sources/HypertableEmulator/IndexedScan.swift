import HypertableClient

/// Column predicates answered through a table's index, as Hypertable's client library does
/// (`TableScannerAsync::use_index`, `IndexScannerCallback`): the index table gives the rows
/// with a matching cell, and the answer is those rows read from the primary table, restricted
/// to the selected columns, versions, time interval, `KEYS_ONLY`, `RETURN_DELETES` and
/// `ROW REGEXP`, with no column predicate (so every selected cell of a matching row, of any
/// value). Only entries whose cells a reader still sees count (`IndexLookup`). `LIMIT`, `OFFSET`,
/// `CELL_LIMIT`, `CELL_OFFSET` and `CELL_LIMIT_PER_FAMILY` apply across those rows as
/// `IndexScannerCallback::track_predicates` counts them (`IndexLimitTracker`).
///
/// The index is used when every predicate's family exists and either every predicate
/// matches a value (exact, prefix, or a regex starting `^literal`) on families that all have
/// a value index, or every predicate matches only a qualifier (exact, prefix, `*`, or a regex
/// starting `^literal`) on families that all have a qualifier index. Otherwise the scan
/// filters cells, as a range server does.
enum IndexedScan {
    /// The plan that reads the matching rows, or nil when the index does not apply.
    /// - Parameter now: the time TTL counts from, to tell live index entries from stale ones.
    static func plan(_ plan: ScanPlan, table: TableState, now: Int64) throws(ClientException) -> ScanPlan? {
        guard !plan.valueFilters.isEmpty, table.valueIndex != nil || table.qualifierIndex != nil else { return nil }
        let schema = table.schema
        var valueMatch = false
        var qualifierMatchOnly = false
        var valueIndexCount = 0
        var qualifierIndexCount = 0
        for f in plan.valueFilters {
            guard let id = f.familyID, let family = schema.family(id: id) else { return nil }
            if family.valueIndex { valueIndexCount += 1 }
            if family.qualifierIndex { qualifierIndexCount += 1 }
            let op = f.operation
            if !op.isDisjoint(with: .valueMatch) {
                valueMatch = true
                if qualifierMatchOnly { return nil }
            } else if !op.isDisjoint(with: .qualifierMatch) {
                qualifierMatchOnly = true
                if valueMatch { return nil }
            }
            if op.contains(.regexMatch) {
                guard IndexLookup.literalPrefix(f.value ?? []) != nil else { return nil }
            } else if !op.isDisjoint(with: [.exactMatch, .prefixMatch]) {
                continue
            } else if op.contains(.qualifierRegexMatch) {
                guard IndexLookup.literalPrefix(f.qualifier ?? []) != nil else { return nil }
            } else if op.isDisjoint(with: [.qualifierExactMatch, .qualifierPrefixMatch]) {
                return nil
            }
        }
        let count = plan.valueFilters.count
        if qualifierMatchOnly ? qualifierIndexCount < count : valueIndexCount < count { return nil }
        guard let index = qualifierMatchOnly ? table.qualifierIndex : table.valueIndex else { return nil }

        let matcher = try PredicateMatcher(plan.valueFilters)
        let rowRanges = plan.rowFilter ?? plan.rowRanges
        let all: UInt64 = count >= 64 ? .max : (1 << UInt64(count)) - 1
        var masks: [Bytes: UInt64] = [:]
        for entry in IndexLookup.entries(of: index, for: plan.valueFilters, qualifierIndex: qualifierMatchOnly,
                                         withDeleted: plan.returnDeletes, table: table, now: now) {
            guard let family = schema.family(id: entry.familyID), family.valueIndex || family.qualifierIndex else { continue }
            if !rowRanges.isEmpty && !rowRanges.contains(where: { $0.admits(entry.row) }) { continue }
            if !plan.cellRanges.isEmpty && !cellIntervalsMatch(plan.cellRanges, row: entry.row, column: family.name, schema: schema) {
                continue
            }
            let mask = matcher.matching(familyID: entry.familyID, qualifier: entry.qualifier, value: entry.value)
            if mask == 0 { continue }
            masks[entry.row, default: 0] |= mask
        }
        var rows = masks.filter { !plan.andValueFilters || $0.value == all }.map(\.key)
        rows.sort { compareBytes($0, $1) < 0 }

        var primary = plan
        primary.indexRows = rows
        primary.rowRanges = []
        primary.rowFilter = nil
        primary.cellRanges = []
        primary.valueFilters = []
        primary.andValueFilters = false
        // The primary scan of the rows the index found carries no value regexp either.
        primary.valueRegexp = nil
        primary.indexLimits = IndexLimitTracker(rowLimit: plan.rowLimit, cellLimit: plan.cellLimit,
                                                rowOffset: plan.rowOffset, cellOffset: plan.cellOffset,
                                                cellLimitPerFamily: plan.cellLimitPerFamily)
        primary.rowLimit = 0
        primary.cellLimit = 0
        primary.rowOffset = 0
        primary.cellOffset = 0
        primary.cellLimitPerFamily = 0
        return primary
    }

    /// `IndexScannerCallback::cell_intervals_match`, on row and family name.
    static func cellIntervalsMatch(_ ranges: [CellRange], row: Bytes, column: String, schema: TableSchema) -> Bool {
        let columnBytes = Array(column.utf8)
        func name(_ p: CellPosition) -> Bytes {
            let family = Array((schema.family(id: p.familyID)?.name ?? "").utf8)
            return p.qualifier.isEmpty ? family : family + [0x3A] + p.qualifier
        }
        for range in ranges {
            let start = range.prefix ?? range.start
            let end = range.prefix ?? range.end
            if let s = start, !s.row.isEmpty {
                let c = compareBytes(row, s.row)
                if c > 0 { return true }
                if c < 0 { continue }
            }
            if let s = start {
                let startColumn = name(s)
                if !startColumn.isEmpty {
                    let c = compareBytes(columnBytes, startColumn)
                    if range.startInclusive || range.prefix != nil ? c < 0 : c <= 0 { continue }
                }
            }
            if let e = end, !e.row.isEmpty {
                let c = compareBytes(row, e.row)
                if c < 0 { return true }
                if c > 0 { continue }
            }
            if let e = end {
                let endColumn = name(e)
                if !endColumn.isEmpty {
                    let c = compareBytes(columnBytes, endColumn)
                    if range.endInclusive || range.prefix != nil ? c > 0 : c >= 0 { continue }
                }
            }
            return true
        }
        return false
    }
}

/// Evaluates column predicates on an index entry (`CellPredicate::pattern_match`): bit i set
/// when predicate i (of the entry's family) matches its qualifier and value.
struct PredicateMatcher {
    private let filters: [ValueFilter]
    private let valueRegexes: [Int: BoundedRegex]
    private let qualifierRegexes: [Int: BoundedRegex]

    init(_ filters: [ValueFilter]) throws(ClientException) {
        self.filters = filters
        func compile(_ pattern: Bytes, _ what: String) throws(ClientException) -> BoundedRegex {
            let text = String(decoding: pattern, as: UTF8.self)
            do { return try BoundedRegex(text) } catch {
                throw ClientException(.badScanSpec, "Can't convert \(what) \(text.prefix(200)) to regexp -\(error.message)")
            }
        }
        var values: [Int: BoundedRegex] = [:]
        var qualifiers: [Int: BoundedRegex] = [:]
        for (i, f) in filters.enumerated() {
            if f.operation.contains(.regexMatch) {
                values[i] = try compile(f.value ?? [], "column predicate value regexp")
            }
            if f.operation.contains(.qualifierRegexMatch) {
                qualifiers[i] = try compile(f.qualifier ?? [], "column predicate qualifier regexp")
            }
        }
        valueRegexes = values
        qualifierRegexes = qualifiers
    }

    func matching(familyID: Int32, qualifier: Bytes, value: Bytes) -> UInt64 {
        var mask: UInt64 = 0
        for (i, f) in filters.enumerated() where i < 64 && f.familyID == familyID {
            let op = f.operation
            if op.contains(.qualifierExactMatch) {
                if qualifier != (f.qualifier ?? []) { continue }
            } else if op.contains(.qualifierPrefixMatch) {
                if !qualifier.starts(with: f.qualifier ?? []) { continue }
            } else if op.contains(.qualifierRegexMatch) {
                if !(qualifierRegexes[i]?.matches(qualifier) ?? false) { continue }
            }
            if op.contains(.exactMatch) {
                if value != (f.value ?? []) { continue }
            } else if op.contains(.prefixMatch) {
                if !value.starts(with: f.value ?? []) { continue }
            } else if op.contains(.regexMatch) {
                if !(valueRegexes[i]?.matches(value) ?? false) { continue }
            }
            mask |= 1 << UInt64(i)
        }
        return mask
    }
}

/// `IndexScannerCallback::track_predicates`: row and cell offsets and limits counted over the
/// rows an index lookup read, in order. With `CELL_LIMIT_PER_FAMILY` the cell count starts
/// again at each row (and caps the row's cells, whatever their family), as there.
struct IndexLimitTracker: Sendable {
    var rowLimit: Int32
    var cellLimit: Int32
    var rowOffset: Int32
    var cellOffset: Int32
    var cellLimitPerFamily: Int32
    private var cellCount: Int32 = 0
    private var rowCount: Int32 = 0
    private(set) var limitReached = false

    init(rowLimit: Int32, cellLimit: Int32, rowOffset: Int32, cellOffset: Int32, cellLimitPerFamily: Int32) {
        self.rowLimit = rowLimit
        self.cellLimit = cellLimit
        self.rowOffset = rowOffset
        self.cellOffset = cellOffset
        self.cellLimitPerFamily = cellLimitPerFamily
    }

    /// The cells of one row that pass; sets `limitReached` when the scan is over.
    mutating func admit(_ cells: [Cell]) -> [Cell] {
        var out: [Cell] = []
        for (i, cell) in cells.enumerated() {
            let newRow = i == 0
            if newRow {
                if cellLimitPerFamily > 0 { cellCount = 0 }
                if rowOffset > 0 {
                    rowOffset -= 1
                    return []
                }
            }
            if cellOffset > 0 {
                cellOffset -= 1
                continue
            }
            if cellLimit > 0 && cellCount >= cellLimit {
                limitReached = true
                break
            }
            if rowLimit > 0 && newRow && rowCount >= rowLimit {
                limitReached = true
                break
            }
            if cellLimitPerFamily == 0 || cellCount < cellLimitPerFamily { out.append(cell) }
            cellCount += 1
            if newRow { rowCount += 1 }
        }
        return out
    }
}
