import HypertableClient

/// What Hypertable's compactions drop from a range, dropped here as the store is written and
/// read, so that rewriting or deleting a cell does not grow memory without bound:
///
/// - a version a delete marker hides, written after the marker (older than it): at once
///   (`dropIfHidden`); a delete drops the versions it hides itself (`CellStore.delete`);
/// - versions past their family's TTL: when an insert touches their column, and when a scan
///   or a delete reads their row (`expire`);
/// - versions beyond MAX_VERSIONS, and versions a delete marker hides: when a column of a
///   family with MAX_VERSIONS holds more than `compactionThreshold` of them
///   (`compactColumn`). Until a compaction Hypertable keeps every version, and a version
///   beyond MAX_VERSIONS comes back into view when a newer one is deleted; the threshold
///   keeps that true for the last few writes, as a compaction that has not run yet does;
/// - delete markers another marker of the row covers (one as new or newer, for the same
///   cell, its family, or the row), once a row holds `markerCompactionThreshold` markers, and
///   again each time their number doubles (`compactMarkers`);
/// - the older increments of a COUNTER column without TTL, folded into one once the column
///   holds more than `counterFoldThreshold` versions (`foldCounter`).
///
/// Nothing a reader sees now is dropped, and what a dropped marker hid stays hidden by the
/// one covering it; a `RETURN_DELETES` scan shows the markers left, the newest of each kind
/// (Hypertable shows every marker until a major compaction, and none after it). The index
/// entries of a version dropped as expired or beyond MAX_VERSIONS go with it; those of a
/// hidden version stay with the marker that hides it, as a delete leaves them (`IndexTables`).
enum CellCompaction {
    /// How many versions one column holds before the ones no reader sees are dropped: a
    /// family's MAX_VERSIONS plus as many again (at least 16), so the work is done once per
    /// that many writes.
    static func compactionThreshold(maxVersions: Int32) -> Int {
        Int(maxVersions) + max(Int(maxVersions), 16)
    }

    /// The versions one compaction pass dropped: `gone` no reader can see any more (expired,
    /// beyond MAX_VERSIONS), `hidden` a delete marker hides.
    struct Dropped {
        var gone: [StoredCell] = []
        var hidden: [StoredCell] = []
        var isEmpty: Bool { gone.isEmpty && hidden.isEmpty }
    }

    /// The index range of one column's versions within `row.cells` (they are contiguous:
    /// cells sort by family id, then qualifier).
    static func columnRange(_ row: StoredRow, familyID: Int32, qualifier: Bytes) -> Range<Int> {
        func before(_ cell: StoredCell, orEqual: Bool) -> Bool {
            if cell.familyID != familyID { return cell.familyID < familyID }
            let q = compareBytes(cell.qualifier, qualifier)
            return q < 0 || (orEqual && q == 0)
        }
        func bound(orEqual: Bool) -> Int {
            var low = 0, high = row.cells.count
            while low < high {
                let mid = (low + high) / 2
                if before(row.cells[mid], orEqual: orEqual) { low = mid + 1 } else { high = mid }
            }
            return low
        }
        return bound(orEqual: false)..<bound(orEqual: true)
    }

