import HypertableClient

/// The order in which a range server returns a table's cells, which a paged scan resumes in:
/// row (bytes, unsigned), column family by id (not by name), qualifier (bytes), then the
/// newest timestamp first and, between versions of one timestamp, the highest revision
/// first; a `TIME_ORDER DESC` family keeps its versions oldest first (Hypertable's
/// `TS_CHRONOLOGICAL` keys), revisions included. Built from the table's schema.
struct ScanKeyOrder: Sendable {
    private struct Family: Sendable {
        var id: Int32
        var chronological: Bool
    }

    private let families: [String: Family]

    init(schema: Schema) {
        var families: [String: Family] = [:]
        for (name, family) in schema.columnFamilies {
            // A family without an id (a broker that sends none) sorts after every numbered one
            // and by name among such, which keeps the order total.
            families[name] = Family(id: family.id ?? Int32.max,
                                    chronological: family.options?.timeOrderDesc ?? false)
        }
        self.families = families
    }

    /// Whether `key` comes strictly after `last` in the scan's order.
    func isAfter(_ key: Key, _ last: Key) -> Bool {
        compare(key, last) > 0
    }

    /// Negative, zero or positive as `a` comes before, at or after `b`.
    func compare(_ a: Key, _ b: Key) -> Int {
        let rows = Self.compareBytes(a.row, b.row)
        if rows != 0 { return rows }
        if a.columnFamily != b.columnFamily {
            let fa = families[a.columnFamily]?.id ?? Int32.max
            let fb = families[b.columnFamily]?.id ?? Int32.max
            if fa != fb { return fa < fb ? -1 : 1 }
            return a.columnFamily < b.columnFamily ? -1 : 1
        }
        let qualifiers = Self.compareBytes(a.columnQualifier, b.columnQualifier)
        if qualifiers != 0 { return qualifiers }
        let newestFirst = !(families[a.columnFamily]?.chronological ?? false)
        let (ta, tb) = (a.timestamp ?? 0, b.timestamp ?? 0)
        if ta != tb { return (ta > tb) == newestFirst ? -1 : 1 }
        let (ra, rb) = (a.revision ?? 0, b.revision ?? 0)
        if ra != rb { return (ra > rb) == newestFirst ? -1 : 1 }
        return 0
    }

    /// memcmp order: unsigned bytes, a prefix first.
    static func compareBytes(_ a: Bytes, _ b: Bytes) -> Int {
        let count = min(a.count, b.count)
        var index = 0
        while index < count {
            if a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
            index += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
