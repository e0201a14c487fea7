#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HQL
import HypertableClient
import Support

/// The embedded, in-memory ThriftBroker: a namespace tree, tables with schemas and sorted
/// cell stores, and a broker-wide timestamp clock. All of it sits behind one lock, so any
/// number of sessions (one per client connection) may call in from any thread.
///
/// Create one per process (`EmulatedBroker()`), then one `EmulatorSession` per client
/// connection with `makeSession()`; close the session when the connection ends.
public final class EmulatedBroker: Sendable {
    struct State {
        /// Canonical namespace path ("" is the root) -> its tables by name.
        var namespaces: [String: [String: TableState]] = ["": [:], "sys": [:], "tmp": [:]]
        var lastTimestamp: Int64 = 0
        var openScanners = 0
        var openMutators = 0
        var openSessions = 0
        /// Added to the wall clock: lets a script's `pause N` pass without sleeping.
        var clockOffset: Int64 = 0
        /// Namespace path -> its id path, as Hypertable's NameIdMapper numbers them: each
        /// namespace counts its children (namespaces and tables) from 0, and a fresh
        /// Hypertable has made /sys (0) and /tmp (1) before any user namespace or table.
        var namespaceIDs: [String: String] = ["": "", "sys": "0", "tmp": "1"]
        /// Namespace path -> the number its next child gets.
        var nextChildNumber: [String: Int] = ["": 2]
        /// The broker-wide shared mutators (`shared_mutator_*`, ThriftBroker's Context map).
        var sharedMutators: [SharedMutatorKey: SharedMutatorBuffer] = [:]
    }

    let state = Locked(State())

    /// Cell data per `next_cells` batch (`ThriftBroker.NextThreshold`, 512 KiB).
    public let nextCellsThreshold: Int

    public init(nextCellsThreshold: Int = 512 * 1024) {
        self.nextCellsThreshold = max(1, nextCellsThreshold)
    }

    /// A new per-connection session (the broker's per-client handler).
    public func makeSession() -> EmulatorSession {
        state.withLock { $0.openSessions += 1 }
        return EmulatorSession(broker: self)
    }

    /// Scanners open across every session (for tests and metrics).
    public var openScannerCount: Int { state.withLock { $0.openScanners } }
    /// Mutators open across every session.
    public var openMutatorCount: Int { state.withLock { $0.openMutators } }
    /// Sessions made and not yet closed.
    public var openSessionCount: Int { state.withLock { $0.openSessions } }

    // MARK: time

    static func wallClockNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The broker's clock: the wall clock plus `clockOffset` (nanoseconds since the epoch).
    static func now(_ s: State) -> Int64 {
        wallClockNanoseconds() &+ s.clockOffset
    }

    /// Moves the broker's clock forward (TTL expiry, auto timestamps) without waiting.
    func advanceClock(nanoseconds: Int64) {
        state.withLock { $0.clockOffset = $0.clockOffset &+ max(0, nanoseconds) }
    }

    /// A timestamp later than every one handed out before (nanoseconds since the epoch).
    static func nextTimestamp(_ s: inout State) -> Int64 {
        let now = now(s)
        s.lastTimestamp = max(now, s.lastTimestamp &+ 1)
        return s.lastTimestamp
    }

    // MARK: namespaces

    func namespaceExists(_ path: String) -> Bool {
        state.withLock { $0.namespaces[path] != nil }
    }

    func createNamespace(_ path: String, ifNotExists: Bool) throws(ClientException) {
        try locked { (s) throws(ClientException) in
            if path.isEmpty || s.namespaces[path] != nil {
                if ifNotExists { return }
                throw ClientException(.namespaceExists, "Client operation create_namespace('\(path)', flags=) failed")
            }
            let parent = NamespacePath.parent(of: path)
            guard s.namespaces[parent] != nil else {
                throw ClientException(.namespaceDoesNotExist, parent)
            }
            if s.namespaces[parent]?[NamespacePath.leaf(of: path)] != nil {
                throw ClientException(.nameAlreadyInUse, "Table \(path) exists")
            }
            s.namespaces[path] = [:]
            s.namespaceIDs[path] = Self.newChildID(&s, parent: parent)
        }
    }

    /// The id path of a new child of namespace `parent`.
    static func newChildID(_ s: inout State, parent: String) -> String {
        let number = s.nextChildNumber[parent, default: 0]
        s.nextChildNumber[parent] = number + 1
        let parentID = s.namespaceIDs[parent] ?? ""
        return parentID.isEmpty ? String(number) : "\(parentID)/\(number)"
    }

