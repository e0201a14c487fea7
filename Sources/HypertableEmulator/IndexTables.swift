import HypertableClient

/// A table's secondary indices, kept as Hypertable keeps them: in tables of their own next to
/// the primary, `^name` (value index) and `^^name` (qualifier index), each with the one
/// family `v1`. Every insert into an indexed family adds a key-only cell to them
/// (`IndexTables::add`), with the cell's timestamp:
///
/// - value index row: `<family id>,<value>\t<qualifier>\t<row>`
/// - qualifier index row: `<family id>,<qualifier>\t<row>`
///
/// value, qualifier and row escaped as `LoadDataEscape` does (`\` `\n` `\t` NUL written as
/// `\\` `\n` `\t` `\0`), so the tabs that separate them are the only ones.
///
/// An entry lives as long as the cell it stands for is one a reader can see. Hypertable purges
/// the entries of the cells a compaction drops (overwritten, expired, beyond MAX_VERSIONS,
/// deleted); here that happens when the cell goes: an overwrite removes the old cell's entries
/// at once, an insert those of the versions it pushes beyond MAX_VERSIONS (a delete gives back
/// those of the versions it brings back into view), and a lookup drops the expired ones it
/// meets (`IndexLookup`), checking every entry against the primary table, so no row is found
/// through a stale entry. A deleted cell's entry stays while its delete marker does, as until
/// Hypertable's compaction purges both: it finds the row only for a scan that returns
/// delete markers (`RETURN_DELETES`), as in Hypertable's `indices_test`.
enum IndexTables {
    static func valueIndexName(_ table: String) -> String { "^" + table }
    static func qualifierIndexName(_ table: String) -> String { "^^" + table }

    /// The schema of an index table: `CREATE TABLE '^t' (v1, ACCESS GROUP default (v1))`.
    static func schema() -> TableSchema {
        var schema = TableSchema()
        schema.version = 1
        do throws(ClientException) {
            try schema.addAccessGroup("default")
            try schema.addFamily("v1", accessGroup: "default", options: ColumnFamilyOptions())
        } catch {
            // Adding one family to an empty schema has nothing to refuse.
            assertionFailure("index table schema: \(error.message)")
        }
        return schema
    }

    static func needsValueIndex(_ schema: TableSchema) -> Bool {
        schema.families.contains { $0.valueIndex && !$0.deleted }
    }

    static func needsQualifierIndex(_ schema: TableSchema) -> Bool {
        schema.families.contains { $0.qualifierIndex && !$0.deleted }
    }

    /// `<family id>,`: where every entry of a family starts.
    static func familyPrefix(_ familyID: Int32) -> Bytes {
        Array(String(familyID).utf8) + [0x2C]
    }

    static func valueKey(familyID: Int32, value: Bytes, qualifier: Bytes, row: Bytes) -> Bytes {
        familyPrefix(familyID) + LoadDataEscape.escape(value) + [0x09] + LoadDataEscape.escape(qualifier) + [0x09]
            + LoadDataEscape.escape(row)
    }

    static func qualifierKey(familyID: Int32, qualifier: Bytes, row: Bytes) -> Bytes {
        familyPrefix(familyID) + LoadDataEscape.escape(qualifier) + [0x09] + LoadDataEscape.escape(row)
    }

    /// Adds the index entries of one inserted cell (`IndexTables::add`); adding them again
    /// changes nothing.
    static func add(row: Bytes, family: FamilyDefinition, qualifier: Bytes, value: Bytes,
                    timestamp: Int64, revision: Int64, to table: TableState) {
        if family.valueIndex, let index = table.valueIndex {
            index.store.insert(row: valueKey(familyID: family.id, value: value, qualifier: qualifier, row: row),
                               entry(timestamp: timestamp, revision: revision))
        }
        if family.qualifierIndex, let index = table.qualifierIndex {
            index.store.insert(row: qualifierKey(familyID: family.id, qualifier: qualifier, row: row),
                               entry(timestamp: timestamp, revision: revision))
        }
    }

    /// Removes the index entries of one stored cell (of a family with an index), as a
    /// compaction that drops the cell purges them.
    static func remove(row: Bytes, familyID: Int32, cell: StoredCell, from table: TableState) {
        if let index = table.valueIndex {
            index.store.removeVersion(row: valueKey(familyID: familyID, value: cell.value, qualifier: cell.qualifier, row: row),
                                      familyID: 1, qualifier: [], timestamp: cell.timestamp)
        }
        if let index = table.qualifierIndex {
            index.store.removeVersion(row: qualifierKey(familyID: familyID, qualifier: cell.qualifier, row: row),
                                      familyID: 1, qualifier: [], timestamp: cell.timestamp)
        }
    }

