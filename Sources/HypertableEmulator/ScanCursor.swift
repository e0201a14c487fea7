import HypertableClient

/// A table's live state. Only touched with the broker's lock held.
final class TableState {
    var name: String
    /// Hypertable's table id: the namespace's id path and a number ("2/0"), kept on rename.
    var id: String
    var schema: TableSchema
    var store = CellStore()
    /// The index tables (`^name`, `^^name`), which also sit in the namespace under those names.
    var valueIndex: TableState?
    var qualifierIndex: TableState?
    /// For an index table: how many of its rows the last lookup through it read
    /// (`IndexLookup`), which tests use to see that a lookup reads only its key range.
    var indexRowsRead = 0

    init(name: String, id: String = "", schema: TableSchema) {
        self.name = name
        self.id = id
        self.schema = schema
    }
}

/// Where a scan stands: which interval, the last row it finished, and the cells of the
/// current row not yet handed out. Resuming costs one binary search; nothing is copied but
/// the row being read. Only used with the broker's lock held.
struct ScanCursor {
    let table: TableState
    let plan: ScanPlan
    private let rowRegex: BoundedRegex?
    private let valueRegex: BoundedRegex?
    private let qualifierRegexes: [String: BoundedRegex]
    private let valueFilterRegexes: [Int: BoundedRegex]

    private var rangeIndex = 0
    private var lastRow: Bytes?
    private var nextPosition: (RowPosition, UInt64)?
    private var pending: [Cell] = []
    private var pendingIndex = 0
    private var rowsSeen: Int32 = 0
    private var rowsSkipped: Int32 = 0
    private var cellsSeen: Int32 = 0
    private var cellsSkipped: Int32 = 0
    private(set) var isDone = false
    private var schemaView = SchemaView()
    /// The oldest timestamp each family keeps at `now`, for `discardExpired`; made again when
    /// the time or the schema changes.
    private var ttlCutoffs: (now: Int64, generation: Int64, cutoffs: [Int64?])?
    private var indexLimits: IndexLimitTracker?