    /// After an insert into one column: drops its expired versions, and when it holds more
    /// than `compactionThreshold` versions, those hidden by a delete marker and those beyond
    /// MAX_VERSIONS (counted as `ScanCursor` counts them: in stored order, hidden and expired
    /// ones skipped). A COUNTER column is read as the sum of its versions: past
    /// `counterFoldThreshold` versions its older ones are folded into one (`foldCounter`).
    static func compactColumn(_ row: inout StoredRow, familyID: Int32, qualifier: Bytes,
                              options: ColumnFamilyOptions, now: Int64) -> Dropped {
        let range = columnRange(row, familyID: familyID, qualifier: qualifier)
        if options.counter == true && options.ttl == nil && range.count > counterFoldThreshold
            && !row.cells[range.lowerBound].chronological {
            return foldCounter(&row, range: range)
        }
        let cutoff = options.ttl.map { now - Int64($0) * 1_000_000_000 }
        let maxVersions = options.counter == true ? 0 : max(0, options.maxVersions ?? 0)
        var dropped = Dropped()
        // A column without MAX_VERSIONS keeps every version a reader sees, so a pass would
        // find little to drop and cost as much the next time.
        if maxVersions > 0 && range.count > compactionThreshold(maxVersions: maxVersions) {
            var kept: [StoredCell] = []
            var inView: Int32 = 0
            for cell in row.cells[range] {
                if !row.deletes.isEmpty && row.deletes.contains(where: { $0.hides(cell) }) {
                    dropped.hidden.append(cell)
                } else if let cutoff, cell.timestamp < cutoff {
                    dropped.gone.append(cell)
                } else {
                    inView += 1
                    if maxVersions > 0 && inView > maxVersions { dropped.gone.append(cell) } else { kept.append(cell) }
                }
            }
            if !dropped.isEmpty { row.cells.replaceSubrange(range, with: kept) }
            return dropped
        }
        guard let cutoff, !range.isEmpty else { return dropped }
        // Timestamps are in order within the column, so the expired versions are at its old
        // end: the back (newest first) or the front (TIME_ORDER DESC).
        if row.cells[range.lowerBound].chronological {
            var end = range.lowerBound
            while end < range.upperBound && row.cells[end].timestamp < cutoff { end += 1 }
            dropped.gone = Array(row.cells[range.lowerBound..<end])
            row.cells.removeSubrange(range.lowerBound..<end)
        } else {
            var start = range.upperBound
            while start > range.lowerBound && row.cells[start - 1].timestamp < cutoff { start -= 1 }
            dropped.gone = Array(row.cells[start..<range.upperBound])
            row.cells.removeSubrange(start..<range.upperBound)
        }
        return dropped
    }

    /// After an insert: drops the version just written when a delete marker of the row hides
    /// it (it is older than the delete), in any family; answers whether it went. The marker
    /// stays and hides it as before, so no reader could see it.
    static func dropIfHidden(_ row: inout StoredRow, _ cell: StoredCell) -> Bool {
        guard !row.deletes.isEmpty, row.deletes.contains(where: { $0.hides(cell) }) else { return false }
        let range = columnRange(row, familyID: cell.familyID, qualifier: cell.qualifier)
        guard let i = row.cells[range].firstIndex(where: { $0.timestamp == cell.timestamp }) else { return false }
        row.cells.remove(at: i)
        return true
    }

    /// How many versions a COUNTER column holds before its older ones are folded into one
    /// (`foldCounter`), and how many of the newest stay as they were written.
    static let counterFoldThreshold = 32
    static let counterKeptVersions = 16

    /// Folds the versions of a COUNTER column (`range` in `row.cells`, newest first) older
    /// than its newest `counterKeptVersions` into one, as Hypertable's compaction merges
    /// increments: the one carries the newest folded version's timestamp and revision and
    /// the sum `ScanCursor.collapsingCounters` reads from them (hidden versions skipped, the
    /// newest reset ending the sum), written as a reset (`=N`) when a reset ended it, so the
    /// versions older than that reset go. A read, a delete with the current time and a write
    /// then answer as before; only a write or delete with an explicit timestamp inside the
    /// folded versions sees them as the one they became (as Hypertable after a compaction).
    /// A family with a TTL is not folded: each increment expires at its own time.
    static func foldCounter(_ row: inout StoredRow, range: Range<Int>) -> Dropped {
        var dropped = Dropped()
        let start = range.lowerBound + counterKeptVersions
        guard start < range.upperBound else { return dropped }
        var folded: StoredCell?
        var sum: Int64 = 0
        var reset = false
        for cell in row.cells[start..<range.upperBound] {
            if reset {
                dropped.gone.append(cell)
            } else if !row.deletes.isEmpty && row.deletes.contains(where: { $0.hides(cell) }) {
                dropped.hidden.append(cell)
            } else {
                let increment = ScanCursor.counterIncrement(cell.value)
                sum = sum &+ increment.amount
                reset = increment.reset
                if folded == nil { folded = cell } else { dropped.gone.append(cell) }
            }
        }
        var kept: [StoredCell] = []
        if var cell = folded {
            cell.value = Array(((reset ? "=" : "") + String(sum)).utf8)
            kept.append(cell)
        }
        row.cells.replaceSubrange(start..<range.upperBound, with: kept)
        return dropped
    }

