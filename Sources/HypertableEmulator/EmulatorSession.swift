import HQL
import HypertableClient
import Support

/// One client's view of the embedded broker (the ThriftBroker's per-client handler): the
/// namespace, scanner and mutator ids it opened. Ids are random non-zero i64 values; an id
/// this session did not hand out raises THRIFTBROKER_BAD_NAMESPACE_ID / _BAD_SCANNER_ID /
/// _BAD_MUTATOR_ID. Make one per connection with `EmulatedBroker.makeSession()` and call
/// `close()` when the connection ends: that frees every scanner and mutator it holds.
///
/// Thread-safe: its own state is behind its own lock (taken before the broker's, never after).
public final class EmulatorSession: HypertableService, Sendable {
    struct Mutator {
        var namespace: String
        var table: String
        var flags: Int32 = 0

        /// `MutatorFlag.IGNORE_UNKNOWN_CFS` (2): cells of unknown families are dropped.
        var ignoresUnknownFamilies: Bool { flags & EmulatorSession.ignoreUnknownColumnFamilies != 0 }
    }

    /// Mutator flag `IGNORE_UNKNOWN_CFS` (Client.thrift `enum MutatorFlag`).
    public static let ignoreUnknownColumnFamilies: Int32 = 2

    struct State {
        var namespaces: [Int64: String] = [:]
        var scanners: [Int64: ScanCursor] = [:]
        var mutators: [Int64: Mutator] = [:]
        var futures: [Int64: FutureState] = [:]
        var asyncScanners: [Int64: AsyncScanner] = [:]
        var asyncMutators: [Int64: AsyncMutator] = [:]
        var closed = false
    }

    public let broker: EmulatedBroker
    let state = Locked(State())

    init(broker: EmulatedBroker) {
        self.broker = broker
    }

    /// Scanners this session holds open.
    public var openScannerCount: Int { state.withLock { $0.scanners.count } }
    /// Mutators this session holds open.
    public var openMutatorCount: Int { state.withLock { $0.mutators.count } }

    /// Frees every namespace, scanner and mutator id of this session. Idempotent.
    public func close() {
        let (scanners, mutators, wasOpen) = state.withLock { s -> (Int, Int, Bool) in
            let counts = (s.scanners.count, s.mutators.count, !s.closed)
            s = State()
            s.closed = true
            return counts
        }
        broker.counters {
            $0.openScanners -= scanners
            $0.openMutators -= mutators
            if wasOpen { $0.openSessions -= 1 }
        }
    }

    deinit {
        close()
    }

    // MARK: helpers

