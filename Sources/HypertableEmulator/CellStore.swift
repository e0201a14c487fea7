import HypertableClient

/// One stored version of a cell.
struct StoredCell: Sendable {
    var familyID: Int32
    var qualifier: Bytes
    var timestamp: Int64
    var revision: Int64
    var value: Bytes
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

/// A row: its versions sorted by family id, qualifier, then newest timestamp first.
struct StoredRow: Sendable {
    var key: Bytes
    var cells: [StoredCell] = []
    var deletes: [DeleteMarker] = []
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

/// A table's cells: rows in a sorted array found by binary search. Inserting a row moves
/// the tail of the array; that is cheap for the sizes an emulator holds, and the interface
/// (insert, delete, `firstRow(atOrAfter:)`, `row(at:)`) lets a tree replace it later.
struct CellStore: Sendable {
    private(set) var rows: [StoredRow] = []
    private(set) var cellCount = 0

    /// Index of the first row whose key is >= `key` (or > with `strictlyAfter`).
    func firstRow(atOrAfter key: Bytes, strictlyAfter: Bool = false) -> Int {
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            let c = compareBytes(rows[mid].key, key)
            if c < 0 || (strictlyAfter && c == 0) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func rowIndex(creating key: Bytes) -> Int {
        let i = firstRow(atOrAfter: key)
        if i < rows.count && rows[i].key == key { return i }
        rows.insert(StoredRow(key: key), at: i)
        return i
    }

    /// Adds a version; a version with the same family, qualifier and timestamp replaces the
    /// older one (Hypertable keeps the newest revision of identical keys).
    mutating func insert(row: Bytes, _ cell: StoredCell) {
        let r = rowIndex(creating: row)
        var low = 0, high = rows[r].cells.count
        while low < high {
            let mid = (low + high) / 2
            if Self.precedes(rows[r].cells[mid], cell) { low = mid + 1 } else { high = mid }
        }
        if low < rows[r].cells.count {
            let existing = rows[r].cells[low]
            if existing.familyID == cell.familyID && existing.timestamp == cell.timestamp && existing.qualifier == cell.qualifier {
                rows[r].cells[low] = cell
                return
            }
        }
        rows[r].cells.insert(cell, at: low)
        cellCount += 1
    }

    /// Records a delete marker and drops the versions it hides now (later inserts with older
    /// timestamps stay hidden by the marker).
    mutating func delete(row: Bytes, _ marker: DeleteMarker) {
        let r = rowIndex(creating: row)
        let before = rows[r].cells.count
        rows[r].cells.removeAll { marker.hides($0) }
        cellCount -= before - rows[r].cells.count
        rows[r].deletes.append(marker)
    }

    /// Drops every version of a family (ALTER TABLE ... DROP).
    mutating func purge(familyID: Int32) {
        for r in rows.indices {
            let before = rows[r].cells.count
            rows[r].cells.removeAll { $0.familyID == familyID }
            cellCount -= before - rows[r].cells.count
        }
    }

    /// Strict order within a row: family id, qualifier, newest first.
    static func precedes(_ a: StoredCell, _ b: StoredCell) -> Bool {
        if a.familyID != b.familyID { return a.familyID < b.familyID }
        let q = compareBytes(a.qualifier, b.qualifier)
        if q != 0 { return q < 0 }
        return a.timestamp > b.timestamp
    }
}