    init(table: TableState, plan: ScanPlan) throws(ClientException) {
        self.table = table
        self.plan = plan
        indexLimits = plan.indexLimits
        // Patterns run on BoundedRegex (linear time, RE2 syntax), so no pattern can stall
        // the broker; the messages follow ScanContext's.
        func compile(_ pattern: String, _ what: String) throws(ClientException) -> BoundedRegex {
            do { return try BoundedRegex(pattern) } catch {
                throw ClientException(.badScanSpec, "Can't convert \(what) \(pattern.prefix(200)) to regexp -\(error.message)")
            }
        }
        rowRegex = try plan.rowRegexp.map { (p) throws(ClientException) in try compile(p, "row_regexp") }
        valueRegex = try plan.valueRegexp.map { (p) throws(ClientException) in try compile(p, "value_regexp") }
        var q: [String: BoundedRegex] = [:]
        for case .qualifierRegex(_, let p) in plan.columns { q[p] = try compile(p, "qualifier regexp") }
        qualifierRegexes = q
        var v: [Int: BoundedRegex] = [:]
        for (i, f) in plan.valueFilters.enumerated() {
            if f.operation.contains(.regexMatch), let value = f.value {
                v[i] = try compile(String(decoding: value, as: UTF8.self), "column predicate value regexp")
            }
            if f.operation.contains(.qualifierRegexMatch), let qualifier = f.qualifier {
                v[-1 - i] = try compile(String(decoding: qualifier, as: UTF8.self), "column predicate qualifier regexp")
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

    /// Gives back the last cell `next` returned, so the next call starts with it again
    /// (`TableScanner::unget`, which `next_cells_serialized` uses when a cell does not fit its
    /// buffer). Only valid right after a `next` that returned cells.
    mutating func ungetLast() {
        if pendingIndex > 0 { pendingIndex -= 1 }
    }

    /// Fills `pending` with the next row that has cells; false when the scan is over.
    private mutating func loadNextRow(now: Int64) -> Bool {
        pending = []
        pendingIndex = 0
        if indexLimits?.limitReached == true {
            isDone = true
            return false
        }
        let ranges = plan.ranges
        while rangeIndex < ranges.count {
            let range = ranges[rangeIndex]
            let limitReached = (plan.rowLimit > 0 && rowsSeen >= plan.rowLimit)
                || (plan.cellLimit > 0 && cellsSeen >= plan.cellLimit)
            if !limitReached {
                // The store is read through the table: a copy held here would be copied
                // again when `discardExpired` edits a row.
                var position = resumePosition(range, table.store)
                while let row = table.store.row(at: position) {
                    if range.isPastEnd(row.key) { break }
                    let rowPosition = position
                    lastRow = row.key
                    position = table.store.position(after: position)
                    nextPosition = (position, table.store.layoutVersion)
                    guard range.admits(row.key) else { continue }
                    if let filter = plan.rowFilter, !filter.contains(where: { $0.admits(row.key) }) { continue }
                    var cells = visibleCells(of: row, now: now)
                    discardExpired(of: row, at: rowPosition, now: now)
                    if cells.isEmpty { continue }
                    if indexLimits != nil {
                        cells = indexLimits?.admit(cells) ?? []
                        if cells.isEmpty {
                            if indexLimits?.limitReached == true {
                                isDone = true
                                return false
                            }
                            continue
                        }
                    }
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
            nextPosition = nil
            rowsSeen = 0
            rowsSkipped = 0
            cellsSeen = 0
            cellsSkipped = 0
        }
        isDone = true
        return false
    }

    /// Drops the row's expired versions from the store once a scan has read it (what a
    /// compaction drops, done lazily), and their index entries with them.
    private mutating func discardExpired(of row: StoredRow, at position: RowPosition, now: Int64) {
        guard schemaView.hasTTL else { return }
        if ttlCutoffs?.now != now || ttlCutoffs?.generation != schemaView.generation {
            ttlCutoffs = (now, schemaView.generation, schemaView.ttlSeconds.map { ttl in ttl.map { now - Int64($0) * 1_000_000_000 } })
        }
        let cutoffs = ttlCutoffs?.cutoffs ?? []
        guard row.cells.contains(where: { cell in
            cell.familyID >= 0 && Int(cell.familyID) < cutoffs.count && cutoffs[Int(cell.familyID)].map { cell.timestamp < $0 } == true
        }) else { return }
        let gone = table.store.compactRow(at: position) { CellCompaction.expire(&$0, cutoffs: cutoffs) }
        IndexTables.discarded(gone, row: row.key, table: table)
    }

    /// Where to go on: the remembered position while no row was added since, else a binary
    /// search past the last row read (or to the range's start).
    private func resumePosition(_ range: RowRange, _ store: CellStore) -> RowPosition {
        if let (position, version) = nextPosition, version == store.layoutVersion { return position }
        if let last = lastRow { return store.firstRow(atOrAfter: last, strictlyAfter: true) }
        return store.firstRow(atOrAfter: range.lowestRow)
    }

    private func matches(_ regex: BoundedRegex?, _ bytes: Bytes) -> Bool {
        guard let regex else { return true }
        return regex.matches(bytes)
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

    /// Bit i set when value filter i matches the cell.
    private func matchingFilters(_ cell: StoredCell) -> UInt64 {
        var mask: UInt64 = 0
        for (i, f) in plan.valueFilters.enumerated() where f.familyID == nil || f.familyID == cell.familyID {
            var ok = true
            let op = f.operation
            if op.contains(.regexMatch) { ok = ok && matches(valueFilterRegexes[i], cell.value) }
            else if op.contains(.exactMatch) && op.contains(.prefixMatch) == false { ok = ok && cell.value == (f.value ?? []) }
            else if op.contains(.prefixMatch) { ok = ok && cell.value.starts(with: f.value ?? []) }
            if op.contains(.qualifierRegexMatch) { ok = ok && matches(valueFilterRegexes[-1 - i], cell.qualifier) }
            else if op.contains(.qualifierPrefixMatch) { ok = ok && cell.qualifier.starts(with: f.qualifier ?? []) }
            else if op.contains(.qualifierExactMatch) { ok = ok && cell.qualifier == (f.qualifier ?? []) }
            if ok && i < 64 { mask |= 1 << UInt64(i) }
        }
        return mask
    }

    /// COUNTER families read as one cell per column: the sum of the visible versions back to
    /// the newest reset (`=N`), as ASCII decimal, with the newest version's timestamp.
    static func collapsingCounters(_ row: StoredRow, schema: TableSchema, counterIDs: Set<Int32>, now: Int64) -> [StoredCell] {
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
            let increment = counterIncrement(cell.value)
            reset = increment.reset
            sum = sum &+ increment.amount
        }
        finish()
        return out
    }

    /// One stored version of a counter: its amount, and whether it is a reset (`=N`) that
    /// older versions do not add to. A value that is no number counts as 0.
    static func counterIncrement(_ value: Bytes) -> (amount: Int64, reset: Bool) {
        var text = String(decoding: value, as: UTF8.self)
        let reset = text.hasPrefix("=")
        if reset { text.removeFirst() }
        if text.hasPrefix("+") { text.removeFirst() }
        return (Int64(text) ?? 0, reset)
    }

    /// The row's cells as a reader sees them: deletes, dropped families, TTL and
    /// MAX_VERSIONS applied, then the scan's filters and per-family limits.
    private mutating func visibleCells(of row: StoredRow, now: Int64) -> [Cell] {
        if rowRegex != nil && !matches(rowRegex, row.key) { return [] }
        let schema = table.schema
        if schemaView.generation != schema.generation { schemaView = SchemaView(schema) }
        let view = schemaView
        let cellRange = plan.cellRanges.isEmpty ? nil : plan.cellRanges[rangeIndex]
        var out: [Cell] = []
        // RETURN_DELETES: markers interleave with the cells in Hypertable's key order (row,
        // family, qualifier, flag: delete row < family < cell < cell version < insert, then
        // newest first); `outKeys` keeps each cell's (family, qualifier) for that merge.
        let withMarkers = plan.returnDeletes && !row.deletes.isEmpty
        var outKeys: [(Int32, Bytes)] = []
        var family: FamilyDefinition?
        var maxVersions: Int32 = 0
        var ttlCutoff: Int64?
        var versionKey: (Int32, Bytes)?
        var storedVersions: Int32 = 0
        var scanVersions: Int32 = 0
        var familyCount: Int32 = 0
        var rowMask: UInt64 = 0
        for cell in Self.collapsingCounters(row, schema: schema, counterIDs: view.counterIDs, now: now) {
            if family?.id != cell.familyID {
                family = view.family(cell.familyID)
                familyCount = 0
                if let f = family {
                    maxVersions = view.maxVersions[Int(f.id)]
                    ttlCutoff = view.ttlSeconds[Int(f.id)].map { now - Int64($0) * 1_000_000_000 }
                }
            }
            guard let f = family, !f.deleted else { continue }
            if versionKey?.0 != cell.familyID || versionKey?.1 != cell.qualifier {
                versionKey = (cell.familyID, cell.qualifier)
                storedVersions = 0
                scanVersions = 0
            }
            if !row.deletes.isEmpty && row.deletes.contains(where: { $0.hides(cell) }) { continue }
            if let cutoff = ttlCutoff, cell.timestamp < cutoff { continue }
            storedVersions += 1
            if maxVersions > 0 && storedVersions > maxVersions { continue }
            if let s = plan.startTime, cell.timestamp < s { continue }
            if let e = plan.endTime, cell.timestamp >= e { continue }
            guard admitsColumn(cell) else { continue }
            if let r = cellRange, !r.admits(row: row.key, familyID: cell.familyID, qualifier: cell.qualifier) { continue }
            // MAX_VERSIONS counts the versions in the time range before value predicates
            // drop any (a newer non-matching version hides an older matching one).
            scanVersions += 1
            if plan.versions > 0 && scanVersions > plan.versions { continue }
            guard matches(valueRegex, cell.value) else { continue }
            if !plan.valueFilters.isEmpty {
                let mask = matchingFilters(cell)
                guard mask != 0 else { continue }
                rowMask |= mask
            }
            familyCount += 1
            if plan.cellLimitPerFamily > 0 && familyCount > plan.cellLimitPerFamily { continue }
            if withMarkers { outKeys.append((cell.familyID, cell.qualifier)) }
            out.append(Cell(key: Key(row: row.key, columnFamily: f.name, columnQualifier: cell.qualifier,
                                     timestamp: cell.timestamp, revision: cell.revision, flag: .insert),
                            value: plan.keysOnly ? [] : cell.value))
        }
        if withMarkers {
            out = Self.merging(row.deletes.sorted(by: Self.markerPrecedes), into: out, keys: outKeys, row: row.key,
                               view: view, accessGroups: schema.accessGroups.count)
        }
        if plan.andValueFilters && plan.valueFilters.count > 1 {
            // and_column_predicates: the row counts only when every predicate matched.
            let all: UInt64 = plan.valueFilters.count >= 64 ? .max : (1 << UInt64(plan.valueFilters.count)) - 1
            if rowMask != all { return [] }
        }
        return out
    }

    /// `cells` (with their family and qualifier in `keys`) with the sorted `markers` placed
    /// before the first cell that sorts after them.
    static func merging(_ markers: [DeleteMarker], into cells: [Cell], keys: [(Int32, Bytes)], row: Bytes,
                        view: SchemaView, accessGroups: Int) -> [Cell] {
        var out: [Cell] = []
        out.reserveCapacity(cells.count + markers.count)
        var m = 0
        func emit(_ marker: DeleteMarker) {
            let name = marker.flag == .deleteRow ? "" : (view.family(marker.familyID)?.name ?? "")
            let cell = Cell(key: Key(row: row, columnFamily: name, columnQualifier: marker.qualifier,
                                     timestamp: marker.timestamp, revision: marker.revision, flag: marker.flag), value: [])
            // A range server keeps a row delete in every access group and returns each.
            let copies = marker.flag == .deleteRow ? max(1, accessGroups) : 1
            for _ in 0..<copies { out.append(cell) }
        }
        for (i, cell) in cells.enumerated() {
            let (family, qualifier) = keys[i]
            while m < markers.count {
                let marker = markers[m]
                let markerFamily = marker.flag == .deleteRow ? 0 : marker.familyID
                if markerFamily > family || (markerFamily == family && compareBytes(marker.qualifier, qualifier) > 0) { break }
                emit(marker)
                m += 1
            }
            out.append(cell)
        }
        while m < markers.count {
            emit(markers[m])
            m += 1
        }
        return out
    }

    static func flagRank(_ flag: KeyFlag) -> Int {
        switch flag {
        case .deleteRow: return 0
        case .deleteColumnFamily: return 1
        case .deleteCell: return 2
        case .deleteCellVersion: return 3
        case .insert: return 255
        }
    }

    static func markerPrecedes(_ a: DeleteMarker, _ b: DeleteMarker) -> Bool {
        let af = a.flag == .deleteRow ? 0 : a.familyID, bf = b.flag == .deleteRow ? 0 : b.familyID
        if af != bf { return af < bf }
        let q = compareBytes(a.qualifier, b.qualifier)
        if q != 0 { return q < 0 }
        let ar = flagRank(a.flag), br = flagRank(b.flag)
        if ar != br { return ar < br }
        return a.timestamp > b.timestamp
    }
}

/// A schema's per-family facts in arrays indexed by family id (ids are below 256), so a scan
/// looks them up without searching; rebuilt when the schema's generation changes.
struct SchemaView {
    var generation: Int64 = -1
    var families: [FamilyDefinition?] = []
    var maxVersions: [Int32] = []
    var ttlSeconds: [Int32?] = []
    var counterIDs: Set<Int32> = []
    /// Some family has a TTL.
    var hasTTL = false

    init() {}

    init(_ schema: TableSchema) {
        generation = schema.generation
        let size = Int(schema.nextFamilyID) + 1
        families = Array(repeating: nil, count: size)
        maxVersions = Array(repeating: 0, count: size)
        ttlSeconds = Array(repeating: nil, count: size)
        for f in schema.families where f.id >= 0 && Int(f.id) < size {
            let options = schema.effectiveOptions(f)
            families[Int(f.id)] = f
            maxVersions[Int(f.id)] = options.maxVersions ?? 0
            ttlSeconds[Int(f.id)] = options.ttl
            if options.ttl != nil && !f.deleted { hasTTL = true }
            if options.counter == true { counterIDs.insert(f.id) }
        }
    }

    func family(_ id: Int32) -> FamilyDefinition? {
        id >= 0 && Int(id) < families.count ? families[Int(id)] : nil
    }
}