    func locked<T>(_ body: (inout State) throws(ClientException) -> T) throws(ClientException) -> T {
        let result: Result<T, ClientException> = state.withLock { s in
            do throws(ClientException) { return .success(try body(&s)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func newID<V>(in map: [Int64: V]) -> Int64 {
        while true {
            let id = Int64.random(in: 1...Int64.max)
            if map[id] == nil { return id }
        }
    }

    func namespacePath(_ id: Int64) throws(ClientException) -> String {
        try locked { (s) throws(ClientException) in
            guard let path = s.namespaces[id] else {
                throw ClientException(.thriftBrokerBadNamespaceID, "Invalid namespace id: \(id)")
            }
            return path
        }
    }

    func registerScanner(_ cursor: ScanCursor) -> Int64 {
        let id = state.withLock { s -> Int64 in
            let id = Self.newID(in: s.scanners)
            s.scanners[id] = cursor
            return id
        }
        broker.counters { $0.openScanners += 1 }
        return id
    }

    func mutator(_ id: Int64) throws(ClientException) -> Mutator {
        try locked { (s) throws(ClientException) in
            guard let m = s.mutators[id] else {
                throw ClientException(.thriftBrokerBadMutatorID, "Invalid mutator id: \(id)")
            }
            return m
        }
    }

    // MARK: namespaces

    public func namespaceCreate(_ name: String) throws {
        try broker.createNamespace(NamespacePath.canonical(name), ifNotExists: false)
    }

    public func namespaceOpen(_ name: String) throws -> Int64 {
        let path = NamespacePath.canonical(name)
        guard broker.namespaceExists(path) else { throw ClientException(.namespaceDoesNotExist, path) }
        return state.withLock { s in
            let id = Self.newID(in: s.namespaces)
            s.namespaces[id] = path
            return id
        }
    }

    public func namespaceClose(_ namespace: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.namespaces.removeValue(forKey: namespace) != nil else {
                throw ClientException(.thriftBrokerBadNamespaceID, "Invalid namespace id: \(namespace)")
            }
        }
    }

    public func namespaceExists(_ name: String) throws -> Bool {
        broker.namespaceExists(NamespacePath.canonical(name))
    }

    public func namespaceDrop(_ name: String, ifExists: Bool) throws {
        try broker.dropNamespace(NamespacePath.canonical(name), ifExists: ifExists)
    }

    public func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] {
        try broker.listing(try namespacePath(namespace))
    }

    // MARK: tables

    public func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws {
        let path = try namespacePath(namespace)
        try broker.createTable(path, table, schema: try TableSchema(schema))
    }

    public func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws {
        let path = try namespacePath(namespace)
        try broker.alterSchema(path, table) { (current) throws(ClientException) in
            try TableSchema.checkAccessGroupReferences(schema)
            // A family sent with its id under another name is renamed (its cells stay), as
            // Hypertable's schema update matches families by id.
            for spec in schema.columnFamilies.values.sorted(by: { $0.name < $1.name }) where !spec.deleted {
                guard let id = spec.id,
                      let i = current.families.firstIndex(where: { $0.id == id && !$0.deleted }),
                      current.families[i].name != spec.name else { continue }
                guard !current.families.contains(where: { $0.name == spec.name && !$0.deleted }) else {
                    throw TableSchema.badSchema("Column family '\(spec.name)' multiply defined")
                }
                current.families[i].name = spec.name
            }
            // An existing group takes the options and defaults the schema gives it.
            for i in current.accessGroups.indices {
                guard let group = schema.accessGroups[current.accessGroups[i].name] else { continue }
                if let options = group.options { current.accessGroups[i].options = options }
                if let defaults = group.defaults { current.accessGroups[i].defaults = defaults }
            }
            let wanted = Set(schema.columnFamilies.values.filter { !$0.deleted }.map(\.name))
            for i in current.families.indices where !current.families[i].deleted && !wanted.contains(current.families[i].name) {
                current.families[i].deleted = true
            }
            for name in schema.accessGroups.keys.sorted() where !current.accessGroups.contains(where: { $0.name == name }) {
                let g = schema.accessGroups[name]
                try current.addAccessGroup(name, options: g?.options ?? .init(), defaults: g?.defaults ?? .init())
            }
            for spec in schema.columnFamilies.values.sorted(by: { $0.name < $1.name }) where !spec.deleted {
                if let i = current.families.firstIndex(where: { $0.name == spec.name && !$0.deleted }) {
                    current.families[i].options = spec.options ?? ColumnFamilyOptions()
                } else {
                    try current.addFamily(spec.name, accessGroup: spec.accessGroup.isEmpty ? "default" : spec.accessGroup,
                                          options: spec.options ?? .init(), valueIndex: spec.valueIndex,
                                          qualifierIndex: spec.qualifierIndex)
                }
            }
        }
    }

    public func tableExists(_ namespace: Int64, _ table: String) throws -> Bool {
        broker.tableExists(try namespacePath(namespace), table)
    }

    public func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws {
        try broker.dropTable(try namespacePath(namespace), table, ifExists: ifExists)
    }

    public func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws {
        try broker.renameTable(try namespacePath(namespace), table, to: newName)
    }

    public func getTables(_ namespace: Int64) throws -> [String] {
        try broker.tables(try namespacePath(namespace))
    }

    public func getSchemaString(_ namespace: Int64, _ table: String) throws -> String {
        try broker.schema(try namespacePath(namespace), table).xml(withIDs: false)
    }

    public func getSchema(_ namespace: Int64, _ table: String) throws -> Schema {
        try broker.schema(try namespacePath(namespace), table).thriftSchema
    }

    // MARK: HQL

    public func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
        try hqlExec(namespace, command, noFlush: false, unbuffered: false)
    }

    public func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        let path = try namespacePath(namespace)
        let statement: HQLStatement
        do {
            statement = try HQLParser.parse(command)
        } catch {
            // Hypertable's `parse error at: ...` already names the statement.
            throw ClientException(error.kind == .badCommand ? .hqlBadCommand : .hqlParseError,
                                  error.detail == nil ? "\(error.message) (\(error.position))" : error.message)
        }
        var result = try HQLExecutor(session: self, namespace: path).execute(statement, unbuffered: unbuffered)
        // With `noflush`, HqlCallback::on_finish hands the INSERT's (or DELETE's) mutator back
        // for the client to flush and close. Cells are applied at once here, so the flush
        // has nothing left to do, but the id must be valid until `mutator_close`.
        if noFlush, let table = Self.mutatedTable(statement) {
            result.mutator = registerMutator(Mutator(namespace: path, table: table))
        }
        return result
    }

