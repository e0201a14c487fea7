import HypertableClient

/// Reads an index table for a lookup (`TableScannerAsync::use_index`): only the index rows
/// the column predicates can match, and of those only the entries whose cells a reader of the
/// primary table still sees (or, for a scan that returns delete markers, whose delete marker
/// it sees; see `IndexTables`).
///
/// Index rows start with `<family id>,` and the escaped value (value index) or qualifier
/// (qualifier index), so each predicate fixes a key prefix, as Hypertable builds its index
/// scan's row intervals: an exact value `id,value\t` (with an exact qualifier
/// `id,value\tqualifier\t`, with a qualifier prefix or a regex's literal prefix
/// `id,value\tprefix`), a value prefix `id,prefix`, a value regex `id,` and its literal prefix
/// (`Regex::extract_prefix`); an exact qualifier `id,qualifier\t`, a qualifier prefix or
/// regex `id,prefix`, `EXISTS(cf:*)` `id,`. Escaping works byte by byte, so the escaped
/// prefix of a value is the prefix of the escaped value.
enum IndexLookup {
    /// The literal a regex starts with (`Regex::extract_prefix`): after `^`, the bytes up to
    /// the first metacharacter, less the one a quantifier applies to; nil when there is none.
    static func literalPrefix(_ regex: Bytes) -> Bytes? {
        guard regex.first == UInt8(ascii: "^") else { return nil }
        var literal: Bytes = []
        for b in regex.dropFirst() {
            switch b {
            case UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "\\"),
                 UInt8(ascii: "+"), UInt8(ascii: "$"):
                return literal.isEmpty ? nil : literal
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "|"):
                // The byte before a quantifier is not part of the literal.
                literal.removeLast(literal.isEmpty ? 0 : 1)
                return literal.isEmpty ? nil : literal
            default:
                literal.append(b)
            }
        }
        return literal.isEmpty ? nil : literal
    }

    /// The key prefix of the index rows `filter` can match.
    static func prefix(_ filter: ValueFilter, qualifierIndex: Bool) -> Bytes {
        var key = IndexTables.familyPrefix(filter.familyID ?? 0)
        let op = filter.operation
        let qualifier = filter.qualifier ?? []
        func escaped(_ bytes: Bytes) -> Bytes { LoadDataEscape.escape(bytes) }
        if qualifierIndex {
            if op.contains(.qualifierRegexMatch) {
                key += escaped(literalPrefix(qualifier) ?? [])
            } else if op.contains(.qualifierExactMatch) {
                key += escaped(qualifier) + [0x09]
            } else if op.contains(.qualifierPrefixMatch) {
                key += escaped(qualifier)
            }
            return key
        }
        let value = filter.value ?? []
        if op.contains(.regexMatch) {
            return key + escaped(literalPrefix(value) ?? [])
        }
        key += escaped(value)
        guard op.contains(.exactMatch) else { return key }
        key.append(0x09)
        if op.contains(.qualifierExactMatch) {
            key += escaped(qualifier) + [0x09]
        } else if op.contains(.qualifierPrefixMatch) {
            key += escaped(qualifier)
        } else if op.contains(.qualifierRegexMatch) {
            key += escaped(literalPrefix(qualifier) ?? [])
        }
        return key
    }

    /// The prefixes to read for `filters`, in key order, without one that another covers (so no
    /// index row is read twice).
    static func prefixes(_ filters: [ValueFilter], qualifierIndex: Bool) -> [Bytes] {
        let sorted = filters.map { prefix($0, qualifierIndex: qualifierIndex) }.sorted { compareBytes($0, $1) < 0 }
        var out: [Bytes] = []
        for p in sorted where !(out.last.map { p.starts(with: $0) } ?? false) { out.append(p) }
        return out
    }

    /// A version of a primary row: family id, qualifier, timestamp.
    private struct VersionKey: Hashable {
        var familyID: Int32
        var qualifier: Bytes
        var timestamp: Int64
    }

    /// The versions of a primary row's indexed families a reader sees, with their values.
    private static func liveVersions(of row: StoredRow, schema: TableSchema, now: Int64) -> [VersionKey: Bytes] {
        var live: [VersionKey: Bytes] = [:]
        IndexTables.forEachIndexedVersion(of: row, schema: schema, now: now) { cell, _, visibility in
            if visibility == .inView {
                live[VersionKey(familyID: cell.familyID, qualifier: cell.qualifier, timestamp: cell.timestamp)] = cell.value
            }
        }
        return live
    }

    /// The entries of `index` under the prefixes `filters` give whose cells `table` still
    /// shows a reader, or, `withDeleted`, hides behind a delete marker the reader sees. The
    /// stale ones met on the way (their cell overwritten, expired, beyond MAX_VERSIONS, or
    /// gone with its family) are removed, as a compaction would have. Sets
    /// `index.indexRowsRead`.
    static func entries(of index: TableState, for filters: [ValueFilter], qualifierIndex: Bool, withDeleted: Bool,
                        table: TableState, now: Int64) -> [IndexTables.Entry] {
        let store = index.store
        let schema = table.schema
        var found: [IndexTables.Entry] = []
        var stale: [(Bytes, Int64)] = []
        var primaryRows: [Bytes: [VersionKey: Bytes]] = [:]
        var read = 0
        for prefix in prefixes(filters, qualifierIndex: qualifierIndex) {
            var position = store.firstRow(atOrAfter: prefix)
            while let indexRow = store.row(at: position), indexRow.key.starts(with: prefix) {
                position = store.position(after: position)
                read += 1
                guard !indexRow.cells.isEmpty,
                      let entry = IndexTables.parse(indexRow.key, qualifierIndex: qualifierIndex) else { continue }
                let primary = table.store.row(entry.row)
                let live: [VersionKey: Bytes]
                if let cached = primaryRows[entry.row] {
                    live = cached
                } else {
                    live = primary.map { liveVersions(of: $0, schema: schema, now: now) } ?? [:]
                    primaryRows[entry.row] = live
                }
                var finds = false
                for version in indexRow.cells {
                    let key = VersionKey(familyID: entry.familyID, qualifier: entry.qualifier, timestamp: version.timestamp)
                    if let value = live[key], qualifierIndex || value == entry.value {
                        finds = true
                        continue
                    }
                    // A deleted cell (dropped by its delete marker, or hidden by one) keeps its
                    // entry while the marker stands.
                    let probe = StoredCell(familyID: key.familyID, qualifier: key.qualifier, timestamp: key.timestamp,
                                           revision: 0, value: [])
                    if let primary, primary.deletes.contains(where: { $0.hides(probe) }) {
                        if withDeleted { finds = true }
                        continue
                    }
                    stale.append((indexRow.key, version.timestamp))
                }
                if finds { found.append(entry) }
            }
        }
        for (key, timestamp) in stale {
            index.store.removeVersion(row: key, familyID: 1, qualifier: [], timestamp: timestamp)
        }
        index.indexRowsRead = read
        return found
    }
}