    /// Removes every entry of a family (dropped by ALTER TABLE, its cells purged with it).
    static func removeEntries(ofFamily familyID: Int32, from table: TableState) {
        for index in [table.valueIndex, table.qualifierIndex] {
            index?.store.removeRows(withPrefix: familyPrefix(familyID))
        }
    }

    /// After ALTER TABLE changed an indexed family's MAX_VERSIONS or TTL (its own, its
    /// group's or the table's), brings the family's entries in line with what the table now
    /// shows: versions that left the view lose theirs, versions back in view (still stored,
    /// as before a compaction) get theirs again. A family whose indices this ALTER changed is
    /// left as it is: a new index is filled by REBUILD INDICES, as in Hypertable.
    static func followChangedOptions(of table: TableState, from old: TableSchema, now: Int64) {
        guard table.valueIndex != nil || table.qualifierIndex != nil else { return }
        let schema = table.schema
        var changed: Set<Int32> = []
        for f in schema.families where !f.deleted && (f.valueIndex || f.qualifierIndex) {
            guard let before = old.family(id: f.id), !before.deleted, before.valueIndex == f.valueIndex,
                  before.qualifierIndex == f.qualifierIndex else { continue }
            let (was, becomes) = (old.effectiveOptions(before), schema.effectiveOptions(f))
            if was.maxVersions != becomes.maxVersions || was.ttl != becomes.ttl { changed.insert(f.id) }
        }
        guard !changed.isEmpty else { return }
        for row in table.store.rows where row.cells.contains(where: { changed.contains($0.familyID) }) {
            sync(row: row, table: table, now: now) { changed.contains($0.familyID) }
        }
    }

    /// Removes the entries of versions dropped as expired or beyond MAX_VERSIONS
    /// (`CellCompaction`), for those of
    /// families with an index.
    static func discarded(_ cells: [StoredCell], row: Bytes, table: TableState) {
        guard table.valueIndex != nil || table.qualifierIndex != nil, !cells.isEmpty else { return }
        for cell in cells {
            guard let family = table.schema.family(id: cell.familyID), family.valueIndex || family.qualifierIndex else {
                continue
            }
            remove(row: row, familyID: family.id, cell: cell, from: table)
        }
    }

    /// Brings the entries of `row`'s cells that `include` picks (in indexed families) in line
    /// with what a reader of the primary table can see: an entry for every version in view or
    /// deleted, none for one expired or beyond its family's MAX_VERSIONS (counted as
    /// `ScanCursor` counts them; a version comes back into view when a newer one is deleted).
    /// With `limit`, a column's versions after its `limit + 1`th counted one are left as they
    /// are (an insert moves only that one beyond MAX_VERSIONS).
    static func sync(row: StoredRow, table: TableState, now: Int64, limit: Int32? = nil,
                     including include: (StoredCell) -> Bool) {
        forEachIndexedVersion(of: row, schema: table.schema, now: now, limit: limit, including: include) { cell, f, visibility in
            if visibility == .gone {
                remove(row: row.key, familyID: f.id, cell: cell, from: table)
            } else {
                add(row: row.key, family: f, qualifier: cell.qualifier, value: cell.value, timestamp: cell.timestamp,
                    revision: cell.revision, to: table)
            }
        }
    }

    /// Walks the versions of `row`'s live indexed families that `include` picks, each with
    /// its family and what a reader sees of it (`visibility`, counted per column); with
    /// `limit`, a column's versions after `limit` in view are skipped.
    static func forEachIndexedVersion(of row: StoredRow, schema: TableSchema, now: Int64, limit: Int32? = nil,
                                      including include: (StoredCell) -> Bool = { _ in true },
                                      _ body: (StoredCell, FamilyDefinition, Visibility) -> Void) {
        var column: (Int32, Bytes)?
        var family: FamilyDefinition?
        var options = ColumnFamilyOptions()
        var inView: Int32 = 0
        for cell in row.cells where include(cell) {
            if family?.id != cell.familyID {
                family = schema.family(id: cell.familyID)
                options = family.map { schema.effectiveOptions($0) } ?? ColumnFamilyOptions()
            }
            guard let f = family, !f.deleted, f.valueIndex || f.qualifierIndex else { continue }
            if column?.0 != cell.familyID || column?.1 != cell.qualifier {
                column = (cell.familyID, cell.qualifier)
                inView = 0
            }
            if let limit, inView > limit { continue }
            body(cell, f, visibility(of: cell, in: row, options: options, now: now, versionsBefore: &inView))
        }
    }