    /// The table an INSERT or DELETE writes through a mutator.
    static func mutatedTable(_ statement: HQLStatement) -> String? {
        switch statement {
        case .insert(let insert): return insert.table
        case .delete(let delete): return delete.table
        default: return nil
        }
    }

    func registerMutator(_ mutator: Mutator) -> Int64 {
        let id = state.withLock { s -> Int64 in
            let id = Self.newID(in: s.mutators)
            s.mutators[id] = mutator
            return id
        }
        broker.counters { $0.openMutators += 1 }
        return id
    }

    // MARK: reads

    func scan(_ path: String, _ table: String, _ spec: ScanSpec) throws(ClientException) -> ScanCursor {
        try broker.openScan(path, table) { (schema, name) throws(ClientException) in
            try ScanPlan(spec, schema: schema, table: name)
        }
    }

    /// The newest version of each cell of `row`: ThriftBroker's `get_row` (and its
    /// `_as_arrays` and `_serialized` forms) scans with `max_versions = 1`.
    public func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] {
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: row, endRow: row)]
        spec.versions = 1
        var cursor = try scan(try namespacePath(namespace), table, spec)
        return broker.drain(&cursor)
    }

    public func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: row, endRow: row)]
        spec.columns = [column]
        spec.versions = 1
        spec.cellLimit = 1
        var cursor = try scan(try namespacePath(namespace), table, spec)
        return broker.drain(&cursor).first?.value ?? []
    }

    public func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] {
        var cursor = try scan(try namespacePath(namespace), table, scanSpec)
        return broker.drain(&cursor)
    }

    public func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
        registerScanner(try scan(try namespacePath(namespace), table, scanSpec))
    }

    private func nextFromScanner(_ scanner: Int64, oneRow: Bool) throws(ClientException) -> [Cell] {
        try locked { (s) throws(ClientException) in
            guard var cursor = s.scanners.removeValue(forKey: scanner) else {
                throw ClientException(.thriftBrokerBadScannerID, "Invalid scanner id: \(scanner)")
            }
            defer { s.scanners[scanner] = cursor }
            return broker.advance(&cursor, oneRow: oneRow)
        }
    }

    public func scannerNextCells(_ scanner: Int64) throws -> [Cell] {
        try nextFromScanner(scanner, oneRow: false)
    }

    public func scannerNextRow(_ scanner: Int64) throws -> [Cell] {
        try nextFromScanner(scanner, oneRow: true)
    }

    public func scannerClose(_ scanner: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.scanners.removeValue(forKey: scanner) != nil else {
                throw ClientException(.thriftBrokerBadScannerID, "Invalid scanner id: \(scanner)")
            }
        }
        broker.counters { $0.openScanners -= 1 }
    }

    // MARK: writes

    public func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws {
        try broker.write(try namespacePath(namespace), table, cells: [cell])
    }

    public func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws {
        try broker.write(try namespacePath(namespace), table, cells: cells)
    }

    /// Cells set through a mutator are applied at once (a flush is then a no-op), so every
    /// acknowledged `mutator_set_cell(s)` is visible to readers.
    public func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        let path = try namespacePath(namespace)
        _ = try broker.schema(path, table)
        return registerMutator(Mutator(namespace: path, table: table, flags: flags))
    }

    public func mutatorSetCell(_ mutator: Int64, cell: Cell) throws {
        let m = try self.mutator(mutator)
        try broker.write(m.namespace, m.table, cells: [cell], ignoreUnknownFamilies: m.ignoresUnknownFamilies)
    }

    public func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws {
        let m = try self.mutator(mutator)
        try broker.write(m.namespace, m.table, cells: cells, ignoreUnknownFamilies: m.ignoresUnknownFamilies)
    }

    public func mutatorFlush(_ mutator: Int64) throws {
        _ = try self.mutator(mutator)
    }

    public func mutatorClose(_ mutator: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.mutators.removeValue(forKey: mutator) != nil else {
                throw ClientException(.thriftBrokerBadMutatorID, "Invalid mutator id: \(mutator)")
            }
        }
        broker.counters { $0.openMutators -= 1 }
    }

    // MARK: misc

    public func status() throws -> BrokerStatus {
        BrokerStatus(code: 0, text: "")
    }

    public func errorGetText(_ code: Int32) throws -> String {
        HypertableErrorCode(rawValue: code)?.text ?? "ERROR NOT REGISTERED"
    }
}
