import HypertableClient

/// A table's live state. Only touched with the broker's lock held.
final class TableState {
    var name: String
    var schema: TableSchema
    var store = CellStore()

    init(name: String, schema: TableSchema) {
        self.name = name
        self.schema = schema
    }
}

/// Where a scan stands: which interval, the last row it finished, and the cells of the
/// current row not yet handed out. Resuming costs one binary search; nothing is copied but
/// the row being read. Only used with the broker's lock held.
struct ScanCursor {
    let table: TableState
    let plan: ScanPlan
    private let rowRegex: Regex<AnyRegexOutput>?
    private let valueRegex: Regex<AnyRegexOutput>?
    private let qualifierRegexes: [String: Regex<AnyRegexOutput>]
    private let valueFilterRegexes: [Int: Regex<AnyRegexOutput>]

    private var rangeIndex = 0
    private var lastRow: Bytes?
    private var pending: [Cell] = []
    private var pendingIndex = 0
    private var rowsSeen: Int32 = 0
    private var rowsSkipped: Int32 = 0
    private var cellsSeen: Int32 = 0
    private var cellsSkipped: Int32 = 0
    private(set) var isDone = false

    init(table: TableState, plan: ScanPlan) throws(ClientException) {
        self.table = table
        self.plan = plan
        func compile(_ pattern: String) throws(ClientException) -> Regex<AnyRegexOutput> {
            do { return try Regex(pattern) } catch {
                throw ClientException(.badScanSpec, "Bad regular expression '\(pattern)'")
            }
        }
        rowRegex = try plan.rowRegexp.map { (p) throws(ClientException) in try compile(p) }
        valueRegex = try plan.valueRegexp.map { (p) throws(ClientException) in try compile(p) }
        var q: [String: Regex<AnyRegexOutput>] = [:]
        for case .qualifierRegex(_, let p) in plan.columns { q[p] = try compile(p) }
        qualifierRegexes = q
        var v: [Int: Regex<AnyRegexOutput>] = [:]
        for (i, f) in plan.valueFilters.enumerated() {
            if f.operation.contains(.regexMatch), let value = f.value {
                v[i] = try compile(String(decoding: value, as: UTF8.self))
            }
            if f.operation.contains(.qualifierRegexMatch), let qualifier = f.qualifier {
                v[-1 - i] = try compile(String(decoding: qualifier, as: UTF8.self))
            }
        }
        valueFilterRegexes = v
    }

    /// Cell data size counted against a batch budget (keys and value).
    static func size(of cell: Cell) -> Int {
        cell.key.row.count + cell.key.columnFamily.utf8.count + cell.key.columnQualifier.count + (cell.value?.count ?? 0) + 32
    }

    /// The next cells, stopping once `byteBudget` is reached (at least one cell when any
    /// remain); with `oneRow`, exactly the rest of one row. Empty when done.
    mutating func next(byteBudget: Int, oneRow: Bool, now: Int64) -> [Cell] {
        var out: [Cell] = []
        var bytes = 0
        while true {
            if pendingIndex < pending.count {
                if oneRow {
                    out = Array(pending[pendingIndex...])
                    pendingIndex = pending.count
                    return out
                }
                while pendingIndex < pending.count && bytes < byteBudget {
                    let cell = pending[pendingIndex]
                    bytes += Self.size(of: cell)
                    out.append(cell)
                    pendingIndex += 1
                }
                if bytes >= byteBudget { return out }
            }
            if isDone || !loadNextRow(now: now) { return out }
        }
    }

