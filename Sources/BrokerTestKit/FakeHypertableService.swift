#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HypertableClient
import Support

/// An in-memory stand-in for one ThriftBroker connection.
///
/// Real: `namespace_open` / `namespace_close` (per-connection ids that a closed or invalidated
/// id makes `THRIFTBROKER_BAD_NAMESPACE_ID`), `namespace_create` / `exists` / `drop` (over
/// the namespace set shared by every connection of one `FakeHypertableFactory`), `status`,
/// `error_get_text`. Canned: `get_tables` and `hql_query` / `hql_exec` answer `tables` and
/// `hqlResult`. After `serveCannedReadsAndWrites()`: `get_schema` answers a schema with
/// `schemaFamilies` for any table in `tables`; `scanner_open` (and an unbuffered `hql_exec`)
/// hands out a scanner whose `next_cells` answers `scanCells` once, then nothing; `get_row`
/// and `get_cells` answer `scanCells`; `set_cells` and mutators accept anything.
/// Everything else validates its namespace id and then throws `NOT_IMPLEMENTED`.
///
/// The byte-carrying arguments of `get_row`, `get_cells`, `scanner_open`, `set_cells`,
/// `hql_query` and `hql_exec` are recorded exactly as received (`recorded`), so tests can
/// check what reached the broker, byte for byte.
///
/// Knobs make the next call fail, stall, or make the cached namespace ids go stale; the call
/// log records every call in order (`namespaceOpen(test)`, `namespaceClose(1000001)`,
/// `close`). Thread-safe: tests poke it while a pool uses it from other threads.
public final class FakeHypertableService: HypertableService, IdleLivenessChecking, Sendable {
    /// 1, 2, ... in the order its factory made them (0 when made directly).
    public let connectionNumber: Int
    private let registry: Locked<Set<String>>
    private let state = Locked(State())

    private struct State {
        var openNamespaces: [Int64: String] = [:]
        var nextNamespaceSerial: Int64 = 0
        var isClosed = false
        var deadWhileIdle = false
        var pendingFailures: [any Error] = []
        var badNamespaceIDFailures = 0
        var stallEveryCallMilliseconds = 0
        var stallNextCallMilliseconds = 0
        var log: [String] = []
        var calls: [String: Int] = [:]
        var namespaceOpens = 0
        var namespaceCloses = 0
        var tables: [String] = []
        var hqlResult = HQLResult(results: [])
        var scanSpecs: [ScanSpec] = []
        /// Off: reads and writes record their arguments and throw NOT_IMPLEMENTED.
        var servesCanned = false
        var schemaFamilies: [String] = []
        var scanCells: [Cell] = []
        var nextScanner: Int64 = 0
        /// Open scanners, and whether each has answered its canned cells.
        var scanners: [Int64: Bool] = [:]
        var recorded: [RecordedCall] = []
        var nextMutator: Int64 = 0
        var mutators: Set<Int64> = []
        /// Per method: calls to let through before the next one fails, and with what.
        var methodFailures: [String: (passes: Int, error: any Error)] = [:]
    }

    /// One call's byte-carrying arguments as the broker received them.
    public enum RecordedCall: Sendable, Equatable {
        case getRow(table: String, row: Bytes)
        case getCells(table: String, spec: ScanSpec)
        case scannerOpen(table: String, spec: ScanSpec)
        case setCells(table: String, cells: [Cell])
        case mutatorSetCells([Cell])
        case mutatorFlush
        case hqlQuery(String)
        case hqlExec(String)
    }

    /// A fake connection whose broker knows `namespaces`.
    public convenience init(namespaces: Set<String> = ["/", "test"]) {
        self.init(connectionNumber: 0, registry: Locked(namespaces))
    }

    init(connectionNumber: Int, registry: Locked<Set<String>>) {
        self.connectionNumber = connectionNumber
        self.registry = registry
    }

    // MARK: Knobs