    func dropNamespace(_ path: String, ifExists: Bool) throws(ClientException) {
        try locked { (s) throws(ClientException) in
            guard let tables = s.namespaces[path], !path.isEmpty else {
                if ifExists && !path.isEmpty { return }
                throw ClientException(.namespaceDoesNotExist, "Client operation drop_namespace('/\(path)', flags=) failed")
            }
            let prefix = path + "/"
            if !tables.isEmpty || s.namespaces.keys.contains(where: { $0.hasPrefix(prefix) }) {
                throw ClientException(.hyperspaceDirNotEmpty, "Client operation drop_namespace('\(path)', flags=) failed")
            }
            s.namespaces[path] = nil
            s.namespaceIDs[path] = nil
            s.nextChildNumber[path] = nil
        }
    }

    /// Sub-namespaces and tables of `path`, sorted by name.
    func listing(_ path: String) throws(ClientException) -> [NamespaceListing] {
        try locked { (s) throws(ClientException) in
            guard let tables = s.namespaces[path] else { throw ClientException(.namespaceDoesNotExist, path) }
            var out = tables.keys.map { NamespaceListing(name: $0, isNamespace: false) }
            for key in s.namespaces.keys where !key.isEmpty && NamespacePath.parent(of: key) == path {
                out.append(NamespaceListing(name: NamespacePath.leaf(of: key), isNamespace: true))
            }
            return out.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    // MARK: tables

    /// Splits `a/b/table` relative to the namespace into (namespace path, table name).
    static func locate(_ namespace: String, _ table: String) -> (String, String) {
        let full = NamespacePath.canonical(namespace + "/" + table)
        return (NamespacePath.parent(of: full), NamespacePath.leaf(of: full))
    }

    static func table(_ s: State, _ namespace: String, _ name: String) throws(ClientException) -> TableState {
        let (ns, leaf) = locate(namespace, name)
        guard let table = s.namespaces[ns]?[leaf] else {
            throw ClientException(.tableNotFound, ns.isEmpty ? leaf : "\(ns)/\(leaf)")
        }
        return table
    }

    func withTable<T>(_ namespace: String, _ name: String,
                      _ body: (inout State, TableState) throws(ClientException) -> T) throws(ClientException) -> T {
        try locked { (s) throws(ClientException) -> T in
            Self.flushDueSharedMutators(&s)
            let table = try Self.table(s, namespace, name)
            return try body(&s, table)
        }
    }

    func tableExists(_ namespace: String, _ name: String) -> Bool {
        state.withLock { s in (try? Self.table(s, namespace, name)) != nil }
    }

    /// Names starting with `^` belong to index tables (`^t`, `^^t`), which Hypertable's
    /// Namespace refuses to create, drop, rename or alter by name.
    static func checkNotIndexName(_ path: String) throws(ClientException) {
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        if base.hasPrefix("^") { throw ClientException(.syntaxError, "Invalid table name character '^'") }
    }

    func createTable(_ namespace: String, _ name: String, schema: TableSchema) throws(ClientException) {
        try Self.checkNotIndexName(name)
        try locked { (s) throws(ClientException) in
            let (ns, leaf) = Self.locate(namespace, name)
            guard !leaf.isEmpty else { throw ClientException(.hqlParseError, "Empty table name") }
            guard s.namespaces[ns] != nil else {
                throw ClientException(.namespaceDoesNotExist, "Client operation create_table('\(ns)/\(leaf)') failed")
            }
            if s.namespaces[ns]?[leaf] != nil || s.namespaces[ns.isEmpty ? leaf : ns + "/" + leaf] != nil {
                throw ClientException(.nameAlreadyInUse, "Table \(ns)/\(leaf) exists")
            }
            // Hypertable's OperationCreateTable makes the index tables first, so they take
            // the namespace's next ids before the table itself.
            var indices: (TableState?, TableState?) = (nil, nil)
            if IndexTables.needsValueIndex(schema) { indices.0 = Self.createIndexTable(&s, ns, leaf, qualifier: false) }
            if IndexTables.needsQualifierIndex(schema) { indices.1 = Self.createIndexTable(&s, ns, leaf, qualifier: true) }
            let id = Self.newChildID(&s, parent: ns)
            let table = TableState(name: leaf, id: id, schema: schema)
            (table.valueIndex, table.qualifierIndex) = indices
            s.namespaces[ns]?[leaf] = table
        }
    }

    /// Adds `^leaf` (or `^^leaf`) to namespace `ns`.
    static func createIndexTable(_ s: inout State, _ ns: String, _ leaf: String, qualifier: Bool) -> TableState {
        let name = qualifier ? IndexTables.qualifierIndexName(leaf) : IndexTables.valueIndexName(leaf)
        let index = TableState(name: name, id: newChildID(&s, parent: ns), schema: IndexTables.schema())
        s.namespaces[ns]?[name] = index
        return index
    }

    func dropTable(_ namespace: String, _ name: String, ifExists: Bool) throws(ClientException) {
        try Self.checkNotIndexName(name)
        try locked { (s) throws(ClientException) in
            let (ns, leaf) = Self.locate(namespace, name)
            guard s.namespaces[ns]?[leaf] != nil else {
                if ifExists { return }
                throw ClientException(.tableNotFound, "Client operation drop_table('\(ns)/\(leaf)', if_exists=false) failed")
            }
            // Dropping a table drops its index tables.
            s.namespaces[ns]?[leaf] = nil
            s.namespaces[ns]?[IndexTables.valueIndexName(leaf)] = nil
            s.namespaces[ns]?[IndexTables.qualifierIndexName(leaf)] = nil
        }
    }

    func renameTable(_ namespace: String, _ name: String, to newName: String) throws(ClientException) {
        try Self.checkNotIndexName(name)
        try Self.checkNotIndexName(newName)
        try locked { (s) throws(ClientException) in
            let table = try Self.table(s, namespace, name)
            let (ns, leaf) = Self.locate(namespace, name)
            let (newNS, newLeaf) = Self.locate(namespace, newName)
            guard !newLeaf.isEmpty else { throw ClientException(.hqlParseError, "Empty table name") }
            guard s.namespaces[newNS] != nil else { throw ClientException(.namespaceDoesNotExist, newNS) }
            if s.namespaces[newNS]?[newLeaf] != nil {
                throw ClientException(.nameAlreadyInUse,
                                      "Client operation rename_table(old='\(ns)/\(leaf)', new='\(newNS)/\(newLeaf)') failed")
            }
            s.namespaces[ns]?[leaf] = nil
            table.name = newLeaf
            s.namespaces[newNS]?[newLeaf] = table
            // The index tables follow the table's name.
            for (index, newName) in [(table.valueIndex, IndexTables.valueIndexName(newLeaf)),
                                     (table.qualifierIndex, IndexTables.qualifierIndexName(newLeaf))] {
                guard let index else { continue }
                s.namespaces[ns]?[index.name] = nil
                index.name = newName
                s.namespaces[newNS]?[newName] = index
            }
        }
    }

    func tables(_ namespace: String) throws(ClientException) -> [String] {
        try listing(namespace).filter { !$0.isNamespace }.map(\.name)
    }

    // MARK: cells

    /// Validates and applies cells (inserts and delete flags) in order; an error stops at the
    /// failing cell, as a mutator does. Errors follow `TableMutatorAsync`: BAD_KEY.
    /// With `ignoreUnknownFamilies` (mutator flag IGNORE_UNKNOWN_CFS), cells of families the
    /// table does not have are dropped instead of failing.
    func write(_ namespace: String, _ name: String, cells: [Cell], ignoreUnknownFamilies: Bool = false) throws(ClientException) {
        try withTable(namespace, name) { (s, table) throws(ClientException) in
            try Self.apply(cells, to: table, state: &s, ignoreUnknownFamilies: ignoreUnknownFamilies)
        }
    }

    static func apply(_ cells: [Cell], to table: TableState, state s: inout State,
                      ignoreUnknownFamilies: Bool = false) throws(ClientException) {
        // The time TTL counts from, for keeping the index tables in step and dropping
        // expired versions.
        let clock = now(s)
        let cutoffs = CellCompaction.ttlCutoffs(table.schema, now: clock)
        // Each family's effective MAX_VERSIONS and TTL, looked up once per batch.
        let view = SchemaView(table.schema)
        for cell in cells {
            let key = cell.key
            guard let familyID = try validate(cell, schema: table.schema, ignoreUnknownFamilies: ignoreUnknownFamilies) else {
                continue
            }
            let revision = nextTimestamp(&s)
            let timestamp = key.timestamp ?? revision
            if key.flag == .insert {
                let family = table.schema.family(id: familyID)
                let chronological = family?.options.timeOrderDesc ?? false
                let stored = StoredCell(familyID: familyID, qualifier: key.columnQualifier, timestamp: timestamp,
                                        revision: revision, value: cell.value ?? [], chronological: chronological)
                let (replaced, position) = table.store.insertReturningPosition(row: key.row, stored)
                guard let family else { continue }
                let indexed = family.valueIndex || family.qualifierIndex
                if indexed {
                    // Only the index tables' stores change here: `position` stays valid.
                    IndexTables.inserted(stored, replacing: replaced, row: key.row, family: family, table: table, now: clock)
                }
                // A version a delete marker hides (written older than the delete) no reader
                // can see: it goes at once; the marker stays to hide it, and its index entry
                // with the marker, as a delete leaves the entries of what it hides.
                if table.store.compactRow(at: position, { CellCompaction.dropIfHidden(&$0, stored) }) { continue }
                let options = ColumnFamilyOptions(maxVersions: view.maxVersions[Int(familyID)], ttl: view.ttlSeconds[Int(familyID)],
                                                  counter: view.counterIDs.contains(familyID))
                guard options.ttl != nil || (options.maxVersions ?? 0) > 0 || options.counter == true else { continue }
                let dropped = table.store.compactRow(at: position) {
                    CellCompaction.compactColumn(&$0, familyID: familyID, qualifier: key.columnQualifier, options: options,
                                                 now: clock)
                }
                if indexed {
                    IndexTables.discarded(dropped.gone, row: key.row, table: table)
                }
            } else {
                let dropped = table.store.delete(row: key.row, DeleteMarker(flag: key.flag, familyID: familyID,
                                                                            qualifier: key.columnQualifier, timestamp: timestamp,
                                                                            revision: revision))
                IndexTables.deleted(dropped, row: key.row, table: table, now: clock)
                if let cutoffs, let position = table.store.position(of: key.row) {
                    let expired = table.store.compactRow(at: position) { CellCompaction.expire(&$0, cutoffs: cutoffs) }
                    IndexTables.discarded(expired, row: key.row, table: table)
                }
            }
        }
    }

    /// Checks one cell as `TableMutator::set_cells` does before buffering it; answers the
    /// cell's family id (0 for DELETE_ROW), or nil for a cell of an unknown family that
    /// `ignoreUnknownFamilies` drops.
    static func validate(_ cell: Cell, schema: TableSchema, ignoreUnknownFamilies: Bool) throws(ClientException) -> Int32? {
        let key = cell.key
        guard !key.row.isEmpty else { throw ClientException(.badKey, "Invalid row key - cannot be zero length") }
        guard !key.row.contains(0) else { throw ClientException(.badKey, "Invalid row key - '\\0' character not allowed") }
        var familyID: Int32 = 0
        if key.flag != .deleteRow {
            guard !key.columnFamily.isEmpty else { throw ClientException(.badKey, "Column family not specified") }
            guard let f = schema.family(named: key.columnFamily) else {
                if ignoreUnknownFamilies { return nil }
                throw ClientException(.badKey, "Bad column family '\(key.columnFamily)'")
            }
            familyID = f.id
        }
        if key.flag == .deleteCellVersion && key.timestamp == nil {
            throw ClientException(.badKey, "Flag is set to \(key.flag.rawValue) but timestamp is AUTO_ASSIGN")
        }
        return familyID
    }

    /// Starts a scan of `table`, its plan built by `makePlan` from the table's schema; column
    /// predicates go through the table's index when Hypertable's would (`IndexedScan`).
    func openScan(_ namespace: String, _ name: String,
                  _ makePlan: (TableSchema, String) throws(ClientException) -> ScanPlan) throws(ClientException) -> ScanCursor {
        try withTable(namespace, name) { (s, table) throws(ClientException) in
            // Errors name the table as the range server does: its path without the leading slash.
            let (ns, leaf) = Self.locate(namespace, name)
            var plan = try makePlan(table.schema, ns.isEmpty ? leaf : ns + "/" + leaf)
            if let indexed = try IndexedScan.plan(plan, table: table, now: Self.now(s)) {
                plan = indexed
            } else {
                try plan.checkSelectedColumnsReferenced(schema: table.schema)
            }
            return try ScanCursor(table: table, plan: plan)
        }
    }

    /// The next batch of a scan (`next_cells`), or one row with `oneRow` (`next_row`).
    func advance(_ cursor: inout ScanCursor, oneRow: Bool) -> [Cell] {
        state.withLock { s in
            Self.flushDueSharedMutators(&s)
            return cursor.next(byteBudget: nextCellsThreshold, oneRow: oneRow, now: Self.now(s))
        }
    }

    /// Every remaining cell of a scan (buffered `hql_query`, `get_cells`).
    func drain(_ cursor: inout ScanCursor) -> [Cell] {
        state.withLock { s in
            Self.flushDueSharedMutators(&s)
            return cursor.next(byteBudget: Int.max, oneRow: false, now: Self.now(s))
        }
    }

    func schema(_ namespace: String, _ name: String) throws(ClientException) -> TableSchema {
        try withTable(namespace, name) { (_, table) throws(ClientException) in table.schema }
    }

    /// Replaces a table's schema under the lock (ALTER TABLE), purging dropped families.
    func alterSchema(_ namespace: String, _ name: String,
                     _ change: (inout TableSchema) throws(ClientException) -> Void) throws(ClientException) {
        try Self.checkNotIndexName(name)
        try withTable(namespace, name) { (s, table) throws(ClientException) in
            var schema = table.schema
            schema.generation += 1
            try change(&schema)
            for f in schema.families where f.deleted && !(table.schema.family(id: f.id)?.deleted ?? true) {
                table.store.purge(familyID: f.id)
                IndexTables.removeEntries(ofFamily: f.id, from: table)
            }
            let old = table.schema
            table.schema = schema
            IndexTables.followChangedOptions(of: table, from: old, now: Self.now(s))
            // An index added by ALTER TABLE gets its table now, filled by new inserts (and by
            // REBUILD INDICES with the cells already there), as in Hypertable.
            let (ns, leaf) = Self.locate(namespace, name)
            if table.valueIndex == nil && IndexTables.needsValueIndex(schema) {
                table.valueIndex = Self.createIndexTable(&s, ns, leaf, qualifier: false)
            }
            if table.qualifierIndex == nil && IndexTables.needsQualifierIndex(schema) {
                table.qualifierIndex = Self.createIndexTable(&s, ns, leaf, qualifier: true)
            }
            // One whose last index is gone (the index or its family dropped) goes with it.
            if let index = table.valueIndex, !IndexTables.needsValueIndex(schema) {
                s.namespaces[ns]?[index.name] = nil
                table.valueIndex = nil
            }
            if let index = table.qualifierIndex, !IndexTables.needsQualifierIndex(schema) {
                s.namespaces[ns]?[index.name] = nil
                table.qualifierIndex = nil
            }
        }
    }

    /// `REBUILD INDICES` (Hypertable's OperationRecreateIndexTables): the table's index tables
    /// of the kinds asked are made afresh (new ids) and filled from the cells the table holds.
    func rebuildIndices(_ namespace: String, _ name: String, qualifier: Bool, value: Bool) throws(ClientException) {
        try Self.checkNotIndexName(name)
        try withTable(namespace, name) { (s, table) throws(ClientException) in
            let (ns, leaf) = Self.locate(namespace, name)
            if value, let old = table.valueIndex {
                s.namespaces[ns]?[old.name] = nil
                table.valueIndex = Self.createIndexTable(&s, ns, leaf, qualifier: false)
            }
            if qualifier, let old = table.qualifierIndex {
                s.namespaces[ns]?[old.name] = nil
                table.qualifierIndex = Self.createIndexTable(&s, ns, leaf, qualifier: true)
            }
            let schema = table.schema
            let now = Self.now(s)
            for row in table.store.rows {
                // The cells a scan of the table reads: deletes, TTL and MAX_VERSIONS applied.
                var column: (Int32, Bytes)?
                var inView: Int32 = 0
                for cell in row.cells {
                    guard var family = schema.family(id: cell.familyID), !family.deleted else { continue }
                    if column?.0 != cell.familyID || column?.1 != cell.qualifier {
                        column = (cell.familyID, cell.qualifier)
                        inView = 0
                    }
                    guard IndexTables.visibility(of: cell, in: row, options: schema.effectiveOptions(family), now: now,
                                                 versionsBefore: &inView) == .inView else { continue }
                    family.valueIndex = family.valueIndex && value
                    family.qualifierIndex = family.qualifierIndex && qualifier
                    if !family.valueIndex && !family.qualifierIndex { continue }
                    IndexTables.add(row: row.key, family: family, qualifier: cell.qualifier, value: cell.value,
                                    timestamp: cell.timestamp, revision: cell.revision, to: table)
                }
            }
        }
    }

    /// `Locked.withLock` with a typed error.
    func locked<T>(_ body: (inout State) throws(ClientException) -> T) throws(ClientException) -> T {
        let result: Result<T, ClientException> = state.withLock { s in
            do throws(ClientException) { return .success(try body(&s)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    func counters(_ change: (inout State) -> Void) {
        state.withLock { change(&$0) }
    }
}