    /// Fills `pending` with the next row that has cells; false when the scan is over.
    private mutating func loadNextRow(now: Int64) -> Bool {
        pending = []
        pendingIndex = 0
        let ranges = plan.ranges
        let rows = table.store.rows
        while rangeIndex < ranges.count {
            let range = ranges[rangeIndex]
            let limitReached = (plan.rowLimit > 0 && rowsSeen >= plan.rowLimit)
                || (plan.cellLimit > 0 && cellsSeen >= plan.cellLimit)
            var index = lastRow.map { table.store.firstRow(atOrAfter: $0, strictlyAfter: true) }
                ?? table.store.firstRow(atOrAfter: range.lowestRow)
            if !limitReached {
                while index < rows.count {
                    let row = rows[index]
                    if range.isPastEnd(row.key) { break }
                    lastRow = row.key
                    index += 1
                    guard range.admits(row.key) else { continue }
                    var cells = visibleCells(of: row, now: now)
                    if cells.isEmpty { continue }
                    if rowsSkipped < plan.rowOffset {
                        rowsSkipped += 1
                        continue
                    }
                    if plan.cellOffset > cellsSkipped {
                        let skip = min(Int(plan.cellOffset - cellsSkipped), cells.count)
                        cells.removeFirst(skip)
                        cellsSkipped += Int32(skip)
                        if cells.isEmpty { continue }
                    }
                    if plan.cellLimit > 0 {
                        let room = Int(plan.cellLimit - cellsSeen)
                        if cells.count > room { cells.removeLast(cells.count - room) }
                    }
                    rowsSeen += 1
                    cellsSeen += Int32(clamping: cells.count)
                    pending = cells
                    return true
                }
            }
            rangeIndex += 1
            lastRow = nil
            rowsSeen = 0
            rowsSkipped = 0
            cellsSeen = 0
            cellsSkipped = 0
        }
        isDone = true
        return false
    }

    private func matches(_ regex: Regex<AnyRegexOutput>?, _ bytes: Bytes) -> Bool {
        guard let regex else { return true }
        return (try? regex.firstMatch(in: String(decoding: bytes, as: UTF8.self))) != nil
    }

    private func admitsColumn(_ cell: StoredCell) -> Bool {
        if plan.columns.isEmpty { return true }
        for filter in plan.columns {
            switch filter {
            case .family(let id): if id == cell.familyID { return true }
            case .cell(let id, let q): if id == cell.familyID && q == cell.qualifier { return true }
            case .qualifierPrefix(let id, let p): if id == cell.familyID && cell.qualifier.starts(with: p) { return true }
            case .qualifierRegex(let id, let p):
                if id == cell.familyID && matches(qualifierRegexes[p], cell.qualifier) { return true }
            }
        }
        return false
    }

    private func admitsValue(_ cell: StoredCell) -> Bool {
        if !matches(valueRegex, cell.value) { return false }
        if plan.valueFilters.isEmpty { return true }
        for (i, f) in plan.valueFilters.enumerated() where f.familyID == nil || f.familyID == cell.familyID {
            var ok = true
            let op = f.operation
            if op.contains(.regexMatch) { ok = ok && matches(valueFilterRegexes[i], cell.value) }
            else if op.contains(.exactMatch) && op.contains(.prefixMatch) == false { ok = ok && cell.value == (f.value ?? []) }
            else if op.contains(.prefixMatch) { ok = ok && cell.value.starts(with: f.value ?? []) }
            if op.contains(.qualifierRegexMatch) { ok = ok && matches(valueFilterRegexes[-1 - i], cell.qualifier) }
            else if op.contains(.qualifierPrefixMatch) { ok = ok && cell.qualifier.starts(with: f.qualifier ?? []) }
            else if op.contains(.qualifierExactMatch) { ok = ok && cell.qualifier == (f.qualifier ?? []) }
            if ok { return true }
        }
        return false
    }