    /// Makes the connection dead (its broker went away): the pool's idle probe sees it, and
    /// every call fails with `BrokerCallError.connectionFailed`, as on a reset socket.
    public func dieWhileIdle() {
        state.withLock { $0.deadWhileIdle = true }
    }

    public var isDeadWhileIdle: Bool { state.withLock { $0.deadWhileIdle || $0.isClosed } }

    /// The next call (any method) throws `error` instead of running.
    public func failNextCall(with error: any Error) {
        state.withLock { $0.pendingFailures.append(error) }
    }

    /// The next call throws `BrokerCallError.connectionFailed`, as if the socket broke.
    public func failNextCallWithTransportError() {
        failNextCall(with: BrokerCallError.connectionFailed(context: "next call", reason: "simulated transport failure"))
    }

    /// The next call throws `ClientException(code, message)`.
    public func failNextCall(with code: HypertableErrorCode, message: String = "injected") {
        failNextCall(with: ClientException(code, message))
    }

    /// Forgets every namespace id handed out so far, as the broker does when it frees its
    /// per-client handler: calls with those ids get THRIFTBROKER_BAD_NAMESPACE_ID.
    public func invalidateNamespaceIDs() {
        state.withLock { $0.openNamespaces.removeAll() }
    }

    /// The next `count` calls that take a namespace id answer THRIFTBROKER_BAD_NAMESPACE_ID
    /// (and forget that id), even if it was valid.
    public func failNamespaceIDCalls(times count: Int) {
        state.withLock { $0.badNamespaceIDFailures = max(0, count) }
    }

    /// Every call sleeps this long before answering (0 to stop).
    public func stallEveryCall(milliseconds: Int) {
        state.withLock { $0.stallEveryCallMilliseconds = max(0, milliseconds) }
    }

    /// The next call sleeps this long before answering.
    public func stallNextCall(milliseconds: Int) {
        state.withLock { $0.stallNextCallMilliseconds = max(0, milliseconds) }
    }

    /// What `getTables` answers.
    public func setTables(_ tables: [String]) {
        state.withLock { $0.tables = tables }
    }

    /// After `passes` more calls of `method` (its name as logged: `mutatorFlush`), the next
    /// one throws `error` instead of running; later calls run again.
    public func failCall(_ method: String, after passes: Int, with error: any Error) {
        state.withLock { $0.methodFailures[method] = (max(0, passes), error) }
    }

    /// Mutators opened and not closed.
    public var openMutatorCount: Int { state.withLock { $0.mutators.count } }

    /// Makes `get_schema`, `get_row`, `get_cells`, `scanner_open`, `set_cells` and
    /// `mutator_open` answer (canned, as the type's documentation says) instead of throwing
    /// NOT_IMPLEMENTED after recording their arguments.
    public func serveCannedReadsAndWrites() {
        state.withLock { $0.servesCanned = true }
    }

    /// The families `getSchema` reports for every table in `tables`.
    public func setSchemaFamilies(_ families: [String]) {
        state.withLock { $0.schemaFamilies = families }
    }

    /// What `getRow`, `getCells` and each scanner's first `scannerNextCells` answer.
    public func setScanCells(_ cells: [Cell]) {
        state.withLock { $0.scanCells = cells }
    }

    /// The recorded calls, oldest first (see the type's documentation).
    public var recorded: [RecordedCall] { state.withLock { $0.recorded } }

    /// Forgets the recorded calls.
    public func clearRecorded() { state.withLock { $0.recorded.removeAll() } }

    /// Scanners opened and not closed.
    public var openScannerCount: Int { state.withLock { $0.scanners.count } }

    private func record(_ call: RecordedCall) { state.withLock { $0.recorded.append(call) } }

    /// What `hqlQuery` and `hqlExec` answer.
    public func setHQLResult(_ result: HQLResult) {
        state.withLock { $0.hqlResult = result }
    }

    /// Closes the transport: logged as `close`; every later call fails as a broken connection does (`BrokerCallError.connectionFailed`).
    public func close() {
        state.withLock {
            $0.log.append("close")
            $0.isClosed = true
        }
    }