    /// How many delete markers a row holds before the covered ones are dropped.
    static let markerCompactionThreshold = 32

    /// The markers no other marker covers, in their order: a row delete as new or newer
    /// covers every marker; a family delete one of its family's; a cell delete one of its
    /// cell's. Of markers alike (same kind and column), the newest is kept (the latest
    /// revision among equal timestamps); version deletes of one version are alike.
    static func compactMarkers(_ markers: [DeleteMarker]) -> [DeleteMarker] {
        struct Column: Hashable {
            var familyID: Int32
            var qualifier: Bytes
            var timestamp: Int64 = 0
        }
        func newer(_ a: DeleteMarker, than b: DeleteMarker) -> Bool {
            a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.revision > b.revision
        }
        var row: Int?
        var family: [Int32: Int] = [:]
        var cell: [Column: Int] = [:]
        var version: [Column: Int] = [:]
        for (i, m) in markers.enumerated() {
            switch m.flag {
            case .deleteRow: if row.map({ newer(m, than: markers[$0]) }) ?? true { row = i }
            case .deleteColumnFamily:
                if family[m.familyID].map({ newer(m, than: markers[$0]) }) ?? true { family[m.familyID] = i }
            case .deleteCell:
                let c = Column(familyID: m.familyID, qualifier: m.qualifier)
                if cell[c].map({ newer(m, than: markers[$0]) }) ?? true { cell[c] = i }
            case .deleteCellVersion:
                let v = Column(familyID: m.familyID, qualifier: m.qualifier, timestamp: m.timestamp)
                if version[v].map({ newer(m, than: markers[$0]) }) ?? true { version[v] = i }
            case .insert: break
            }
        }
        let rowTimestamp = row.map { markers[$0].timestamp } ?? .min
        var kept: [DeleteMarker] = []
        for (i, m) in markers.enumerated() {
            let familyTimestamp = family[m.familyID].map { markers[$0].timestamp } ?? .min
            let cellTimestamp = cell[Column(familyID: m.familyID, qualifier: m.qualifier)].map { markers[$0].timestamp } ?? .min
            let keep: Bool
            switch m.flag {
            case .deleteRow: keep = i == row
            case .deleteColumnFamily: keep = i == family[m.familyID] && m.timestamp > rowTimestamp
            case .deleteCell:
                keep = i == cell[Column(familyID: m.familyID, qualifier: m.qualifier)]
                    && m.timestamp > max(rowTimestamp, familyTimestamp)
            case .deleteCellVersion:
                keep = i == version[Column(familyID: m.familyID, qualifier: m.qualifier, timestamp: m.timestamp)]
                    && m.timestamp > max(rowTimestamp, familyTimestamp, cellTimestamp)
            case .insert: keep = true
            }
            if keep { kept.append(m) }
        }
        return kept
    }

    /// Drops every expired version of the row; `cutoffs[id]` is the oldest timestamp family
    /// `id` keeps (nil: no TTL, or no such family). Answers what went.
    static func expire(_ row: inout StoredRow, cutoffs: [Int64?]) -> [StoredCell] {
        var gone: [StoredCell] = []
        row.cells.removeAll { cell in
            let id = Int(cell.familyID)
            guard id >= 0, id < cutoffs.count, let cutoff = cutoffs[id], cell.timestamp < cutoff else { return false }
            gone.append(cell)
            return true
        }
        return gone
    }

    /// The TTL cutoffs of a schema's families at `now`, indexed by family id; nil when no
    /// family has a TTL.
    static func ttlCutoffs(_ schema: TableSchema, now: Int64) -> [Int64?]? {
        var cutoffs: [Int64?] = []
        for f in schema.families where !f.deleted && f.id >= 0 {
            guard let ttl = schema.effectiveOptions(f).ttl else { continue }
            if cutoffs.count <= Int(f.id) { cutoffs += Array(repeating: nil, count: Int(f.id) + 1 - cutoffs.count) }
            cutoffs[Int(f.id)] = now - Int64(ttl) * 1_000_000_000
        }
        return cutoffs.isEmpty ? nil : cutoffs
    }
}