    /// COUNTER families read as one cell per column: the sum of the visible versions back to
    /// the newest reset (`=N`), as ASCII decimal, with the newest version's timestamp.
    static func collapsingCounters(_ row: StoredRow, schema: TableSchema, now: Int64) -> [StoredCell] {
        let counterIDs = Set(schema.families.filter { schema.effectiveOptions($0).counter == true }.map(\.id))
        if counterIDs.isEmpty { return row.cells }
        var out: [StoredCell] = []
        var current: StoredCell?
        var sum: Int64 = 0
        var reset = false
        func finish() {
            if var c = current {
                c.value = Array(String(sum).utf8)
                out.append(c)
            }
            current = nil
        }
        for cell in row.cells {
            guard counterIDs.contains(cell.familyID) else {
                finish()
                out.append(cell)
                continue
            }
            if current?.familyID != cell.familyID || current?.qualifier != cell.qualifier {
                finish()
                sum = 0
                reset = false
            }
            if reset || row.deletes.contains(where: { $0.hides(cell) }) { continue }
            if let ttl = schema.family(id: cell.familyID).flatMap({ schema.effectiveOptions($0).ttl }),
               cell.timestamp < now - Int64(ttl) * 1_000_000_000 { continue }
            if current == nil { current = cell }
            var text = String(decoding: cell.value, as: UTF8.self)
            if text.hasPrefix("=") {
                reset = true
                text.removeFirst()
            }
            if text.hasPrefix("+") { text.removeFirst() }
            sum = sum &+ (Int64(text) ?? 0)
        }
        finish()
        return out
    }

    /// The row's cells as a reader sees them: deletes, dropped families, TTL and
    /// MAX_VERSIONS applied, then the scan's filters and per-family limits.
    private func visibleCells(of row: StoredRow, now: Int64) -> [Cell] {
        if rowRegex != nil && !matches(rowRegex, row.key) { return [] }
        let schema = table.schema
        let cellRange = plan.cellRanges.isEmpty ? nil : plan.cellRanges[rangeIndex]
        var out: [Cell] = []
        if plan.returnDeletes {
            for marker in row.deletes {
                let name = marker.flag == .deleteRow ? "" : (schema.family(id: marker.familyID)?.name ?? "")
                out.append(Cell(key: Key(row: row.key, columnFamily: name, columnQualifier: marker.qualifier,
                                         timestamp: marker.timestamp, revision: marker.revision, flag: marker.flag),
                                value: []))
            }
        }
        var family: FamilyDefinition?
        var maxVersions: Int32 = 0
        var ttlCutoff: Int64?
        var versionKey: (Int32, Bytes)?
        var storedVersions: Int32 = 0
        var scanVersions: Int32 = 0
        var familyCount: Int32 = 0
        for cell in Self.collapsingCounters(row, schema: schema, now: now) {
            if family?.id != cell.familyID {
                family = schema.family(id: cell.familyID)
                familyCount = 0
                if let f = family {
                    let options = schema.effectiveOptions(f)
                    maxVersions = options.maxVersions ?? 0
                    ttlCutoff = options.ttl.map { now - Int64($0) * 1_000_000_000 }
                }
            }
            guard let f = family, !f.deleted else { continue }
            if versionKey?.0 != cell.familyID || versionKey?.1 != cell.qualifier {
                versionKey = (cell.familyID, cell.qualifier)
                storedVersions = 0
                scanVersions = 0
            }
            if row.deletes.contains(where: { $0.hides(cell) }) { continue }
            if let cutoff = ttlCutoff, cell.timestamp < cutoff { continue }
            storedVersions += 1
            if maxVersions > 0 && storedVersions > maxVersions { continue }
            if let s = plan.startTime, cell.timestamp < s { continue }
            if let e = plan.endTime, cell.timestamp >= e { continue }
            guard admitsColumn(cell) else { continue }
            if let r = cellRange, !r.admits(row: row.key, familyID: cell.familyID, qualifier: cell.qualifier) { continue }
            guard admitsValue(cell) else { continue }
            scanVersions += 1
            if plan.versions > 0 && scanVersions > plan.versions { continue }
            familyCount += 1
            if plan.cellLimitPerFamily > 0 && familyCount > plan.cellLimitPerFamily { continue }
            out.append(Cell(key: Key(row: row.key, columnFamily: f.name, columnQualifier: cell.qualifier,
                                     timestamp: cell.timestamp, revision: cell.revision, flag: .insert),
                            value: plan.keysOnly ? [] : cell.value))
        }
        return out
    }
}