    // MARK: Observations

    public var isClosed: Bool { state.withLock { $0.isClosed } }
    /// Every call in order, e.g. `namespaceOpen(test)`, `getTables(1000001)`, `close`.
    public var callLog: [String] { state.withLock { $0.log } }
    /// Successful `namespaceOpen` calls.
    public var namespaceOpenCount: Int { state.withLock { $0.namespaceOpens } }
    /// Successful `namespaceClose` calls.
    public var namespaceCloseCount: Int { state.withLock { $0.namespaceCloses } }
    /// Namespace ids currently open on this connection, with their names.
    public var openNamespaces: [Int64: String] { state.withLock { $0.openNamespaces } }
    /// The `ScanSpec` of every `getCells` and `scannerOpen` call, in order (each then throws
    /// NOT_IMPLEMENTED): what a route asked the broker for.
    public var scanSpecs: [ScanSpec] { state.withLock { $0.scanSpecs } }
    /// How often `method` (e.g. `"namespaceOpen"`) was called, failed calls included.
    public func callCount(_ method: String) -> Int { state.withLock { $0.calls[method, default: 0] } }
    /// All calls made, failed ones included (`close` excluded).
    public var totalCalls: Int { state.withLock { $0.calls.values.reduce(0, +) } }

    // MARK: Call plumbing

    /// Logs the call, then applies a pending stall and failure.
    private func enter(_ method: String, _ argument: String = "") throws {
        let (stall, failure): (Int, (any Error)?) = state.withLock { state in
            state.log.append("\(method)(\(argument))")
            state.calls[method, default: 0] += 1
            let stall = state.stallEveryCallMilliseconds + state.stallNextCallMilliseconds
            state.stallNextCallMilliseconds = 0
            if state.isClosed { return (0, BrokerCallError.connectionFailed(context: method, reason: "connection closed")) }
            if state.deadWhileIdle { return (0, BrokerCallError.connectionFailed(context: method, reason: "connection reset by peer")) }
            var failure = state.pendingFailures.isEmpty ? nil : state.pendingFailures.removeFirst()
            if failure == nil, let planned = state.methodFailures[method] {
                if planned.passes == 0 {
                    state.methodFailures[method] = nil
                    failure = planned.error
                } else {
                    state.methodFailures[method] = (planned.passes - 1, planned.error)
                }
            }
            return (stall, failure)
        }
        if stall > 0 { usleep(useconds_t(min(stall, 60_000)) * 1000) }
        if let failure { throw failure }
    }

    /// `enter`, then checks that `namespace` is an id this connection handed out.
    private func enter(_ method: String, namespace: Int64, _ more: String = "") throws {
        try enter(method, more.isEmpty ? String(namespace) : "\(namespace), \(more)")
        try state.withLock { state in
            if state.badNamespaceIDFailures > 0 {
                state.badNamespaceIDFailures -= 1
                state.openNamespaces[namespace] = nil
            }
            guard state.openNamespaces[namespace] != nil else {
                throw ClientException(.thriftBrokerBadNamespaceID, "Invalid namespace id: \(namespace)")
            }
        }
    }

    private func notImplemented(_ method: String) -> ClientException {
        ClientException(.notImplemented, "\(method) is not implemented in FakeHypertableService")
    }

    // MARK: Namespaces (real)

    public func namespaceCreate(_ name: String) throws {
        try enter("namespaceCreate", name)
        try registry.withLock { names in
            guard names.insert(name).inserted else {
                throw ClientException(.namespaceExists, "Namespace '\(name)' already exists")
            }
        }
    }

    public func namespaceOpen(_ name: String) throws -> Int64 {
        try enter("namespaceOpen", name)
        guard registry.withLock({ $0.contains(name) }) else {
            throw ClientException(.namespaceDoesNotExist, "Namespace '\(name)' does not exist")
        }
        let number = Int64(connectionNumber)
        return state.withLock { state in
            state.nextNamespaceSerial += 1
            let id = (number + 1) * 1_000_000 + state.nextNamespaceSerial
            state.openNamespaces[id] = name
            state.namespaceOpens += 1
            return id
        }
    }

