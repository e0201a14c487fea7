import HypertableClient

/// One stored version of a cell.
struct StoredCell: Sendable {
    var familyID: Int32
    var qualifier: Bytes
    var timestamp: Int64
    var revision: Int64
    var value: Bytes
    /// The family is TIME_ORDER DESC: its versions are kept oldest first (Hypertable's
    /// `Key::TS_CHRONOLOGICAL`; "a SELECT ... with MAX_VERSIONS 1 will return the oldest
    /// version of the cell", HQL help). The option cannot be altered, so it is fixed per cell.
    var chronological = false
}

/// A delete marker: `deleteRow`, `deleteColumnFamily`, `deleteCell` hide versions at or
/// before `timestamp`; `deleteCellVersion` hides exactly that version.
struct DeleteMarker: Sendable {
    var flag: KeyFlag
    var familyID: Int32
    var qualifier: Bytes
    var timestamp: Int64
    var revision: Int64

    func hides(_ cell: StoredCell) -> Bool {
        switch flag {
        case .deleteRow: return cell.timestamp <= timestamp
        case .deleteColumnFamily: return cell.familyID == familyID && cell.timestamp <= timestamp
        case .deleteCell:
            return cell.familyID == familyID && cell.qualifier == qualifier && cell.timestamp <= timestamp
        case .deleteCellVersion:
            return cell.familyID == familyID && cell.qualifier == qualifier && cell.timestamp == timestamp
        case .insert: return false
        }
    }
}

/// A row: its versions sorted by family id, qualifier, then newest timestamp first (oldest
/// first in a TIME_ORDER DESC family).
struct StoredRow: Sendable {
    var key: Bytes
    var cells: [StoredCell] = []
    var deletes: [DeleteMarker] = []

    /// Adds a version in order; one with the same family, qualifier and timestamp replaces
    /// the older one, which is answered (nil when the row gained a cell).
    mutating func insert(_ cell: StoredCell) -> StoredCell? {
        // Appending in key order is the common case (a row written front to back).
        if let last = cells.last, CellStore.precedes(last, cell) {
            cells.append(cell)
            return nil
        }
        var low = 0, high = cells.count
        while low < high {
            let mid = (low + high) / 2
            if CellStore.precedes(cells[mid], cell) { low = mid + 1 } else { high = mid }
        }
        if low < cells.count {
            let existing = cells[low]
            if existing.familyID == cell.familyID && existing.timestamp == cell.timestamp && existing.qualifier == cell.qualifier {
                cells[low] = cell
                return existing
            }
        }
        cells.insert(cell, at: low)
        return nil
    }
}