    /// Keeps the index in step with an insert into an indexed family: the entries of the
    /// version it overwrote go, its own come, and the version it pushes beyond MAX_VERSIONS
    /// loses its (expired ones are left to lookups).
    static func inserted(_ cell: StoredCell, replacing old: StoredCell?, row: Bytes, family: FamilyDefinition,
                         table: TableState, now: Int64) {
        if let old { remove(row: row, familyID: family.id, cell: old, from: table) }
        let maxVersions = table.schema.effectiveOptions(family).maxVersions ?? 0
        if maxVersions > 0, let stored = table.store.row(row) {
            sync(row: stored, table: table, now: now, limit: maxVersions) {
                $0.familyID == family.id && $0.qualifier == cell.qualifier
            }
        } else {
            add(row: row, family: family, qualifier: cell.qualifier, value: cell.value, timestamp: cell.timestamp,
                revision: cell.revision, to: table)
        }
    }

    /// Keeps the index in step with a delete: the entries of the versions it dropped stay
    /// with its marker, and in a family with MAX_VERSIONS the versions it brings back into view
    /// get theirs again.
    static func deleted(_ dropped: [StoredCell], row: Bytes, table: TableState, now: Int64) {
        guard table.valueIndex != nil || table.qualifierIndex != nil, !dropped.isEmpty else { return }
        let schema = table.schema
        var limited: Set<Int32> = []
        for cell in dropped {
            guard let family = schema.family(id: cell.familyID), family.valueIndex || family.qualifierIndex,
                  (schema.effectiveOptions(family).maxVersions ?? 0) > 0 else { continue }
            limited.insert(family.id)
        }
        guard !limited.isEmpty, let stored = table.store.row(row) else { return }
        sync(row: stored, table: table, now: now) { limited.contains($0.familyID) }
    }

    /// What a reader of the primary table can see of a stored version.
    enum Visibility {
        /// In view.
        case inView
        /// Hidden by a delete marker, which a scan with `RETURN_DELETES` returns.
        case deleted
        /// Expired, or beyond MAX_VERSIONS: what a compaction drops without a trace.
        case gone
    }

    /// What a reader sees of `cell`, the next version of its column after `versionsBefore`
    /// versions in view (counted up when it is one), as `ScanCursor` decides it: deletes,
    /// then TTL, then MAX_VERSIONS.
    static func visibility(of cell: StoredCell, in row: StoredRow, options: ColumnFamilyOptions, now: Int64,
                           versionsBefore: inout Int32) -> Visibility {
        if !row.deletes.isEmpty && row.deletes.contains(where: { $0.hides(cell) }) { return .deleted }
        if let ttl = options.ttl, cell.timestamp < now - Int64(ttl) * 1_000_000_000 { return .gone }
        versionsBefore += 1
        if let n = options.maxVersions, n > 0, versionsBefore > n { return .gone }
        return .inView
    }

    private static func entry(timestamp: Int64, revision: Int64) -> StoredCell {
        // Family v1 (id 1), no qualifier, no value.
        StoredCell(familyID: 1, qualifier: [], timestamp: timestamp, revision: revision, value: [])
    }

    /// One index entry split into its parts (`IndexScannerCallback::collect_indices`); nil
    /// for a row that is not an index entry. `value` is empty in a qualifier index.
    struct Entry {
        var familyID: Int32
        var row: Bytes
        var qualifier: Bytes
        var value: Bytes
    }

    static func parse(_ key: Bytes, qualifierIndex: Bool) -> Entry? {
        guard let rowTab = key.lastIndex(of: 0x09) else { return nil }
        let row = LoadDataEscape.unescape(key[(rowTab + 1)...])
        // The family id is at most three digits, then a comma.
        guard let comma = key.prefix(5).firstIndex(of: 0x2C), comma < rowTab,
              let id = Int32(String(decoding: key[..<comma], as: UTF8.self)), id > 0 else { return nil }
        let middle = key[(comma + 1)..<rowTab]
        if qualifierIndex {
            return Entry(familyID: id, row: row, qualifier: LoadDataEscape.unescape(middle), value: [])
        }
        guard let valueTab = middle.firstIndex(of: 0x09) else { return nil }
        return Entry(familyID: id, row: row, qualifier: LoadDataEscape.unescape(middle[(valueTab + 1)...]),
                     value: LoadDataEscape.unescape(middle[..<valueTab]))
    }
}