    public func namespaceClose(_ namespace: Int64) throws {
        try enter("namespaceClose", String(namespace))
        try state.withLock { state in
            guard state.openNamespaces.removeValue(forKey: namespace) != nil else {
                throw ClientException(.thriftBrokerBadNamespaceID, "Invalid namespace id: \(namespace)")
            }
            state.namespaceCloses += 1
        }
    }

    public func namespaceExists(_ name: String) throws -> Bool {
        try enter("namespaceExists", name)
        return registry.withLock { $0.contains(name) }
    }

    public func namespaceDrop(_ name: String, ifExists: Bool) throws {
        try enter("namespaceDrop", name)
        try registry.withLock { names in
            if names.remove(name) == nil, !ifExists {
                throw ClientException(.namespaceDoesNotExist, "Namespace '\(name)' does not exist")
            }
        }
    }

    public func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] {
        try enter("namespaceGetListing", namespace: namespace)
        return state.withLock { $0.tables.map { NamespaceListing(name: $0, isNamespace: false) } }
    }

    // MARK: Tables

    public func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try enter("tableCreate", namespace: namespace, table)
        throw notImplemented("tableCreate")
    }

    public func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try enter("tableAlter", namespace: namespace, table)
        throw notImplemented("tableAlter")
    }

    public func tableExists(_ namespace: Int64, _ table: String) throws -> Bool {
        try enter("tableExists", namespace: namespace, table)
        return state.withLock { $0.tables.contains(table) }
    }

    public func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws {
        try enter("tableDrop", namespace: namespace, table)
        throw notImplemented("tableDrop")
    }

    public func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws {
        try enter("tableRename", namespace: namespace, table)
        throw notImplemented("tableRename")
    }

    public func getTables(_ namespace: Int64) throws -> [String] {
        try enter("getTables", namespace: namespace)
        return state.withLock { $0.tables }
    }

    public func getSchemaString(_ namespace: Int64, _ table: String) throws -> String {
        try enter("getSchemaString", namespace: namespace, table)
        throw notImplemented("getSchemaString")
    }

    public func getSchema(_ namespace: Int64, _ table: String) throws -> Schema {
        try enter("getSchema", namespace: namespace, table)
        return try state.withLock { state in
            guard state.servesCanned else { throw notImplemented("getSchema") }
            guard state.tables.contains(table) else {
                throw ClientException(.tableNotFound, "Table '\(table)' does not exist")
            }
            var schema = Schema()
            for family in state.schemaFamilies { schema.columnFamilies[family] = ColumnFamilySpec(name: family) }
            return schema
        }
    }

    public func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        try enter("tableGetSplits", namespace: namespace, table)
        throw notImplemented("tableGetSplits")
    }

    // MARK: HQL (canned)

    public func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
        try enter("hqlQuery", namespace: namespace, command)
        record(.hqlQuery(command))
        return state.withLock { $0.hqlResult }
    }

    public func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        try enter("hqlExec", namespace: namespace, command)
        record(.hqlExec(command))
        return state.withLock { state in
            // Unbuffered, as the gateway streams a SELECT: a scanner over the canned cells.
            guard unbuffered && state.servesCanned else { return state.hqlResult }
            state.nextScanner += 1
            state.scanners[state.nextScanner] = false
            return HQLResult(scanner: state.nextScanner)
        }
    }

    // MARK: Reads and writes (recorded; canned answers)

    public func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] {
        try enter("getRow", namespace: namespace, table)
        record(.getRow(table: table, row: row))
        let (serves, cells) = state.withLock { ($0.servesCanned, $0.scanCells) }
        guard serves else { throw notImplemented("getRow") }
        return cells
    }

    public func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        try enter("getCell", namespace: namespace, table)
        throw notImplemented("getCell")
    }

    public func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] {
        try enter("getCells", namespace: namespace, table)
        record(.getCells(table: table, spec: scanSpec))
        let (serves, cells) = state.withLock { state in
            state.scanSpecs.append(scanSpec)
            return (state.servesCanned, state.scanCells)
        }
        guard serves else { throw notImplemented("getCells") }
        return cells
    }

    public func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
        try enter("scannerOpen", namespace: namespace, table)
        record(.scannerOpen(table: table, spec: scanSpec))
        return try state.withLock { state in
            state.scanSpecs.append(scanSpec)
            guard state.servesCanned else { throw notImplemented("scannerOpen") }
            state.nextScanner += 1
            state.scanners[state.nextScanner] = false
            return state.nextScanner
        }
    }

    public func scannerNextCells(_ scanner: Int64) throws -> [Cell] {
        try enter("scannerNextCells", String(scanner))
        return try state.withLock { state in
            guard let answered = state.scanners[scanner] else {
                throw ClientException(.thriftBrokerBadScannerID, "Invalid scanner id: \(scanner)")
            }
            state.scanners[scanner] = true
            return answered ? [] : state.scanCells
        }
    }

    public func scannerNextRow(_ scanner: Int64) throws -> [Cell] {
        try enter("scannerNextRow", String(scanner))
        throw notImplemented("scannerNextRow")
    }

    public func scannerClose(_ scanner: Int64) throws {
        try enter("scannerClose", String(scanner))
        try state.withLock { state in
            guard state.scanners.removeValue(forKey: scanner) != nil else {
                throw ClientException(.thriftBrokerBadScannerID, "Invalid scanner id: \(scanner)")
            }
        }
    }

    public func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws {
        try enter("setCell", namespace: namespace, table)
        throw notImplemented("setCell")
    }

    public func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws {
        try enter("setCells", namespace: namespace, table)
        record(.setCells(table: table, cells: cells))
        guard state.withLock({ $0.servesCanned }) else { throw notImplemented("setCells") }
    }

    public func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        try enter("mutatorOpen", namespace: namespace, table)
        return try state.withLock { state in
            guard state.servesCanned else { throw notImplemented("mutatorOpen") }
            guard state.tables.contains(table) else {
                throw ClientException(.tableNotFound, "Table '\(table)' does not exist")
            }
            state.nextMutator += 1
            state.mutators.insert(state.nextMutator)
            return state.nextMutator
        }
    }

    public func mutatorSetCell(_ mutator: Int64, cell: Cell) throws {
        try enter("mutatorSetCell", String(mutator))
        try knownMutator(mutator)
        record(.mutatorSetCells([cell]))
    }

    public func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws {
        try enter("mutatorSetCells", String(mutator))
        try knownMutator(mutator)
        record(.mutatorSetCells(cells))
    }

    public func mutatorFlush(_ mutator: Int64) throws {
        try enter("mutatorFlush", String(mutator))
        try knownMutator(mutator)
        record(.mutatorFlush)
    }

    public func mutatorClose(_ mutator: Int64) throws {
        try enter("mutatorClose", String(mutator))
        try state.withLock { state in
            guard state.mutators.remove(mutator) != nil else {
                throw ClientException(.thriftBrokerBadMutatorID, "Invalid mutator id: \(mutator)")
            }
        }
    }

    private func knownMutator(_ mutator: Int64) throws {
        guard state.withLock({ $0.mutators.contains(mutator) }) else {
            throw ClientException(.thriftBrokerBadMutatorID, "Invalid mutator id: \(mutator)")
        }
    }

    public func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        try enter("createCellUnique", namespace: namespace, table)
        throw notImplemented("createCellUnique")
    }

    // MARK: Misc (real)

    public func status() throws -> BrokerStatus {
        try enter("status")
        return BrokerStatus(code: 0, text: "")
    }

    public func errorGetText(_ code: Int32) throws -> String {
        try enter("errorGetText", String(code))
        return HypertableErrorCode(rawValue: code)?.text ?? "ERROR NOT REGISTERED"
    }
}