/// Byte-wise order of keys (Hypertable compares row keys with `strcmp`/`memcmp`).
@inline(__always)
func compareBytes(_ a: Bytes, _ b: Bytes) -> Int {
    let n = min(a.count, b.count)
    var i = 0
    while i < n {
        if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        i += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// Where a row sits in a `CellStore`: chunk, then index in the chunk. `chunk == chunkCount`
/// is the end. Valid until the store's `layoutVersion` changes (a row was added or removed).
struct RowPosition: Sendable, Equatable {
    var chunk: Int
    var index: Int
}

/// A table's cells: rows in sorted chunks of at most `maxChunkRows` rows, found by two
/// binary searches (chunk by its last key, then row). Adding a row moves at most one chunk's
/// tail and, on a split, the chunk list; so an insert costs O(log n + chunk size) whatever the
/// key order, and a scan resumes from any key in O(log n) without copying anything.
struct CellStore: Sendable {
    static let maxChunkRows = 128

    private var chunks: [[StoredRow]] = []
    private(set) var rowCount = 0
    private(set) var cellCount = 0
    /// Bumped whenever a row is added or removed (positions move); edits inside a row keep it.
    private(set) var layoutVersion: UInt64 = 0

    var endPosition: RowPosition { RowPosition(chunk: chunks.count, index: 0) }

    /// The position of the first row whose key is >= `key` (or > with `strictlyAfter`), or
    /// `endPosition`.
    func firstRow(atOrAfter key: Bytes, strictlyAfter: Bool = false) -> RowPosition {
        func before(_ rowKey: Bytes) -> Bool {
            let c = compareBytes(rowKey, key)
            return c < 0 || (strictlyAfter && c == 0)
        }
        var low = 0, high = chunks.count
        while low < high {
            let mid = (low + high) / 2
            if let last = chunks[mid].last, before(last.key) { low = mid + 1 } else { high = mid }
        }
        guard low < chunks.count else { return endPosition }
        let chunk = chunks[low]
        var l = 0, h = chunk.count
        while l < h {
            let mid = (l + h) / 2
            if before(chunk[mid].key) { l = mid + 1 } else { h = mid }
        }
        return RowPosition(chunk: low, index: l)
    }

    /// The row at `position`, nil at the end.
    func row(at position: RowPosition) -> StoredRow? {
        guard position.chunk < chunks.count, position.index < chunks[position.chunk].count else { return nil }
        return chunks[position.chunk][position.index]
    }

    /// The position after `position`.
    func position(after position: RowPosition) -> RowPosition {
        guard position.chunk < chunks.count else { return endPosition }
        if position.index + 1 < chunks[position.chunk].count {
            return RowPosition(chunk: position.chunk, index: position.index + 1)
        }
        return RowPosition(chunk: position.chunk + 1, index: 0)
    }

    /// Every row in order (tests and small tables).
    var rows: [StoredRow] { chunks.flatMap { $0 } }

    /// The position of `key`'s row, added empty when missing.
    private mutating func rowPosition(creating key: Bytes) -> RowPosition {
        if chunks.isEmpty {
            chunks.append([StoredRow(key: key)])
            rowCount = 1
            layoutVersion &+= 1
            return RowPosition(chunk: 0, index: 0)
        }
        var p = firstRow(atOrAfter: key)
        if p.chunk == chunks.count {
            p = RowPosition(chunk: chunks.count - 1, index: chunks[chunks.count - 1].count)
        } else if chunks[p.chunk][p.index].key == key {
            return p
        }
        chunks[p.chunk].insert(StoredRow(key: key), at: p.index)
        rowCount += 1
        layoutVersion &+= 1
        if chunks[p.chunk].count > 2 * Self.maxChunkRows {
            let tail = Array(chunks[p.chunk][Self.maxChunkRows...])
            chunks[p.chunk].removeLast(tail.count)
            chunks.insert(tail, at: p.chunk + 1)
            if p.index >= Self.maxChunkRows { p = RowPosition(chunk: p.chunk + 1, index: p.index - Self.maxChunkRows) }
        }
        return p
    }

    /// The row whose key is `key`, if there is one.
    func row(_ key: Bytes) -> StoredRow? {
        guard let row = row(at: firstRow(atOrAfter: key)), row.key == key else { return nil }
        return row
    }

    /// Adds a version; a version with the same family, qualifier and timestamp replaces the
    /// older one (Hypertable keeps the newest revision of identical keys), which is answered.
    @discardableResult
    mutating func insert(row: Bytes, _ cell: StoredCell) -> StoredCell? {
        insertReturningPosition(row: row, cell).replaced
    }

    /// `insert`, also answering where the row now stands (for `compactRow`).
    mutating func insertReturningPosition(row: Bytes, _ cell: StoredCell) -> (replaced: StoredCell?, position: RowPosition) {
        let p = rowPosition(creating: row)
        let replaced = chunks[p.chunk][p.index].insert(cell)
        if replaced == nil { cellCount += 1 }
        return (replaced, p)
    }

    /// Records a delete marker and drops the versions it hides now (later inserts with older
    /// timestamps stay hidden by the marker); answers the versions dropped.
    @discardableResult
    mutating func delete(row: Bytes, _ marker: DeleteMarker) -> [StoredCell] {
        let p = rowPosition(creating: row)
        let dropped = chunks[p.chunk][p.index].cells.filter { marker.hides($0) }
        if !dropped.isEmpty {
            chunks[p.chunk][p.index].cells.removeAll { marker.hides($0) }
            cellCount -= dropped.count
        }
        chunks[p.chunk][p.index].deletes.append(marker)
        let count = chunks[p.chunk][p.index].deletes.count
        if count >= CellCompaction.markerCompactionThreshold && count & (count - 1) == 0 {
            chunks[p.chunk][p.index].deletes = CellCompaction.compactMarkers(chunks[p.chunk][p.index].deletes)
        }
        return dropped
    }

    /// Removes the version of row `key` with this family, qualifier and timestamp, if stored;
    /// a row left with no cell and no delete marker goes too (what a compaction leaves of it).
    mutating func removeVersion(row key: Bytes, familyID: Int32, qualifier: Bytes, timestamp: Int64) {
        let p = firstRow(atOrAfter: key)
        guard p.chunk < chunks.count, chunks[p.chunk][p.index].key == key else { return }
        let before = chunks[p.chunk][p.index].cells.count
        chunks[p.chunk][p.index].cells.removeAll {
            $0.familyID == familyID && $0.timestamp == timestamp && $0.qualifier == qualifier
        }
        cellCount -= before - chunks[p.chunk][p.index].cells.count
        guard chunks[p.chunk][p.index].cells.isEmpty, chunks[p.chunk][p.index].deletes.isEmpty else { return }
        chunks[p.chunk].remove(at: p.index)
        if chunks[p.chunk].isEmpty { chunks.remove(at: p.chunk) }
        rowCount -= 1
        layoutVersion &+= 1
    }

    /// Lets `body` edit the row at `position` in place, dropping versions (a compaction's
    /// work) but adding none; the row stays, even empty, so no position moves.
    mutating func compactRow<T>(at position: RowPosition, _ body: (inout StoredRow) -> T) -> T {
        let before = chunks[position.chunk][position.index].cells.count
        let result = body(&chunks[position.chunk][position.index])
        cellCount -= before - chunks[position.chunk][position.index].cells.count
        return result
    }

    /// The position of row `key`, nil when there is none.
    func position(of key: Bytes) -> RowPosition? {
        let p = firstRow(atOrAfter: key)
        guard p.chunk < chunks.count, chunks[p.chunk][p.index].key == key else { return nil }
        return p
    }

    /// Removes every row whose key starts with `prefix` (one family's entries in an index
    /// table); answers how many went.
    @discardableResult
    mutating func removeRows(withPrefix prefix: Bytes) -> Int {
        var p = firstRow(atOrAfter: prefix)
        var removed = 0
        while p.chunk < chunks.count {
            let count = chunks[p.chunk].count
            var end = p.index
            while end < count && chunks[p.chunk][end].key.starts(with: prefix) {
                cellCount -= chunks[p.chunk][end].cells.count
                end += 1
            }
            chunks[p.chunk].removeSubrange(p.index..<end)
            removed += end - p.index
            if end < count { break }
            // The chunk's rows matched to its end: go on with the next chunk.
            if chunks[p.chunk].isEmpty { chunks.remove(at: p.chunk) } else { p.chunk += 1 }
            p.index = 0
        }
        if removed > 0 {
            rowCount -= removed
            layoutVersion &+= 1
        }
        return removed
    }

    /// Drops every version of a family (ALTER TABLE ... DROP).
    mutating func purge(familyID: Int32) {
        for c in chunks.indices {
            for r in chunks[c].indices {
                let before = chunks[c][r].cells.count
                chunks[c][r].cells.removeAll { $0.familyID == familyID }
                cellCount -= before - chunks[c][r].cells.count
            }
        }
    }

    /// Strict order within a row: family id, qualifier, newest first.
    static func precedes(_ a: StoredCell, _ b: StoredCell) -> Bool {
        if a.familyID != b.familyID { return a.familyID < b.familyID }
        let q = compareBytes(a.qualifier, b.qualifier)
        if q != 0 { return q < 0 }
        return a.chronological ? a.timestamp < b.timestamp : a.timestamp > b.timestamp
    }
}
