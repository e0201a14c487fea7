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
/// `\\` `\n` `\t` `\0`), so the tabs that separate them are the only ones. Deletes leave the
/// index alone: Hypertable purges entries only when a compaction drops the cell, which an
/// in-memory store never does, so a lookup reads stale entries and checks the primary table.
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

    /// Adds the index entries of one inserted cell (`IndexTables::add`).
    static func add(row: Bytes, family: FamilyDefinition, qualifier: Bytes, value: Bytes,
                    timestamp: Int64, revision: Int64, to table: TableState) {
        let id = Array(String(family.id).utf8) + [0x2C]
        if family.valueIndex, let index = table.valueIndex {
            let key = id + LoadDataEscape.escape(value) + [0x09] + LoadDataEscape.escape(qualifier) + [0x09]
                + LoadDataEscape.escape(row)
            index.store.insert(row: key, entry(timestamp: timestamp, revision: revision))
        }
        if family.qualifierIndex, let index = table.qualifierIndex {
            let key = id + LoadDataEscape.escape(qualifier) + [0x09] + LoadDataEscape.escape(row)
            index.store.insert(row: key, entry(timestamp: timestamp, revision: revision))
        }
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
